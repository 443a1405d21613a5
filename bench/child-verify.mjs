// One in-process validation of a file on disk, in a fresh process: the library's own time, modules loaded first.
// The file is read as `kyso verify` reads a large file: through a FileSource (parsed and hashed in windows).
// usage: node child-verify.mjs FILE ROOT.pem → prints {"ms":…, "indication":…}
import { readFileSync } from 'node:fs';

const [file, rootPem] = process.argv.slice(2);
const { validatePdf } = await import('../packages/verify/dist/index.js');
const { FileSource } = await import('../packages/core/dist/io/file-source.js');
const trust = readFileSync(rootPem, 'utf8');
const t0 = performance.now();
const source = new FileSource(file);
const report = await validatePdf(source, { trustAnchors: [trust] });
source.close();
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, indication: report.signatures[0]?.indication }) + '\n');
