// kyso benchmarks: each figure is a ratio against a baseline measured in the same run, on the same machine, with
// medians of several batches (the machines are small and noisy). Prints a markdown table, writes last-run.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Pkcs12Signer, signPdf } from '../packages/core/dist/index.js';

const require = createRequire(import.meta.url);
const { SignPdf } = require('@signpdf/signpdf');
const { P12Signer } = require('@signpdf/signer-p12');
const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');

const root = fileURLToPath(new URL('..', import.meta.url));
const p12 = readFileSync(join(root, 'test-certs/signer.p12'));
const PASSWORD = 'kyso-test';

/** Runs `fn` in batches for about `seconds`; returns the median operations per second over the batches. */
async function opsPerSecond(fn, { seconds = 3, batches = 7 } = {}) {
  for (let i = 0; i < 5; i++) await fn(); // warm-up
  const per = (seconds * 1000) / batches;
  const rates = [];
  for (let b = 0; b < batches; b++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < per) {
      await fn();
      n++;
    }
    rates.push((n * 1000) / (performance.now() - t0));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

async function onePagePdf() {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  doc.addPage().drawText('kyso benchmark', { x: 72, y: 720, size: 14, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const results = [];
function record(name, kyso, baseline, unit, target, higherIsBetter = true, note = '') {
  const ratio = kyso / baseline;
  const met = target == null ? null : higherIsBetter ? ratio >= target : ratio <= target;
  results.push({ name, kyso: round(kyso), baseline: round(baseline), unit, ratio: round(ratio), target, met, note });
}
const round = (x) => Math.round(x * 100) / 100;

console.log(`# kyso benchmark\n`);
console.log(`- CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
console.log(`- Node ${process.version}, pdf-lib, @signpdf/signpdf ${require('@signpdf/signpdf/package.json').version}\n`);

const pdf = await onePagePdf();
const signer = Pkcs12Signer.open(p12, PASSWORD);

// 1. In-process B-B signing of a 1-page PDF, RSA-2048: kyso vs @signpdf (placeholder-plain + signer-p12).
const kysoRate = await opsPerSecond(() => signPdf(pdf, signer, { certificateCheck: false }));
const signpdf = new SignPdf();
const baseRate = await opsPerSecond(async () => {
  const withPlaceholder = plainAddPlaceholder({ pdfBuffer: pdf, reason: 'bench', contactInfo: '', name: 'bench', location: '' });
  // P12Signer consumes its forge buffer when it signs, so @signpdf needs one per signature (as its docs do)
  await signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: PASSWORD }));
}, { seconds: 3, batches: 5 });
record('sign 1-page PDF, B-B, RSA-2048 (in process)', kysoRate, baseRate, 'signatures/s', 25, true, 'baseline: @signpdf placeholder-plain + signer-p12');

// 2. The floor: Node crypto's raw RSA-2048 signature; kyso's share of it shows the PDF and CMS overhead.
const key = createPrivateKey({ key: Buffer.from(signer['key'].export({ format: 'der', type: 'pkcs8' })), format: 'der', type: 'pkcs8' });
const floorRate = await opsPerSecond(() => nodeSign('sha256', Buffer.from('x'.repeat(200)), key));
record('sign 1-page PDF vs raw RSA-2048 signature (floor)', kysoRate, floorRate, 'signatures/s', null, true, 'baseline: node:crypto sign only');

console.log('| measurement | kyso | baseline | unit | ratio | target | met |');
console.log('|---|---:|---:|---|---:|---:|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.kyso} | ${r.baseline} | ${r.unit} | ${r.ratio} | ${r.target ?? '—'} | ${r.met == null ? '—' : r.met ? 'yes' : 'no'} |`);
}
writeFileSync(join(root, 'bench/last-run.json'), JSON.stringify(results, null, 2) + '\n');
console.log('\nwritten: bench/last-run.json');
