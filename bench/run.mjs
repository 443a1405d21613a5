// kyso benchmarks: each figure is a ratio against a baseline measured in the same run, on the same machine, with
// medians of several batches or runs (the machines are small and noisy). Prints a markdown table, writes
// last-run.json. Workloads are made here, under a temporary directory, and removed at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Pkcs12Signer, signPdf } from '../packages/core/dist/index.js';
import { validatePdf } from '../packages/verify/dist/index.js';
import { bigPdf, pagesPdf } from './workloads.mjs';
import { serviceBench } from './service.mjs';

const require = createRequire(import.meta.url);
const { SignPdf } = require('@signpdf/signpdf');
const { P12Signer } = require('@signpdf/signer-p12');
const { plainAddPlaceholder } = require('@signpdf/placeholder-plain');

const root = fileURLToPath(new URL('..', import.meta.url));
const p12 = readFileSync(join(root, 'test-certs/signer.p12'));
const p12ec = readFileSync(join(root, 'test-certs/signer-ec.p12'));
const PASSWORD = 'kyso-test';
const work = mkdtempSync(join(tmpdir(), 'kyso-bench-'));
const skipHuge = process.env.KYSO_BENCH_SKIP_1GB === '1';

/** Runs `fn` in batches for about `seconds`; returns the median operations per second over the batches. */
async function opsPerSecond(fn, { seconds = 3, batches = 7 } = {}) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
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
  return median(rates);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 100) / 100;

const results = [];
/**
 * One measurement. `kind`: 'higher' (ratio kyso/baseline must reach target), 'lower' (ratio must stay under
 * target), 'limit' (kyso's own figure must stay under target, e.g. MB of RSS), or null (no target).
 */
function record(name, kyso, baseline, unit, target, kind, note = '') {
  const ratio = kyso / baseline;
  const met = target == null ? null : kind === 'higher' ? ratio >= target : kind === 'lower' ? ratio <= target : kyso <= target;
  results.push({ name, kyso: round(kyso), baseline: round(baseline), unit, ratio: round(ratio), target, met, note });
  console.error(`measured: ${name}: ${round(kyso)} vs ${round(baseline)} ${unit}`);
}

