// The floor row in CPU time, for a machine that others are loading: batches of signPdf (1-page B-B, RSA-2048) and of
// raw node:crypto signatures alternate in one process, so a change in load reaches both, and each batch is timed by
// process.cpuUsage (this process's CPU, which other processes do not stretch) as well as by the clock. Also signPdf's
// own work alone: the same calls with a signer that returns a remembered RSA value (the /ID made constant so every
// call signs the same bytes; the check of the value against the certificate still runs). `pnpm build` first.
//   node bench/sign-cpu.mjs [rounds]
import { readFileSync } from 'node:fs';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Pkcs12Signer, signPdf } from '../packages/core/dist/index.js';
import { pagesPdf } from './workloads.mjs';
import { median } from './rates.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.argv[2] ?? 15);
const perBatch = 300;
const onePage = await pagesPdf(1);
const rsa = Pkcs12Signer.open(readFileSync(join(root, 'test-certs/signer.p12')), 'kyso-test');
// the same key as the signer's, as run.mjs takes it for its floor
const rawKey = createPrivateKey({
  key: rsa.key.export({ format: 'der', type: 'pkcs8' }),
  format: 'der',
  type: 'pkcs8',
});
const data = Buffer.from('x'.repeat(200));

// A signer whose value for given bytes is made once; with a fixed time and /ID each call signs the same bytes.
const remembered = new Map();
const memoSigner = {
  certificate: rsa.certificate,
  chain: rsa.chain,
  algorithm: rsa.algorithm,
  async sign(bytes) {
    const key = Buffer.from(bytes).toString('latin1');
    let value = remembered.get(key);
    if (!value) remembered.set(key, (value = rsa.signSync(bytes)));
    return value;
  },
};
const fixed = { certificateCheck: false, signingTime: new Date('2026-01-01T00:00:00Z') };
// the /ID's random bytes come from Node's generator, called through its module (@kyso/pdf's random.ts)
const nodeCrypto = process.getBuiltinModule('crypto');
const randomFill = nodeCrypto.randomFillSync;
const constantIds = (a) => a.fill(7);

const kinds = {
  signPdf: () => signPdf(onePage, rsa, { certificateCheck: false }),
  raw: () => nodeSign('sha256', data, rawKey),
  own: () => signPdf(onePage, memoSigner, fixed),
};
const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, { wall: [], cpu: [] }]));

async function batch(kind, keep) {
  nodeCrypto.randomFillSync = kind === 'own' ? constantIds : randomFill;
  const fn = kinds[kind];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < perBatch; i++) await fn();
  const wall = ((performance.now() - t0) / perBatch) * 1000;
  const c = process.cpuUsage(c0);
  if (keep) {
    times[kind].wall.push(wall);
    times[kind].cpu.push((c.user + c.system) / perBatch);
  }
}

for (let r = 0; r < 3 + rounds; r++) for (const kind of Object.keys(kinds)) await batch(kind, r >= 3);
nodeCrypto.randomFillSync = randomFill;

const m = Object.fromEntries(Object.entries(times).map(([k, t]) => [k, { wall: median(t.wall), cpu: median(t.cpu) }]));
const us = (x) => `${x.toFixed(0)} µs`;
console.log(`medians of ${rounds} rounds of ${perBatch} calls each, CPU time (wall time)`);
console.log(`signPdf 1-page B-B RSA-2048: ${us(m.signPdf.cpu)} (${us(m.signPdf.wall)})`);
console.log(`raw RSA-2048 signature:      ${us(m.raw.cpu)} (${us(m.raw.wall)})`);
console.log(`signPdf's own work:          ${us(m.own.cpu)} (${us(m.own.wall)})`);
console.log(
  `floor ratio: ${(m.raw.cpu / m.signPdf.cpu).toFixed(2)} in CPU time (${(m.raw.wall / m.signPdf.wall).toFixed(2)} wall)`,
);
