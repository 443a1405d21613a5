// kyso benchmarks: each figure is a ratio against a baseline measured in the same run, on the same machine, with
// medians of several batches or runs (the machines are small and noisy). Prints a markdown table, writes
// last-run.json. Workloads are made here, under a temporary directory, and removed at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Pkcs12Signer, signPdf } from '../packages/core/dist/index.js';
import { validatePdf } from '../packages/verify/dist/index.js';
import { bigPdf, pagesPdf } from './workloads.mjs';
import { median, opsPerSecond, pairedRates } from './rates.mjs';
import { serviceBench } from './service.mjs';
import { startTestPki } from './pki.mjs';
import { storageBench } from './storage.mjs';

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
// Node 20 reads and parses the certificates NODE_EXTRA_CA_CERTS names at every start, before any script runs (a
// machine's setting for a TLS-intercepting proxy; on the bench machines the system bundle, 144 certificates: ~40 ms
// of `node -e 0`'s ~60). It is a cost of the machine, not of kyso, and pdfsig does not read it: the Node processes
// the bench starts run without it, and the rows "… with the machine's NODE_EXTRA_CA_CERTS" show what it adds.
const machineExtraCa = process.env.NODE_EXTRA_CA_CERTS || undefined;
delete process.env.NODE_EXTRA_CA_CERTS;
const withMachineExtraCa = machineExtraCa ? { NODE_EXTRA_CA_CERTS: machineExtraCa } : undefined;
// `--only TEXT`: only the sections with a row whose name contains TEXT (any case; each section lists its rows' names;
// `--only storage` runs the storage rows alone, below);
// last-run.json is then left alone.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1]?.toLowerCase() : undefined;
if (onlyAt > 0 && !only) throw new Error('--only wants a part of a row name');
/** Whether a section with these rows runs. */
const runs = (...rows) => !only || rows.some((r) => r.toLowerCase().includes(only));
/** A value computed the first time a section asks for it. */
const once = (make) => {
  let p;
  return () => (p ??= make());
};

const round = (x) => Math.round(x * 100) / 100;

const results = [];

/** A baseline (or kyso) that did not give the expected verdict: the run stops, nothing is written. */
class SanityError extends Error {}
function sane(ok, what) {
  if (!ok) throw new SanityError(what);
}

/** Targets as data: the text printed, and whether a row meets it. */
const T = {
  ratioAtLeast: (x) => ({ text: `≥ ${x}×`, met: (r) => r.ratio >= x }),
  ratioAtMost: (x) => ({ text: `≤ ${x}×`, met: (r) => r.ratio <= x }),
  atMost: (x, unit) => ({ text: `≤ ${x} ${unit}`, met: (r) => r.kyso <= x }),
  below: (x, unit) => ({ text: `< ${x} ${unit}`, met: (r) => r.kyso < x }),
  atLeast: (x, unit) => ({ text: `≥ ${x} ${unit}`, met: (r) => r.kyso >= x }),
  /** An absolute bound or a ratio to the baseline, whichever is met. */
  atMostOr: (x, unit, ratio) => ({
    text: `≤ ${x} ${unit} or ≤ ${ratio}×`,
    met: (r) => r.kyso <= x || r.ratio <= ratio,
  }),
};

/** One measurement; `target` (from T) or null. Rows without a target carry neither `target` nor `met`. */
function record(name, kyso, baseline, unit, target, note = '') {
  const row = { name, kyso: round(kyso), baseline: round(baseline), unit, ratio: round(kyso / baseline) };
  if (target) Object.assign(row, { target: target.text, met: target.met({ kyso, ratio: kyso / baseline }) });
  results.push({ ...row, note });
  console.error(
    `measured: ${name}: ${round(kyso)} vs ${round(baseline)} ${unit}${target ? ` (target ${target.text}: ${row.met ? 'met' : 'not met'})` : ''}`,
  );
}

