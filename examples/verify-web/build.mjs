// @ts-check
/**
 * Bundles the page's entry with @kyso/verify and @kyso/pdf (from their sources) for the browser into dist/, and
 * copies the kyso test root there for `?test-root=1`. `node examples/verify-web/build.mjs` builds once.
 *
 * The bundle must run in a browser as it is: platform 'browser', and any import of a Node built-in (`node:crypto`,
 * `fs`, `buffer`, ...) fails the build. No built-in is marked external and nothing is polyfilled, so a Node-only
 * dependency cannot slip in unnoticed.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));

/** @type {import('esbuild').Plugin} */
const refuseNodeBuiltins = {
  name: 'refuse-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (!args.path.startsWith('node:') && !builtins.has(bare.split('/')[0])) return undefined;
      return {
        errors: [
          {
            text: `"${args.path}" is a Node built-in; the verify page must run in a browser (imported by ${args.importer})`,
          },
        ],
      };
    });
  },
};

/**
 * @param {{ outdir?: string, entry?: string, minify?: boolean }} [options]
 *   `entry` defaults to src/main.ts (the test also builds a bad entry to see the guard refuse it).
 * @returns {Promise<{ outfile: string, bytes: number, inputs: string[] }>}
 */
export async function buildVerifyWeb(options = {}) {
  const outdir = options.outdir ?? join(here, 'dist');
  const outfile = join(outdir, 'verify-web.js');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [options.entry ?? join(here, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
    // The workspace packages from their sources, so the page needs no `pnpm build` first.
    alias: {
      '@kyso/verify': join(repo, 'packages', 'verify', 'src', 'index.ts'),
      '@kyso/pdf': join(repo, 'packages', 'pdf', 'src', 'index.ts'),
    },
    plugins: [refuseNodeBuiltins],
  });
  copyFileSync(join(repo, 'test-certs', 'root-ca.pem'), join(outdir, 'kyso-test-root-ca.pem'));
  const out = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('verify-web.js'));
  return { outfile, bytes: out ? out[1].bytes : 0, inputs: Object.keys(result.metafile.inputs) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outfile, bytes } = await buildVerifyWeb();
  console.log(`built ${outfile} (${Math.round(bytes / 1024)} KiB)`);
}
