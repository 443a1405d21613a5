/**
 * The CRL read straight from its DER (revocation/crl-reader.ts) is what pkijs's reading makes: the same fields, JSON,
 * encoding, entries and extension values; on the test CRLs, on a CRL of many entries made by openssl, and on
 * mutations of them it reads what pkijs reads or declines.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { readCrl } from '../src/revocation/crl-reader.js';
import { pemOrDer } from '../src/revocation/bytes.js';
import { asn1Of, expectSameSigned, hex, parsedJson, primeExtensions } from './helpers/pkijs-compare.js';

const CERTS = fileURLToPath(new URL('../../../test-certs/', import.meta.url));
const file = (f: string) => pemOrDer(readFileSync(join(CERTS, f)));

/** A CRL of `count` entries (some with reasons) signed by a throw-away CA, made by openssl. */
function manyEntries(count: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-crl-'));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-subj',
      '/CN=CRL CA',
      '-days',
      '30',
    );
    const lines: string[] = [];
    const reasons = ['keyCompromise', 'superseded', 'cessationOfOperation', ''];
    for (let i = 1; i <= count; i++) {
      const serial = (0x1000 + i).toString(16).toUpperCase();
      const reason = reasons[i % reasons.length];
      lines.push(
        ['R', '300101000000Z', `260101000000Z${reason ? `,${reason}` : ''}`, serial, 'unknown', `/CN=c${i}`].join('\t'),
      );
    }
    writeFileSync(join(dir, 'index.txt'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'crlnumber'), '10\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=7\n',
    );
    run('ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'crl.pem');
    return pemOrDer(readFileSync(join(dir, 'crl.pem')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CRLS: Uint8Array[] = [
  file('crl.pem'),
  file('root-crl.pem'),
  file('http/intermediate.crl'),
  file('http/root.crl'),
  manyEntries(300),
];

/**
 * pkijs's reading, with the extension values kyso reads itself set the same way, or null when asn1js or pkijs
 * cannot read the bytes as one CRL.
 */
function byPkijs(der: Uint8Array): pkijs.CertificateRevocationList | null {
  const tree = asn1Of(der);
  if (!tree) return null;
  try {
    const crl = new pkijs.CertificateRevocationList({ schema: tree });
    primeExtensions(crl.crlExtensions?.extensions);
    for (const r of crl.revokedCertificates ?? []) primeExtensions(r.crlEntryExtensions?.extensions);
    return crl;
  } catch {
    return null;
  }
}

function expectSame(mine: pkijs.CertificateRevocationList, theirs: pkijs.CertificateRevocationList, der: Uint8Array) {
  expectSameSigned(mine, theirs, der);
  expect(mine.thisUpdate.value.getTime()).toBe(theirs.thisUpdate.value.getTime());
  expect(mine.nextUpdate?.value.getTime()).toBe(theirs.nextUpdate?.value.getTime());
  expect(mine.issuer.isEqual(theirs.issuer)).toBe(true);
  expect(mine.revokedCertificates?.length).toBe(theirs.revokedCertificates?.length);
  for (const [i, r] of (mine.revokedCertificates ?? []).entries()) {
    const o = theirs.revokedCertificates![i]!;
    expect(hex(r.userCertificate.valueBlock.valueHexView)).toBe(hex(o.userCertificate.valueBlock.valueHexView));
    expect(r.revocationDate.value.getTime()).toBe(o.revocationDate.value.getTime());
    expect((r.crlEntryExtensions?.extensions ?? []).map(parsedJson)).toEqual(
      (o.crlEntryExtensions?.extensions ?? []).map(parsedJson),
    );
  }
  expect((mine.crlExtensions?.extensions ?? []).map(parsedJson)).toEqual(
    (theirs.crlExtensions?.extensions ?? []).map(parsedJson),
  );
}

describe('a CRL read straight from its DER', () => {
  it('is what pkijs reads, for the test CRLs and one of 300 entries', () => {
    let read = 0;
    for (const der of CRLS) {
      const mine = readCrl(der);
      const theirs = byPkijs(der)!;
      expect(theirs).not.toBeNull();
      if (!mine) continue; // a layout left to pkijs (an empty list): declined, not misread
      read++;
      expectSame(mine, theirs, der);
    }
    expect(read).toBeGreaterThanOrEqual(3);
    expect(readCrl(CRLS.at(-1)!)?.revokedCertificates?.length).toBe(300);
  });

  it('on mutated CRLs: reads what pkijs reads, or declines', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CRLS.slice(0, 4)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
        (der, flips) => {
          const m = der.slice();
          for (const [at, v] of flips) m[at % m.length] = v;
          const mine = readCrl(m);
          if (!mine) return;
          const theirs = byPkijs(m);
          expect(theirs).not.toBeNull();
          expectSame(mine, theirs!, m);
        },
      ),
      { numRuns: 800, seed: 19 },
    );
  });
});
