// @ts-check
/**
 * A tiny static server for the page (a page opened from file:// cannot count on WebCrypto, a secure-context API;
 * http://127.0.0.1 is a secure context). Serves only the files under this folder, read-only, on 127.0.0.1.
 *
 * `node examples/verify-web/serve.mjs [port]` (or `pnpm verify-web`) builds the bundle and serves; the test
 * imports `serveVerifyWeb` and listens on a random port.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVerifyWeb } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** `pnpm verify-web`'s port: 8080 is the service's (`pnpm serve`), so both can run at once. */
export const DEFAULT_PORT = 8081;

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.pem': 'application/x-pem-file',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * @param {{ port?: number, root?: string }} [options] port 0 (the default) picks a free one.
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serveVerifyWeb(options = {}) {
  const root = options.root ?? here;
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end(); // a malformed %-escape
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    // Only files inside the folder, and only the kinds the page uses (not its TypeScript sources or scripts).
    const allowed = file.startsWith(root + sep) && extname(file) in TYPES;
    if (req.method !== 'GET' || !allowed) {
      res.writeHead(req.method === 'GET' ? 404 : 405).end();
      return;
    }
    try {
      const body = await readFile(file);
      res
        .writeHead(200, {
          'content-type': TYPES[extname(file)],
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildVerifyWeb();
  const { url } = await serveVerifyWeb({ port: Number(process.argv[2] ?? DEFAULT_PORT) });
  console.log(
    `kyso verify page: ${url}  (add ?test-root=1 to trust the kyso test root, ?at=ISO-TIME to validate as of a time)`,
  );
}