/** A signing in its own process: wall time and peak RSS. */
function child(tool, input, output) {
  const r = spawnSync(process.execPath, [join(root, 'bench/child-sign.mjs'), tool, input, output], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${tool} signing failed: ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** A whole process under GNU time: wall time (ms, measured here) and peak RSS (MB). Both tools run the same way. */
function wall(cmd, args, options = {}) {
  const rssFile = join(work, 'rss.txt');
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    ...options,
  });
  const ms = performance.now() - t0;
  const rssMB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  return { ms, rssMB, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const medianOf = (runs, key = 'ms') => median(runs.map((r) => r[key]));
/** pdfsig's verdicts for every signature it printed. */
const pdfsigVerdicts = (stdout) => ({
  valid: (stdout.match(/Signature Validation: Signature is Valid\./g) ?? []).length,
  trusted: (stdout.match(/Certificate Validation: Certificate is Trusted\./g) ?? []).length,
});

const version = (p) => require(`${p}/package.json`).version;
console.log(`# kyso benchmark\n`);
console.log(
  `- CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
const pdfsigVersion =
  (spawnSync('pdfsig', ['-v'], { encoding: 'utf8' }).stderr.match(/pdfsig version ([\d.]+)/) ?? [])[1] ?? 'unknown';
console.log(
  `- Node ${process.version}; @signpdf/signpdf ${version('@signpdf/signpdf')}; pdf-lib ${version('pdf-lib')}; poppler pdfsig ${pdfsigVersion}; autocannon ${version('autocannon')}\n`,
);

// `--only storage`: only the storage rows (SQLite vs PostgreSQL, several instances); printed, and kept in
// bench/last-run-storage.json so a partial run never replaces the full run's last-run.json.
if (only === 'storage') {
  const { rows, note } = await storageBench({ root, onePage: await pagesPdf(1) });
  printTable(rows);
  writeFileSync(join(root, 'bench/last-run-storage.json'), JSON.stringify(rows, null, 2) + '\n');
  console.log(`\nPostgreSQL: ${note}\n\nwritten: bench/last-run-storage.json`);
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

let pki = null;
let pkiNote = '';
try {
  const onePage = await pagesPdf(1);
  const hundred = await pagesPdf(100);
  const rsa = Pkcs12Signer.open(p12, PASSWORD);
  const ec = Pkcs12Signer.open(p12ec, PASSWORD);
  const signpdf = new SignPdf();
  const signpdfOnce = (pdf) => async () => {
    const withPlaceholder = plainAddPlaceholder({
      pdfBuffer: pdf,
      reason: 'bench',
      contactInfo: '',
      name: 'bench',
      location: '',
    });
    // P12Signer consumes its forge buffer when it signs, so @signpdf needs one per signature (as its docs do)
    await signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: PASSWORD }));
  };

  // 1. In-process B-B signing, 1 page, RSA-2048: kyso vs @signpdf.
  if (
    runs(
      'sign 1-page PDF, B-B, RSA-2048 (in process)',
      'sign 1-page PDF, B-B, RSA-2048 vs raw RSA-2048 signature (floor)',
      'sign 1-page PDF, B-B, P-256 vs raw P-256 signature (floor)',
      'sign 100-page PDF, B-B, RSA-2048 (in process)',
    )
  ) {
    // kyso and the floor in alternating batches (section 2's ratio); this rate is also the first row's
    const rsaKey = createPrivateKey({ key: readKey(rsa), format: 'der', type: 'pkcs8' });
    const rsaPaired = await pairedRates(
      () => signPdf(onePage, rsa, { certificateCheck: false }),
      () => nodeSign('sha256', Buffer.from('x'.repeat(200)), rsaKey),
    );
    const kysoRate = rsaPaired.a;
    const baseRate = await opsPerSecond(signpdfOnce(onePage), { seconds: 3, batches: 5 });
    record(
      'sign 1-page PDF, B-B, RSA-2048 (in process)',
      kysoRate,
      baseRate,
      'signatures/s',
      T.ratioAtLeast(25),
      'baseline: @signpdf placeholder-plain + signer-p12',
    );

    // 2. The floors: Node crypto's raw signatures; kyso's share shows the PDF and CMS overhead.
    const floorRate = rsaPaired.b;
    record(
      'sign 1-page PDF, B-B, RSA-2048 vs raw RSA-2048 signature (floor)',
      kysoRate,
      floorRate,
      'signatures/s',
      T.ratioAtLeast(0.6),
      'baseline: node:crypto sign of 200 bytes with the same key, in batches alternating with those of kyso (medians)',
    );
    const ecKey = createPrivateKey({ key: readKey(ec), format: 'der', type: 'pkcs8' });
    const ecPaired = await pairedRates(
      () => signPdf(onePage, ec, { certificateCheck: false }),
      () => nodeSign('sha256', Buffer.from('x'.repeat(200)), ecKey),
    );
    const [ecRate, ecFloor] = [ecPaired.a, ecPaired.b];
    record(
      'sign 1-page PDF, B-B, P-256 vs raw P-256 signature (floor)',
      ecRate,
      ecFloor,
      'signatures/s',
      null,
      '@signpdf has no EC signer; baseline: node:crypto sign only',
    );

    // 3. 100 pages, in process.
    const k100 = await opsPerSecond(() => signPdf(hundred, rsa, { certificateCheck: false }));
    const b100 = await opsPerSecond(signpdfOnce(hundred), { seconds: 3, batches: 5 });
    record('sign 100-page PDF, B-B, RSA-2048 (in process)', k100, b100, 'signatures/s', null, 'baseline: @signpdf');
  }

  // 4. 50 MB, file to file, each in a fresh process: wall time and peak RSS above an idle Node process.
  const idleRss = once(() => median([0, 1, 2].map(() => child('idle', '', '').maxRssMB)));
  const big = join(work, 'big-50mb.pdf');
  // the 50 MB file signed by kyso, which the verification rows read
  const signed50 = join(work, 'big-50mb-kyso.pdf');
  const bigSigned = once(async () => {
    await bigPdf(big, 50 * 2 ** 20);
    return [0, 1, 2].map(() => child('kyso', big, signed50));
  });
  if (runs('sign 50 MB PDF file to file: wall time', 'sign 50 MB PDF file to file: peak RSS above idle Node')) {
    const idle = idleRss();
    const kyso50 = await bigSigned();
    const sp50 = [0, 1, 2].map(() => child('signpdf', big, join(work, 'big-50mb-signpdf.pdf')));
    record(
      'sign 50 MB PDF file to file: wall time',
      median(kyso50.map((r) => r.ms)),
      median(sp50.map((r) => r.ms)),
      'ms',
      T.ratioAtMost(0.1),
      'baseline: @signpdf (reads the whole file)',
    );
    record(
      'sign 50 MB PDF file to file: peak RSS above idle Node',
      median(kyso50.map((r) => r.maxRssMB)) - idle,
      idle,
      'MB',
      T.atMost(100, 'MB'),
      `idle Node: ${round(idle)} MB; @signpdf peak: ${round(median(sp50.map((r) => r.maxRssMB)))} MB`,
    );
  }

  // 5. Verification. The test PKI's OCSP responder and CA server run (bench/pki.mjs); pdfsig's NSS db trusts the
  // root (certutil -A -a: the PEM is ASCII); every run of either tool is checked for its verdict, so a baseline
  // that did not validate stops the bench instead of flattering kyso.
  const nss = join(work, 'nss');
  execFileSync('mkdir', ['-p', nss]);
  execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
  execFileSync('certutil', [
    '-A',
    '-a',
    '-d',
    `sql:${nss}`,
    '-n',
    'kyso-root',
    '-t',
    'CT,C,C',
    '-i',
    join(root, 'test-certs/root-ca.pem'),
  ]);
  const cli = join(root, 'packages/cli/dist/main.cjs');
  const rootPem = join(root, 'test-certs/root-ca.pem');
  const online = ['--online', '--allow-host', '127.0.0.1:39601', '--allow-host', '127.0.0.1:39602'];
  pki = await startTestPki(root);
  console.error(`test PKI services: ${pki.note}`);
  const kysoVerify = (file, args, env) => {
    const r = wall(
      process.execPath,
      [cli, 'verify', file, '--json', ...args],
      env ? { env: { ...process.env, ...env } } : {},
    );
    let report = null;
    try {
      report = JSON.parse(r.stdout);
    } catch {
      /* reported below */
    }
    return { ...r, report };
  };
  const passedTrusted = (r, what) => {
    const s = r.report?.signatures?.[0];
    sane(
      r.status === 0 && s?.indication === 'TOTAL-PASSED',
      `${what}: kyso verify did not give TOTAL-PASSED (exit ${r.status}, ${s ? `${s.indication}/${s.subIndication}` : r.stderr.slice(0, 300)})`,
    );
  };
  const pdfsigOk = (r, what, { trusted = true } = {}) => {
    const v = pdfsigVerdicts(r.stdout);
    sane(
      v.valid === 1 && (!trusted || v.trusted === 1),
      `${what}: pdfsig did not report "Signature is Valid."${trusted ? ' and "Certificate is Trusted."' : ''}:\n${r.stdout.split('\n').slice(-4).join('\n')}`,
    );
  };
  /** pdfsig asks the OCSP responder: when the one found on the machine went away, the bench's own is started and
   * the run repeated once (its time replaces the failed one's). */
  const pdfsigTrusted = async (args, what) => {
    let r = wall('pdfsig', args);
    const v = pdfsigVerdicts(r.stdout);
    if ((v.valid !== 1 || v.trusted !== 1) && (await pki.ensure())) {
      console.error(`test PKI services: ${pki.note}`);
      r = wall('pdfsig', args);
    }
    pdfsigOk(r, what);
    return r;
  };
  /** An online run, repeated once if it failed because the services found on the machine went away (pdfsigTrusted). */
  const onlineRun = async (run, ok) => {
    let r = run();
    if (!ok(r) && (await pki.ensure())) {
      console.error(`test PKI services: ${pki.note}`);
      r = run();
    }
    return r;
  };
  const goodOnline = (r) =>
    r.status === 0 &&
    r.report?.signatures?.[0]?.indication === 'TOTAL-PASSED' &&
    (r.report.signatures[0].revocation ?? []).some((x) => /^good$/i.test(x.status));
  if (
    runs(
      'verify 50 MB one-signature PDF: validatePdf over a FileSource (read + validate, OCSP online) vs pdfsig process',
      'verify 50 MB one-signature PDF: `kyso verify --online` process vs pdfsig process',
      "verify 50 MB one-signature PDF: `kyso verify --online` process vs pdfsig process, with the machine's NODE_EXTRA_CA_CERTS",
      'verify 50 MB one-signature PDF: `kyso verify` peak RSS',
      'verify 50 MB, integrity only: `kyso verify --no-default-trust` process vs `pdfsig -nocert`',
    )
  ) {
    await bigSigned();
    const kv = [];
    const kx = [];
    const kl = [];
    const pv = [];
    const ki = [];
    const pi = [];
    for (let i = 0; i < 5; i++) {
      const k = await onlineRun(() => kysoVerify(signed50, ['--trust', rootPem, ...online]), goodOnline);
      passedTrusted(k, 'verify 50 MB --online');
      const rev = k.report.signatures[0].revocation ?? [];
      sane(
        rev.length > 0 && rev.every((x) => /^good$/i.test(x.status)),
        `verify 50 MB --online: kyso did not get a good revocation status from the test PKI: ${JSON.stringify(rev)}`,
      );
      kv.push(k);
      if (withMachineExtraCa) {
        const x = await onlineRun(
          () => kysoVerify(signed50, ['--trust', rootPem, ...online], withMachineExtraCa),
          goodOnline,
        );
        passedTrusted(x, 'verify 50 MB --online with NODE_EXTRA_CA_CERTS');
        kx.push(x);
      }
      const libRun = () => {
        const r = wall(process.execPath, [join(root, 'bench/child-verify.mjs'), signed50, rootPem, 'online']);
        return { ...r, result: JSON.parse(r.stdout.trim() || '{}') };
      };
      const lib = await onlineRun(
        libRun,
        (r) =>
          r.result.indication === 'TOTAL-PASSED' && (r.result.revocation ?? []).some((x) => /^good$/i.test(x.status)),
      );
      const libResult = lib.result;
      sane(
        libResult.indication === 'TOTAL-PASSED',
        `validatePdf 50 MB online: ${lib.stdout} ${lib.stderr.slice(0, 300)}`,
      );
      kl.push(libResult.ms);
      pv.push(await pdfsigTrusted(['-nssdir', `sql:${nss}`, signed50], 'verify 50 MB'));
      // Integrity only: pdfsig without certificate validation; kyso with nothing trusted (no path can be built).
      const kn = kysoVerify(signed50, ['--no-default-trust']);
      sane(
        kn.report?.signatures?.[0]?.intact === true,
        `verify 50 MB integrity only: kyso did not find the signature intact (exit ${kn.status})`,
      );
      ki.push(kn);
      const pn = wall('pdfsig', ['-nocert', signed50]);
      pdfsigOk(pn, 'verify 50 MB integrity only (-nocert)', { trusted: false });
      pi.push(pn);
    }
    const pdfsig50 = medianOf(pv);
    record(
      'verify 50 MB one-signature PDF: validatePdf over a FileSource (read + validate, OCSP online) vs pdfsig process',
      median(kl),
      pdfsig50,
      'ms',
      T.ratioAtMost(0.8),
      'baseline: poppler pdfsig, NSS db trusting the root, OCSP from the test PKI; kyso: modules loaded first',
    );
    record(
      'verify 50 MB one-signature PDF: `kyso verify --online` process vs pdfsig process',
      medianOf(kv),
      pdfsig50,
      'ms',
      T.ratioAtMost(1.5),
      'both whole processes, both asking the test OCSP responder',
    );
    if (kx.length)
      record(
        "verify 50 MB one-signature PDF: `kyso verify --online` process vs pdfsig process, with the machine's NODE_EXTRA_CA_CERTS",
        medianOf(kx),
        pdfsig50,
        'ms',
        null,
        `as the row above, with NODE_EXTRA_CA_CERTS=${machineExtraCa} as the machine sets it (Node parses it at start)`,
      );
    record(
      'verify 50 MB one-signature PDF: `kyso verify` peak RSS',
      medianOf(kv, 'rssMB'),
      medianOf(pv, 'rssMB'),
      'MB',
      T.atMost(60, 'MB'),
      'baseline: pdfsig peak RSS (GNU time %M, whole process)',
    );
    record(
      'verify 50 MB, integrity only: `kyso verify --no-default-trust` process vs `pdfsig -nocert`',
      medianOf(ki),
      medianOf(pi),
      'ms',
      null,
      'no certificate validation on either side (kyso: nothing trusted, so no path is built)',
    );
  }

  // One page, as processes: start-up and module loading are most of a CLI call; `node -e 0` is the floor.
  const onePath = join(work, 'one.pdf');
  writeFileSync(onePath, onePage);
  const oneSigned = join(work, 'one-signed.pdf');
  writeFileSync(oneSigned, await signPdf(onePage, rsa, { certificateCheck: false }));
  if (
    runs(
      '`kyso verify` 1-page PDF, whole process, vs `node -e 0`',
      "`node -e 0` with the machine's NODE_EXTRA_CA_CERTS vs without",
      '`kyso verify` 1-page PDF, whole process, without the code cache (a first run), vs `node -e 0`',
      '`kyso sign` 1-page PDF (B-B, --revocation off), whole process, vs `node -e 0`',
      '`kyso verify --online` 1-page PDF vs pdfsig, whole processes',
    )
  ) {
    const cold = [];
    const n0 = [];
    const nx = [];
    const kv1 = [];
    const ks1 = [];
    const pv1 = [];
    const ko1 = [];
    for (let i = 0; i < 10; i++) {
      const n = wall(process.execPath, ['-e', '0']);
      sane(n.status === 0, 'node -e 0 failed');
      n0.push(n);
      if (withMachineExtraCa) {
        const x = wall(process.execPath, ['-e', '0'], { env: { ...process.env, ...withMachineExtraCa } });
        sane(x.status === 0, 'node -e 0 with NODE_EXTRA_CA_CERTS failed');
        nx.push(x);
      }
      const k = kysoVerify(oneSigned, ['--trust', rootPem]);
      passedTrusted(k, 'verify 1 page');
      kv1.push(k);
      const c = kysoVerify(oneSigned, ['--trust', rootPem], { KYSO_CODE_CACHE: 'off' });
      passedTrusted(c, 'verify 1 page without the code cache');
      cold.push(c);
      const out = join(work, 'one-out.pdf');
      const ks = wall(
        process.execPath,
        [
          cli,
          'sign',
          onePath,
          '-o',
          out,
          '--p12',
          join(root, 'test-certs/signer.p12'),
          '--password-env',
          'KYSO_BENCH_P12',
          '--revocation',
          'off',
        ],
        { env: { ...process.env, KYSO_BENCH_P12: PASSWORD } },
      );
      sane(
        ks.status === 0 && statSync(out).size > onePage.length,
        `kyso sign 1 page: exit ${ks.status} ${ks.stderr.slice(0, 300)}`,
      );
      ks1.push(ks);
      const ko = await onlineRun(() => kysoVerify(oneSigned, ['--trust', rootPem, ...online]), goodOnline);
      passedTrusted(ko, 'verify 1 page --online');
      ko1.push(ko);
      pv1.push(await pdfsigTrusted(['-nssdir', `sql:${nss}`, oneSigned], 'verify 1 page'));
    }
    const node0 = medianOf(n0);
    if (nx.length)
      record(
        "`node -e 0` with the machine's NODE_EXTRA_CA_CERTS vs without",
        medianOf(nx),
        node0,
        'ms',
        null,
        `NODE_EXTRA_CA_CERTS=${machineExtraCa}: parsed by Node at every start; the bench's Node processes run without it`,
      );
    record(
      '`kyso verify` 1-page PDF, whole process, vs `node -e 0`',
      medianOf(kv1),
      node0,
      'ms',
      T.atMostOr(150, 'ms', 2.5),
      "offline, --trust the test root; the command's V8 code cache written by the first of the runs; baseline: bare Node start in the same run",
    );
    record(
      '`kyso verify` 1-page PDF, whole process, without the code cache (a first run), vs `node -e 0`',
      medianOf(cold),
      node0,
      'ms',
      null,
      'KYSO_CODE_CACHE=off: what a first run (or a machine where the cache cannot be written) costs',
    );
    record(
      '`kyso sign` 1-page PDF (B-B, --revocation off), whole process, vs `node -e 0`',
      medianOf(ks1),
      node0,
      'ms',
      T.atMostOr(150, 'ms', 2.5),
      'baseline: bare Node start in the same run',
    );
    record(
      '`kyso verify --online` 1-page PDF vs pdfsig, whole processes',
      medianOf(ko1),
      medianOf(pv1),
      'ms',
      null,
      'both asking the test PKI (pdfsig 22.12 reports no trust at all with -no-ocsp, so it cannot run offline)',
    );
  }

  // Batches: many results at once; kyso's batch against a shell loop of pdfsig over the same files, both online.
  const loopPdfsig = (dir) =>
    wall('sh', ['-c', 'for f in "$1"/*.pdf; do pdfsig -nssdir "sql:$2" "$f" || exit 1; done', 'sh', dir, nss]);
  const batch = async (dir, count, what) => {
    const k = await onlineRun(
      () => {
        const r = wall(process.execPath, [cli, 'verify', dir, '--json', '--trust', rootPem, ...online]);
        return {
          ...r,
          lines: r.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        };
      },
      (r) => r.status === 0,
    );
    const lines = k.lines;
    sane(
      k.status === 0 &&
        lines.length === count &&
        lines.every((l) => l.exit === 0 && l.signatures[0]?.indication === 'TOTAL-PASSED'),
      `${what}: kyso's batch did not pass all ${count} files (exit ${k.status}, ${lines.length} lines) ${k.stderr.slice(0, 300)}`,
    );
    let p = loopPdfsig(dir);
    let v = pdfsigVerdicts(p.stdout);
    if ((v.valid !== count || v.trusted !== count) && (await pki.ensure())) {
      console.error(`test PKI services: ${pki.note}`);
      p = loopPdfsig(dir);
      v = pdfsigVerdicts(p.stdout);
    }
    sane(
      p.status === 0 && v.valid === count && v.trusted === count,
      `${what}: pdfsig's loop reported ${v.valid} valid, ${v.trusted} trusted of ${count}`,
    );
    return { k, p };
  };
  if (runs('verify 1,000 one-page signed PDFs: `kyso verify DIR --json` vs a shell loop of pdfsig')) {
    const dir1k = join(work, 'batch-1k');
    mkdirSync(dir1k);
    for (let i = 0; i < 1000; i++)
      writeFileSync(
        join(dir1k, `r${String(i).padStart(4, '0')}.pdf`),
        await signPdf(onePage, rsa, { certificateCheck: false }),
      );
    const b1k = await batch(dir1k, 1000, '1,000 one-page files');
    record(
      'verify 1,000 one-page signed PDFs: `kyso verify DIR --json` vs a shell loop of pdfsig',
      1000 / (b1k.k.ms / 1000),
      1000 / (b1k.p.ms / 1000),
      'files/s',
      T.ratioAtLeast(3),
      `kyso: ${cpus().length} worker threads (default), one process; peak RSS ${round(b1k.k.rssMB)} MB`,
    );
    rmSync(dir1k, { recursive: true });
  }
  if (runs('verify 20 signed PDFs of 50 MB: `kyso verify DIR --json` vs a shell loop of pdfsig')) {
    await bigSigned();
    const dir20 = join(work, 'batch-20x50mb');
    mkdirSync(dir20);
    for (let i = 0; i < 20; i++) copyFileSync(signed50, join(dir20, `big${String(i).padStart(2, '0')}.pdf`));
    const b20 = await batch(dir20, 20, '20 files of 50 MB');
    record(
      'verify 20 signed PDFs of 50 MB: `kyso verify DIR --json` vs a shell loop of pdfsig',
      b20.k.ms,
      b20.p.ms,
      'ms',
      T.ratioAtMost(1.0),
      `kyso peak RSS ${round(b20.k.rssMB)} MB (FileSource: read in windows)`,
    );
    rmSync(dir20, { recursive: true });
  }
  pkiNote = pki.note;
  await pki.stop();
  pki = null;
  rmSync(big, { force: true });
  rmSync(join(work, 'big-50mb-signpdf.pdf'), { force: true });
  rmSync(signed50, { force: true });

  // 6. 1 GB, file to file: completes, peak RSS under 256 MB.
  if (!skipHuge && runs('sign 1 GB PDF file to file: peak RSS')) {
    const huge = join(work, 'huge-1gb.pdf');
    await bigPdf(huge, 2 ** 30);
    const r = child('kyso', huge, join(work, 'huge-1gb-kyso.pdf'));
    const size = statSync(join(work, 'huge-1gb-kyso.pdf')).size;
    record(
      'sign 1 GB PDF file to file: peak RSS',
      r.maxRssMB,
      idleRss(),
      'MB',
      T.below(256, 'MB'),
      `completed in ${Math.round(r.ms)} ms, output ${size} bytes; baseline: idle Node`,
    );
    rmSync(huge);
    rmSync(join(work, 'huge-1gb-kyso.pdf'));
  }

  // 7. The service, on loopback with autocannon; baselines: kyso in process, one core.
  if (
    runs(
      'service POST /v1/sign, 1-page PDF (autocannon, 16 connections)',
      'service POST /v1/sign: p99 latency',
      'service POST /v1/verify, 1-page signed PDF',
      'service POST /v1/verify: p99 latency',
    )
  ) {
    const signed = await signPdf(onePage, rsa, { certificateCheck: false });
    const rootPemText = readFileSync(join(root, 'test-certs/root-ca.pem'), 'utf8');
    const verifyRate = await opsPerSecond(() => validatePdf(signed, { trustAnchors: [rootPemText] }), {
      seconds: 3,
      batches: 5,
    });
    for (const r of await serviceBench({
      root,
      onePage,
      signed,
      // measured again before each round of the service's load (service.mjs), not the figure of section 1
      signInProcess: () => signPdf(onePage, rsa, { certificateCheck: false }),
      inProcessVerifyRate: verifyRate,
    }))
      results.push(r);
  }

  // 8. Storage: SQLite vs PostgreSQL, several instances (a throw-away cluster; KYSO_BENCH_SKIP_STORAGE=1 leaves it out;
  // `--only storage` runs it alone).
  if (process.env.KYSO_BENCH_SKIP_STORAGE !== '1' && !only)
    results.push(...(await storageBench({ root, onePage })).rows);
} catch (e) {
  if (!(e instanceof SanityError)) throw e;
  console.error(
    `\nbench stopped: a sanity check failed (a tool did not give the verdict the row relies on):\n  ${e.message}\nNothing was written to bench/last-run.json.`,
  );
  process.exitCode = 1;
} finally {
  await pki?.stop();
  rmSync(work, { recursive: true, force: true });
}
if (process.exitCode === 1) process.exit(1);

function readKey(signer) {
  // the bench needs the raw key for the floor only; the signer keeps it as a KeyObject
  return Buffer.from(signer.key.export({ format: 'der', type: 'pkcs8' }));
}

function printTable(rows) {
  console.log('| measurement | kyso | baseline | unit | ratio | target | met |');
  console.log('|---|---:|---:|---|---:|---:|---|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.kyso} | ${r.baseline} | ${r.unit} | ${r.ratio} | ${r.target ?? '—'} | ${r.target === undefined ? '—' : r.met ? 'yes' : 'no'} |`,
    );
  }
}
printTable(results);
console.log(`\ntest PKI services (OCSP 127.0.0.1:39601, CA/CRL 39602): ${pkiNote}`);
if (only) console.log(`\n--only ${only}: bench/last-run.json left as it was`);
else {
  writeFileSync(join(root, 'bench/last-run.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nwritten: bench/last-run.json');
}
