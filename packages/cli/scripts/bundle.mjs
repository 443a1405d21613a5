// The kyso command as bundled files over tsc's output (run by `pnpm build` after tsc):
// - dist/main.cjs, the bin: a CommonJS script with src/bundled-commands.ts in place of src/command-loader.ts. Not an
//   ES module: Node's ES module loader, and its import of node:crypto (which evaluates all of WebCrypto), cost ~5 ms
//   of every call. dist/main.js is the same as an ES module, for those who ran it by that name;
// - dist/commands/NAME.cjs, one CommonJS bundle per command, run through V8's code cache (src/code-cache.ts): an
//   ES module cannot be given a code cache on Node 20, a script can. Each holds what its command needs;
// - dist/commands/serve.js and dist/commands/verify-worker.js (the batch's worker): ES modules (@kyso/server is one).
// @kyso/pdf, @kyso/verify, @kyso/core (its register too), pkijs and asn1js are bundled and minified: a command parses
// a file instead of hundreds of modules. @kyso/core's files keep the URL they have in the installed package
// (import.meta.url is rewritten), so its fonts and its CommonJS dependencies loaded on demand (node-forge, fontkit,
// pngjs, qrcode, better-sqlite3, pg) are found beside it. @kyso/server and the native modules stay external.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, sep } from 'node:path';

const cli = fileURLToPath(new URL('..', import.meta.url));
const dist = join(cli, 'dist');
const EXTERNAL = /^(@kyso\/server|better-sqlite3|pg|pkcs11js)$/;
const coreDist = fileURLToPath(new URL('../../core/dist/', import.meta.url));
// The chunks of earlier bundles (their names carry a content hash) and their code caches' sources.
const STALE = /^((chunk|[a-z-]+)-[A-Z0-9]{8}\.js(\.map|\.LEGAL\.txt)?|[a-z-]+\.cjs(\.LEGAL\.txt)?)$/;
/** The commands run from CommonJS bundles (src/bundled-commands.ts): all but serve. */
const CJS_COMMANDS = [
  'inspect',
  'verify',
  'sign',
  'extend',
  'fee',
  'certify',
  'certify-paper',
  'report',
  'trust',
  'register',
  'journal',
];

if (existsSync(join(dist, 'commands')))
  for (const f of readdirSync(join(dist, 'commands'))) if (STALE.test(f)) rmSync(join(dist, 'commands', f));

const LAZY_FFLATE = 'kyso-lazy-fflate';
const lazyFflate = `
let real;
const load = () => (real ??= require('fflate'));
export class Inflate { constructor(ondata) { return new (load().Inflate)(ondata); } }
export function zlibSync(data, options) { return load().zlibSync(data, options); }
`;

/** Text edits to a module's source, each of which must apply exactly once (else the build fails: the source changed). */
function edited(text, path, edits, what) {
  for (const [from, to] of edits) {
    if (text.split(from).length !== 2) throw new Error(`${path}: ${what} no longer applies`);
    text = text.replace(from, to);
  }
  return text;
}

/** @kyso/core's node-forge loader with a plain require(), which esbuild follows, instead of createRequire's. */
const plainRequireForge = (text, path) =>
  edited(
    text,
    path,
    [
      ["import { createRequire } from 'node:module';\n", ''],
      ['const require = createRequire(import.meta.url);\n', ''],
    ],
    'the node-forge loader edit',
  );

/** pkijs's source with its engine chosen at first use; the build fails if pkijs no longer reads as expected. */
function lazyPkijsEngine(text, path) {
  return edited(
    text,
    path,
    [
      ['\ninitCryptoEngine();\n', '\n'],
      [
        '\nfunction getEngine() {\n',
        '\nlet kysoEngineAsked = false;\nfunction getEngine() {\n    if (!kysoEngineAsked) {\n        kysoEngineAsked = true;\n        if (!kysoEngineSet) initCryptoEngine();\n    }\n',
      ],
      [
        '\nfunction setEngine(name, ...args) {\n',
        '\nlet kysoEngineSet = false;\nfunction setEngine(name, ...args) {\n    kysoEngineSet = true;\n',
      ],
    ],
    'the lazy pkijs engine edit (pkijs changed)',
  );
}