/** A signing in its own process: wall time and peak RSS. */
function child(tool, input, output) {
  const r = spawnSync(process.execPath, [join(root, 'bench/child-sign.mjs'), tool, input, output], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${tool} signing failed: ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function wall(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const ms = performance.now() - t0;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const version = (p) => require(`${p}/package.json`).version;
console.log(`# kyso benchmark\n`);
console.log(`- CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);
const pdfsigVersion = (spawnSync('pdfsig', ['-v'], { encoding: 'utf8' }).stderr.match(/pdfsig version ([\d.]+)/) ?? [])[1] ?? 'unknown';
console.log(`- Node ${process.version}; @signpdf/signpdf ${version('@signpdf/signpdf')}; pdf-lib ${version('pdf-lib')}; poppler pdfsig ${pdfsigVersion}; autocannon ${version('autocannon')}\n`);

try {
  const onePage = await pagesPdf(1);
  const hundred = await pagesPdf(100);
  const rsa = Pkcs12Signer.open(p12, PASSWORD);
  const ec = Pkcs12Signer.open(p12ec, PASSWORD);
  const signpdf = new SignPdf();
  const signpdfOnce = (pdf) => async () => {
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer: pdf, reason: 'bench', contactInfo: '', name: 'bench', location: '' });
    // P12Signer consumes its forge buffer when it signs, so @signpdf needs one per signature (as its docs do)
    await signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: PASSWORD }));
  };

  // 1. In-process B-B signing, 1 page, RSA-2048: kyso vs @signpdf.
  const kysoRate = await opsPerSecond(() => signPdf(onePage, rsa, { certificateCheck: false }));
  const baseRate = await opsPerSecond(signpdfOnce(onePage), { seconds: 3, batches: 5 });
  record('sign 1-page PDF, B-B, RSA-2048 (in process)', kysoRate, baseRate, 'signatures/s', 25, 'higher', 'baseline: @signpdf placeholder-plain + signer-p12');

  // 2. The floors: Node crypto's raw signatures; kyso's share shows the PDF and CMS overhead.
  const rsaKey = createPrivateKey({ key: readKey(rsa), format: 'der', type: 'pkcs8' });
  const floorRate = await opsPerSecond(() => nodeSign('sha256', Buffer.from('x'.repeat(200)), rsaKey));
  record('sign 1-page PDF vs raw RSA-2048 signature (floor)', kysoRate, floorRate, 'signatures/s', null, null, 'baseline: node:crypto sign only');
  const ecRate = await opsPerSecond(() => signPdf(onePage, ec, { certificateCheck: false }));
  const ecKey = createPrivateKey({ key: readKey(ec), format: 'der', type: 'pkcs8' });
  const ecFloor = await opsPerSecond(() => nodeSign('sha256', Buffer.from('x'.repeat(200)), ecKey));
  record('sign 1-page PDF, B-B, P-256 vs raw P-256 signature (floor)', ecRate, ecFloor, 'signatures/s', null, null, '@signpdf has no EC signer; baseline: node:crypto sign only');

  // 3. 100 pages, in process.
  const k100 = await opsPerSecond(() => signPdf(hundred, rsa, { certificateCheck: false }));
  const b100 = await opsPerSecond(signpdfOnce(hundred), { seconds: 3, batches: 5 });
  record('sign 100-page PDF, B-B, RSA-2048 (in process)', k100, b100, 'signatures/s', null, null, 'baseline: @signpdf');

  // 4. 50 MB, file to file, each in a fresh process: wall time and peak RSS above an idle Node process.
  const idle = median([0, 1, 2].map(() => child('idle', '', '').maxRssMB));
  const big = join(work, 'big-50mb.pdf');
  await bigPdf(big, 50 * 2 ** 20);
  const kyso50 = [0, 1, 2].map(() => child('kyso', big, join(work, 'big-50mb-kyso.pdf')));
  const sp50 = [0, 1, 2].map(() => child('signpdf', big, join(work, 'big-50mb-signpdf.pdf')));
  record('sign 50 MB PDF file to file: wall time', median(kyso50.map((r) => r.ms)), median(sp50.map((r) => r.ms)), 'ms', 0.1, 'lower', 'baseline: @signpdf (reads the whole file)');
  record('sign 50 MB PDF file to file: peak RSS above idle Node', median(kyso50.map((r) => r.maxRssMB)) - idle, idle, 'MB', 100, 'limit', `idle Node: ${round(idle)} MB; @signpdf peak: ${round(median(sp50.map((r) => r.maxRssMB)))} MB`);

  // 5. Verification of the 50 MB one-signature PDF: `kyso verify` vs `pdfsig`, both as processes, both trusting the root.
  const signed50 = join(work, 'big-50mb-kyso.pdf');
  const nss = join(work, 'nss');
  execFileSync('mkdir', ['-p', nss]);
  execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'kyso-root', '-t', 'CT,C,C', '-i', join(root, 'test-certs/root-ca.pem')]);
  const cli = join(root, 'packages/cli/dist/main.js');
  const rootPem = join(root, 'test-certs/root-ca.pem');
  const kv = [];
  const kl = [];
  const pv = [];
  for (let i = 0; i < 5; i++) {
    const k = wall(process.execPath, [cli, 'verify', signed50, '--trust', rootPem, '--json']);
    if (k.status !== 0 || !k.stdout.includes('TOTAL-PASSED')) throw new Error(`kyso verify: exit ${k.status} ${k.stderr.slice(0, 300)}`);
    kv.push(k.ms);
    const lib = wall(process.execPath, [join(root, 'bench/child-verify.mjs'), signed50, rootPem]);
    const libResult = JSON.parse(lib.stdout.trim());
    if (libResult.indication !== 'TOTAL-PASSED') throw new Error(`validatePdf: ${lib.stdout} ${lib.stderr.slice(0, 300)}`);
    kl.push(libResult.ms);
    const p = wall('pdfsig', ['-nssdir', `sql:${nss}`, signed50]);
    if (!p.stdout.includes('Signature is Valid')) throw new Error(`pdfsig: ${p.stdout.slice(0, 300)}`);
    pv.push(p.ms);
  }
  record('verify 50 MB one-signature PDF: validatePdf over a FileSource (read + validate) vs pdfsig process', median(kl), median(pv), 'ms', 1.0, 'lower', 'baseline: poppler pdfsig with an NSS db, whole process');
  record('verify 50 MB one-signature PDF: `kyso verify` process vs pdfsig process', median(kv), median(pv), 'ms', null, null, 'both whole processes (Node start and module loading included)');
  rmSync(big);
  rmSync(join(work, 'big-50mb-signpdf.pdf'), { force: true });

  // 6. 1 GB, file to file: completes, peak RSS under 256 MB.
  if (!skipHuge) {
    const huge = join(work, 'huge-1gb.pdf');
    await bigPdf(huge, 2 ** 30);
    const r = child('kyso', huge, join(work, 'huge-1gb-kyso.pdf'));
    const size = statSync(join(work, 'huge-1gb-kyso.pdf')).size;
    record('sign 1 GB PDF file to file: peak RSS', r.maxRssMB, idle, 'MB', 256, 'limit', `completed in ${Math.round(r.ms)} ms, output ${size} bytes; baseline: idle Node`);
    rmSync(huge);
    rmSync(join(work, 'huge-1gb-kyso.pdf'));
  }

  // 7. The service, on loopback with autocannon; baselines: kyso in process, one core.
  const signed = await signPdf(onePage, rsa, { certificateCheck: false });
  const rootPemText = readFileSync(join(root, 'test-certs/root-ca.pem'), 'utf8');
  const verifyRate = await opsPerSecond(() => validatePdf(signed, { trustAnchors: [rootPemText] }), { seconds: 3, batches: 5 });
  for (const r of await serviceBench({ root, onePage, signed, inProcessSignRate: kysoRate, inProcessVerifyRate: verifyRate })) results.push(r);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function readKey(signer) {
  // the bench needs the raw key for the floor only; the signer keeps it as a KeyObject
  return Buffer.from(signer['key'].export({ format: 'der', type: 'pkcs8' }));
}

console.log('| measurement | kyso | baseline | unit | ratio | target | met |');
console.log('|---|---:|---:|---|---:|---:|---|');
for (const r of results) {
  console.log(`| ${r.name} | ${r.kyso} | ${r.baseline} | ${r.unit} | ${r.ratio} | ${r.target ?? '—'} | ${r.met == null ? '—' : r.met ? 'yes' : 'no'} |`);
}
writeFileSync(join(root, 'bench/last-run.json'), JSON.stringify(results, null, 2) + '\n');
console.log('\nwritten: bench/last-run.json');
