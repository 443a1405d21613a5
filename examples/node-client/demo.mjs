#!/usr/bin/env node
/**
 * The Node client against a running service:
 *
 *   KYSO_API_KEY=kyso_... node examples/node-client/demo.mjs IN.pdf OUT_DIR [SIGNER_CERT.pem SIGNER_KEY.pem CHAIN.pem]
 *
 * It quotes a fee, signs IN.pdf with the service's seal, verifies the result and, given a certificate and key,
 * signs IN.pdf in two steps with the key kept here (as a USB token or remote signing service would).
 */
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KysoClient } from './kyso-client.mjs';

const [input, outDir, certPem, keyPem, chainPem] = process.argv.slice(2);
if (!input || !outDir) {
  console.error('usage: demo.mjs IN.pdf OUT_DIR [SIGNER_CERT.pem SIGNER_KEY.pem CHAIN.pem]');
  process.exit(64);
}
mkdirSync(outDir, { recursive: true });
const client = new KysoClient({ url: process.env.KYSO_URL, apiKey: process.env.KYSO_API_KEY });
const pdf = new Uint8Array(readFileSync(input));

const quote = await client.quoteFee({ originals: [{ pages: 10, paperCopies: 2, electronicCopy: true }] });
console.log(`fee: ${quote.total} ${quote.currency}`);

const signed = await client.sign(pdf, { key: process.env.KYSO_KEY_ALIAS ?? 'seal', reason: 'Phê duyệt' });
writeFileSync(join(outDir, 'signed.pdf'), signed);
for (const w of signed.warnings) console.log(`warning ${w.code}: ${w.vi} / ${w.en}${w.detail ? ` (${w.detail})` : ''}`);
const report = await client.verify(signed);
console.log(`signed.pdf: ${report.signatures.map((s) => `${s.signer?.commonName}: ${s.indication}`).join('; ')}`);

if (certPem && keyPem) {
  const ders = (file) =>
    [...readFileSync(file, 'utf8').matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
      (m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'),
    );
  const key = createPrivateKey(readFileSync(keyPem));
  const twoStep = await client.signTwoStep(pdf, {
    certificates: [...ders(certPem), ...(chainPem ? ders(chainPem) : [])],
    // The service says which hash; RSA PKCS#1 v1.5 and ECDSA (DER) both come from crypto.sign.
    signData: (data, session) =>
      nodeSign(
        session.hashAlgorithm.replace('-', '').toLowerCase(),
        data,
        key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'der' } : key,
      ),
    options: { reason: 'Ký bằng khóa bên ngoài' },
  });
  writeFileSync(join(outDir, 'two-step.pdf'), twoStep);
  const r2 = await client.verify(twoStep);
  console.log(`two-step.pdf: ${r2.signatures.map((s) => `${s.signer?.commonName}: ${s.indication}`).join('; ')}`);
}