/** What every bundle shares: @kyso/core's import.meta.url rewritten to its installed file's, externals kept out. */
const kysoPlugin = (substitute = {}) => ({
  name: 'kyso-external',
  setup(b) {
    b.onResolve({ filter: EXTERNAL }, (a) => ({ path: a.path, external: true }));
    // fflate's Node build loads node:worker_threads at start for its asynchronous API, which kyso does not use (its
    // browser build has the same synchronous code); node:worker_threads alone adds ~1.7 MB to `node -e 0`'s RSS.
    // fflate builds its Huffman tables when it is evaluated (~3 ms of a one-file `kyso verify`), and @kyso/pdf needs
    // it only for a compressed stream: kyso's import gets a stand-in that requires the real module at first use
    // (esbuild evaluates a require()d ES module when it is first required).
    b.onResolve({ filter: /^fflate$/ }, (a) =>
      a.importer === LAZY_FFLATE
        ? b.resolve('fflate/browser', { kind: a.kind, resolveDir: a.resolveDir, importer: a.importer })
        : { path: LAZY_FFLATE, namespace: 'kyso-lazy', pluginData: { resolveDir: a.resolveDir } },
    );
    b.onLoad({ filter: /.*/, namespace: 'kyso-lazy' }, (a) => ({
      contents: lazyFflate,
      loader: 'js',
      resolveDir: a.pluginData.resolveDir, // fflate is @kyso/pdf's dependency
    }));
    // pkijs picks its WebCrypto engine when it is evaluated, and reading globalThis.crypto makes Node evaluate all
    // of WebCrypto (~2 ms); kyso checks signatures with node:crypto and never asks pkijs's engine on the
    // verification path. The engine is picked at pkijs's first getEngine() instead.
    b.onLoad({ filter: /[\\/]pkijs[\\/]build[\\/]index\.es\.js$/ }, (a) => ({
      contents: lazyPkijsEngine(readFileSync(a.path, 'utf8'), a.path),
      loader: 'js',
      resolveDir: dirname(a.path),
    }));
    for (const [from, to] of Object.entries(substitute))
      b.onResolve({ filter: new RegExp(`^${from.replaceAll('.', '\\.')}$`) }, () => ({ path: join(cli, to) }));
    // @kyso/core loads node-forge through createRequire, which a bundler cannot follow: Node compiled its CommonJS
    // files on every `kyso sign` (~15 ms). The bundles' copy of the loader uses a plain require() esbuild follows:
    // node-forge is bundled, still evaluated only when a .p12 is opened, its compiled code kept in the code cache.
    b.onLoad({ filter: /[\\/]signing[\\/]signers[\\/]forge\.js$/ }, (a) =>
      a.path.startsWith(coreDist)
        ? {
            contents: plainRequireForge(readFileSync(a.path, 'utf8'), a.path),
            loader: 'js',
            resolveDir: dirname(a.path),
          }
        : undefined,
    );
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
});

const common = {
  absWorkingDir: cli,
  outdir: dist,
  bundle: true,
  platform: 'node',
  // The ES module builds of pkijs, asn1js and their helpers (their "module" field) rather than CommonJS ("main"):
  // esbuild leaves out what the verifier never uses and skips the CommonJS wrappers (loading the verifier took about a
  // third fewer instructions).
  mainFields: ['module', 'main'],
  target: 'node20',
  minify: true,
  // No source maps: the published package maps only what it ships (src/), and a bundle's map would name node_modules.
  sourcemap: false,
  legalComments: 'linked',
  logLevel: 'warning',
};
// @kyso/core's files find their fonts and their own dependencies from where the installed package lies
// (require.resolve rather than import.meta.resolve, which Node 20 has only from 20.6).
// (resolved once: several of @kyso/core's modules ask at load, and each resolution reads package.json files)
const coreUrl =
  "let kysoCoreBase; const kysoCoreUrl = (p) => new URL(p, (kysoCoreBase ??= kysoFileUrl(require.resolve('@kyso/core')))).href;";

// The bin, as a CommonJS script (import() kept for the service's command, an ES module; Node's own loader runs the
// bin, so import() works there).
await build({
  ...common,
  entryPoints: { main: 'src/main.ts' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': 'kysoSelfUrl' },
  banner: {
    js: `const { pathToFileURL: kysoFileUrl } = require('node:url'); const kysoSelfUrl = kysoFileUrl(__filename).href; ${coreUrl}`,
  },
  plugins: [kysoPlugin({ './command-loader.js': 'src/bundled-commands.ts' })],
});

// The ES modules: the bin by its earlier name, the service's command and the batch's worker.
await build({
  ...common,
  entryPoints: {
    main: 'src/main.ts',
    'commands/serve': 'src/commands/serve.ts',
    'commands/verify-worker': 'src/commands/verify-worker.ts',
  },
  format: 'esm',
  banner: {
    // CommonJS dependencies inside the bundle require Node's built-ins
    js: `import { createRequire as kysoCreateRequire } from 'node:module'; import { pathToFileURL as kysoFileUrl } from 'node:url'; const require = kysoCreateRequire(import.meta.url); ${coreUrl}`,
  },
  plugins: [kysoPlugin({ './command-loader.js': 'src/bundled-commands.ts' })],
});

// The commands, as CommonJS scripts (code-cache.ts gives them exports, require, module, __filename, __dirname).
await build({
  ...common,
  entryPoints: Object.fromEntries(CJS_COMMANDS.map((c) => [`commands/${c}`, `src/commands/${c}.ts`])),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // import() becomes require(): a vm.Script given a code cache loses its import() on Node 20 (the callback is not
  // restored with the cached code) and the callback Node offers instead is experimental and warns.
  supported: { 'dynamic-import': false },
  // The commands' own import.meta.url (the batch finds its worker beside it): the bundle's file.
  define: { 'import.meta.url': 'kysoSelfUrl' },
  banner: {
    js: `const { pathToFileURL: kysoFileUrl } = require('node:url'); const kysoSelfUrl = kysoFileUrl(__filename).href; ${coreUrl}`,
  },
  plugins: [kysoPlugin()],
});

// tsc's maps of the files the bundles replaced would describe code that is no longer there.
for (const f of ['main.js.map', 'commands/serve.js.map', 'commands/verify-worker.js.map'])
  rmSync(join(dist, f), { force: true });
