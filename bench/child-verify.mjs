// One in-process validation of a file (read + validatePdf), in a fresh process: the library's own time, modules
// loaded first. usage: node child-verify.mjs FILE ROOT.pem → prints {"ms":…, "indication":…}
import { readFileSync } from 'node:fs';

const [file, rootPem] = process.argv.slice(2);
const { validatePdf } = await import('../packages/verify/dist/index.js');
const trust = readFileSync(rootPem, 'utf8');
const t0 = performance.now();
const report = await validatePdf(new Uint8Array(readFileSync(file)), { trustAnchors: [trust] });
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, indication: report.signatures[0]?.indication }) + '\n');
