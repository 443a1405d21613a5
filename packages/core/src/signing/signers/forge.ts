/**
 * The parts of node-forge a .p12 needs (PKCS#12 with its ciphers, key derivations, RSA and X.509, every digest),
 * not its index, which also loads TLS, SSH and the rest (about a third of the time). Loaded when a .p12 is first
 * opened, not when @kyso/core is imported. The kyso command's bundles take this module with the createRequire lines
 * removed (packages/cli/scripts/bundle.mjs), so that esbuild follows the require()s: node-forge is bundled and kept
 * in the code cache.
 */
import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';

const require = createRequire(import.meta.url);

export function loadForge(): typeof forgeModule {
  require('node-forge/lib/pkcs12');
  require('node-forge/lib/md.all');
  return require('node-forge/lib/forge') as typeof forgeModule;
}
