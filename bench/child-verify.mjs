// One in-process validation of a file on disk, in a fresh process: the library's own time, modules loaded first.
// The file is read through a FileSource (parsed in windows) that hashes the covered bytes in a thread of its own
// (`hashThread`: started when the file is opened, so its start-up is inside the measured time).
// With `online`, revocation is asked of the test PKI's OCSP responder and CA server (as `kyso verify --online
// --allow-host …` does), the same work pdfsig's NSS does.
// usage: node child-verify.mjs FILE ROOT.pem [online] → prints {"ms":…, "indication":…, "intact":…}
import { readFileSync } from 'node:fs';

const [file, rootPem, mode] = process.argv.slice(2);
const online = mode === 'online';
const { validatePdf } = await import('../packages/verify/dist/index.js');
const { FileSource } = await import('../packages/core/dist/io/file-source.js');
const { nodeGuardedFetch } = await import('../packages/core/dist/net/guarded-fetch.js');
const trust = readFileSync(rootPem, 'utf8');
const fetch = online ? nodeGuardedFetch({ allowHosts: ['127.0.0.1:39601', '127.0.0.1:39602'] }) : undefined;
const t0 = performance.now();
const source = new FileSource(file, { hashThread: true });
const report = await validatePdf(source, { trustAnchors: [trust], online, fetch });
source.close();
const ms = performance.now() - t0;
const s = report.signatures[0];
process.stdout.write(
  JSON.stringify({ ms, indication: s?.indication, intact: s?.intact, revocation: s?.revocation }) + '\n',
);
