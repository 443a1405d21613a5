// The kyso command as a few bundled files over tsc's output (run by `pnpm build` after tsc): dist/main.js is the
// entry (the bin), each command a chunk loaded when it runs (esbuild's splitting keeps the dynamic imports lazy),
// dist/commands/verify-worker.js the batch's worker. The verifier's code (@kyso/pdf, @kyso/verify, pkijs, asn1js,
// and @kyso/core's file-source and guarded-fetch) is bundled and minified: one parse instead of hundreds of module
// files. @kyso/core's main entry, its SQLite register and @kyso/server stay external (they find fonts, native
// modules and worker files next to their own files), so the signing commands load the installed packages.
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const cli = fileURLToPath(new URL('..', import.meta.url));
const dist = join(cli, 'dist');
const EXTERNAL = /^(@kyso\/core|@kyso\/core\/register-sqlite|@kyso\/core\/register-postgres|@kyso\/server|better-sqlite3|pg|pkcs11js)$/;
const CHUNK = /^(chunk|[a-z-]+)-[A-Z0-9]{8}\.js(\.map|\.LEGAL\.txt)?$/;

// The chunks of an earlier bundle (their names carry a content hash).
if (existsSync(join(dist, 'commands'))) for (const f of readdirSync(join(dist, 'commands'))) if (CHUNK.test(f)) rmSync(join(dist, 'commands', f));

await build({
  absWorkingDir: cli,
  entryPoints: { main: 'src/main.ts', 'commands/verify-worker': 'src/commands/verify-worker.ts' },
  outdir: dist,
  // Chunks sit beside the worker, so `new URL('./verify-worker.js', import.meta.url)` holds in tsc's layout and here.
  chunkNames: 'commands/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // No source maps: the published package maps only what it ships (src/), and a bundle's map would name node_modules.
  sourcemap: false,
  legalComments: 'linked',
  // CommonJS dependencies inside the bundle require Node's built-ins.
  banner: { js: "import { createRequire as kysoCreateRequire } from 'node:module'; const require = kysoCreateRequire(import.meta.url);" },
  plugins: [{ name: 'kyso-external', setup: (b) => b.onResolve({ filter: EXTERNAL }, (a) => ({ path: a.path, external: true })) }],
  logLevel: 'warning',
});
// tsc's maps of the two files the bundle replaced would describe code that is no longer there.
for (const f of ['main.js.map', 'commands/verify-worker.js.map']) rmSync(join(dist, f), { force: true });
