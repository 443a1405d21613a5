// The kyso command as a few bundled files over tsc's output (run by `pnpm build` after tsc): dist/main.js is the
// entry (the bin), each command a chunk loaded when it runs (esbuild's splitting keeps the dynamic imports lazy),
// dist/commands/verify-worker.js the batch's worker. @kyso/pdf, @kyso/verify, @kyso/core (its register too), pkijs
// and asn1js are bundled and minified: a command parses a few files instead of hundreds of modules, and there is one
// copy of each class. @kyso/core's files keep the URL they have in the installed package (import.meta.url is
// rewritten), so its fonts and its CommonJS dependencies loaded on demand (node-forge, fontkit, pngjs, qrcode,
// better-sqlite3, pg) are found beside it. @kyso/server (`kyso serve`, its own workers) and the native modules stay external.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, sep } from 'node:path';

const cli = fileURLToPath(new URL('..', import.meta.url));
const dist = join(cli, 'dist');
const EXTERNAL = /^(@kyso\/server|better-sqlite3|pg|pkcs11js)$/;
const coreDist = fileURLToPath(new URL('../../core/dist/', import.meta.url));
const CHUNK = /^(chunk|[a-z-]+)-[A-Z0-9]{8}\.js(\.map|\.LEGAL\.txt)?$/;

// The chunks of an earlier bundle (their names carry a content hash).
if (existsSync(join(dist, 'commands')))
  for (const f of readdirSync(join(dist, 'commands'))) if (CHUNK.test(f)) rmSync(join(dist, 'commands', f));

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
  // The ES module builds of pkijs, asn1js and their helpers (their "module" field) rather than CommonJS ("main"):
  // esbuild leaves out what the verifier never uses and skips the CommonJS wrappers (loading the verifier's chunk
  // took about a third fewer instructions).
  mainFields: ['module', 'main'],
  target: 'node20',
  minify: true,
  // No source maps: the published package maps only what it ships (src/), and a bundle's map would name node_modules.
  sourcemap: false,
  legalComments: 'linked',
  // CommonJS dependencies inside the bundle require Node's built-ins; @kyso/core's files find their fonts and their
  // own dependencies (node-forge, fontkit, pngjs, qrcode, better-sqlite3, pg) from where the installed package lies.
  banner: {
    // (require.resolve rather than import.meta.resolve, which Node 20 has only from 20.6)
    js: "import { createRequire as kysoCreateRequire } from 'node:module'; import { pathToFileURL as kysoFileUrl } from 'node:url'; const require = kysoCreateRequire(import.meta.url); const kysoCoreUrl = (p) => new URL(p, kysoFileUrl(require.resolve('@kyso/core'))).href;",
  },
  plugins: [
    {
      name: 'kyso-external',
      setup(b) {
        b.onResolve({ filter: EXTERNAL }, (a) => ({ path: a.path, external: true }));
        // @kyso/core's import.meta.url becomes the URL its file has in the installed package (dist/index.js's folder).
        b.onLoad({ filter: /\.js$/ }, (a) => {
          if (!a.path.startsWith(coreDist)) return undefined;
          const text = readFileSync(a.path, 'utf8');
          if (!text.includes('import.meta.url')) return undefined;
          const rel = relative(coreDist, a.path).split(sep).join('/');
          return {
            contents: text.replaceAll('import.meta.url', `kysoCoreUrl(${JSON.stringify(rel)})`),
            loader: 'js',
            resolveDir: dirname(a.path),
          };
        });
      },
    },
  ],
  logLevel: 'warning',
});
// tsc's maps of the two files the bundle replaced would describe code that is no longer there.
for (const f of ['main.js.map', 'commands/verify-worker.js.map']) rmSync(join(dist, f), { force: true });
