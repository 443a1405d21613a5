/**
 * E-copies carry long-term evidence (issue 15 item 2): with a TSA the default is B-LTA (both signatures
 * timestamped, one DSS with both signers' chains and OCSP/CRL, a document timestamp); the register keeps what the
 * DSS holds and where it lies; the copy validates offline after the certifier's certificate has expired. Without
 * revocation data the default steps down with a warning; an explicit level is met or refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePdf, type FetchLike } from '@kyso/verify';
import {
  KysoError,
  Pkcs12Signer,
  certifyElectronicCopy,
  certifyPaperCopies,
  tsaTimestamper,
  type CertifyElectronicCopyInput,
  type SigningWarning,
} from '@kyso/core';
import Database from 'better-sqlite3';
import { MIGRATIONS, applyMigrations, openSqliteRegister, type SqliteRegister } from '@kyso/core/register-sqlite';
import { datedPki } from '../../verify/test/helpers/dated-pki.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { startTsa, TEST_CERTS, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { scanPng } from './fixtures/ecopy/scans.js';

const tmp = scratch('kyso-ecopy-ltv-');
let tsa: TsaServer;
beforeAll(async () => {
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
  tmp.cleanup();
});

const AUTH = 'xa-27280';
const root = readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let fetched = 0;
const noNetwork: FetchLike = async (url) => {
  fetched++;
  throw new Error(`offline: ${url}`);
};

let n = 0;
async function register(): Promise<SqliteRegister> {
  const reg = openSqliteRegister(tmp.file(`reg-${++n}.sqlite`));
  await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Kinh Bắc' });
  return reg;
}

function input(
  reg: SqliteRegister,
  key: string,
  extra: Partial<CertifyElectronicCopyInput> = {},
): CertifyElectronicCopyInput {
  return {
    register: reg,
    idempotencyKey: key,
    authority: AUTH,
    certifier: { name: 'Nguyễn Thị Lấp Lánh Ánh', title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH', basis: 'assigned' },
    requester: { name: 'Trần Văn Bình' },
    documentName: 'Giấy khai sinh',
    scan: { images: [{ bytes: scanPng(620, 877, { seed: 7 }), dpi: 75 }] },
    paperCopies: 0,
    signers: { certifier: { signer: openSigner('signer.p12') }, authority: { signer: openSigner('seal.p12') } },
    certificateCheck: { revocation: 'require' },
    ...extra,
  };
}

describe('the default level', () => {
  it('with a TSA: B-LTA; the register keeps the DSS (where it lies, its SHA-256, the OCSP/CRL digests) with the entry; offline TOTAL-PASSED', async () => {
    const reg = await register();
    try {
      const r = await certifyElectronicCopy(input(reg, 'lta-1', { tsa: tsaTimestamper(tsa.url) }));
      const ev = r.entry.signingEvidence!;
      expect(ev.level).toBe('B-LTA');
      expect(ev.documentTimestamps).toHaveLength(1);
      // The DSS lies in the stored file at the recorded place, with the recorded digest.
      const stored = (await reg.getECopy(r.entry.id))!;
      expect(sha256(stored)).toBe(r.entry.eCopySha256);
      const dssBytes = stored.subarray(ev.dss!.offset, ev.dss!.offset + ev.dss!.length);
      expect(sha256(dssBytes)).toBe(ev.dss!.sha256);
      expect(Buffer.from(dssBytes).toString('latin1')).toContain('/DSS');
      expect(ev.ocsps.length).toBeGreaterThan(0);
      // Both signers' certificates (and the TSA's) had a status when the copy was issued.
      const subjects = Object.fromEntries(ev.certificates.map((c) => [c.subject, c.status]));
      expect(subjects).toMatchObject({
        'Nguyễn Thị Lấp Lánh Ánh': 'good',
        'Ủy ban nhân dân phường Kinh Bắc': 'good',
        'Kyso Test TSA': 'good',
      });
      // Read back from the file, not only from this call.
      const again = await reg.findEntriesByECopyHash(r.sha256);
      expect(again[0].signingEvidence).toEqual(ev);

      fetched = 0;
      const report = await validatePdf(r.pdf, { trustAnchors: [root], online: false, fetch: noNetwork });
      expect(report.signatures.map((s) => [s.kind, s.indication, s.level])).toEqual([
        ['certification', 'TOTAL-PASSED', 'B-LTA'],
        ['approval', 'TOTAL-PASSED', 'B-LTA'],
        ['doc-timestamp', 'TOTAL-PASSED', null],
      ]);
      expect(fetched).toBe(0);
    } finally {
      await reg.close();
    }
  });

  it('without a TSA: B-B with the DSS embedded (no proof of existence), recorded as such', async () => {
    const reg = await register();
    try {
      const r = await certifyElectronicCopy(input(reg, 'bb-1'));
      expect(r.entry.signingEvidence).toMatchObject({ level: 'B-B', documentTimestamps: [] });
      expect(r.entry.signingEvidence!.dss).not.toBeNull();
      const report = await validatePdf(r.pdf, { trustAnchors: [root], online: false, fetch: noNetwork });
      expect(report.signatures.map((s) => [s.indication, s.level])).toEqual([
        ['TOTAL-PASSED', 'B-B'],
        ['TOTAL-PASSED', 'B-B'],
      ]);
    } finally {
      await reg.close();
    }
  });

  it('revocation data that cannot be had: the default steps down to B-T with a warning; an explicit B-LTA is refused and the number stays pending', async () => {
    const reg = await register();
    try {
      const warnings: SigningWarning[] = [];
      const ltv = { fetch: noNetwork, policy: { fetchIssuers: false } };
      const r = await certifyElectronicCopy(
        input(reg, 'bt-1', { tsa: tsaTimestamper(tsa.url), ltv, onWarning: (w) => warnings.push(w) }),
      );
      expect(r.entry.signingEvidence).toMatchObject({ level: 'B-T', dss: null, ocsps: [], crls: [] });
      expect(warnings.find((w) => w.code === 'ECOPY_LEVEL_LOWERED')?.detail).toMatch(
        /^issued at B-T: LTV_REVOCATION_UNAVAILABLE/,
      );

      const e = await certifyElectronicCopy(
        input(reg, 'lta-explicit', { tsa: tsaTimestamper(tsa.url), ltv, level: 'B-LTA' }),
      ).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(KysoError);
      expect((e as KysoError).code).toBe('LTV_REVOCATION_UNAVAILABLE');
      expect((e as KysoError).details.certification).toMatchObject({
        state: 'pending',
        idempotencyKey: 'lta-explicit',
      });
    } finally {
      await reg.close();
    }
  });

  it('an explicit level above B-B without a TSA is refused before a number is taken', async () => {
    const reg = await register();
    try {
      const e = await certifyElectronicCopy(input(reg, 'lt-no-tsa', { level: 'B-LT' })).catch((x: unknown) => x);
      expect((e as KysoError).code).toBe('CERTIFY_BAD_INPUT');
      expect(await reg.findRequestByKey(AUTH, 'lt-no-tsa')).toBeNull();
    } finally {
      await reg.close();
    }
  });
});

describe("after the certifier's certificate has expired", () => {
  it('an e-copy certified by a one-year certificate validates offline, two years later, TOTAL-PASSED for both signatures', async () => {
    const day = 86_400_000;
    const crlUrl = 'http://127.0.0.1:39611/dated-root.crl'; // nothing listens: fetchWithCrl serves it
    const short = datedPki({
      root: [new Date(Date.now() - day), new Date(Date.now() + 3650 * day)],
      leaf: [new Date(Date.now() - day), new Date(Date.now() + 365 * day)],
      leafName: 'Lê Thị Ngắn Hạn',
      crlUrl,
    });
    const reg = await register();
    try {
      const r = await certifyElectronicCopy(
        input(reg, 'short-1', {
          signers: {
            certifier: { signer: Pkcs12Signer.open(short.p12, short.password) },
            authority: { signer: openSigner('seal.p12') },
          },
          certificateCheck: false, // the dated leaf's CRL is served by fetchWithCrl only, which the pre-check does not use
          tsa: tsaTimestamper(tsa.url),
          ltv: { fetch: short.fetchWithCrl },
        }),
      );
      const ev = r.entry.signingEvidence!;
      expect(ev.level).toBe('B-LTA');
      expect(ev.certificates.find((c) => c.subject === 'Lê Thị Ngắn Hạn')).toMatchObject({
        status: 'good',
        sources: ['crl'],
      });
      expect(ev.crls).toContain(sha256(short.crlDer!));

      const anchors = (at?: Date) => ({ trustAnchors: [root, short.rootPem], online: false, fetch: noNetwork, at });
      const now = await validatePdf(r.pdf, anchors());
      const certifierEnd = Date.parse(now.signatures[0].signer!.validTo);
      const later = new Date(certifierEnd + 365 * day);
      expect(later.getTime()).toBeLessThan(Date.parse(now.signatures[0].timestamps[0].tsaValidUntil!));

      fetched = 0;
      const late = await validatePdf(r.pdf, anchors(later));
      expect(late.signatures.map((s) => [s.kind, s.indication, s.subIndication])).toEqual([
        ['certification', 'TOTAL-PASSED', null],
        ['approval', 'TOTAL-PASSED', null],
        ['doc-timestamp', 'TOTAL-PASSED', null],
      ]);
      expect(late.signatures[0]).toMatchObject({ signingTimeSource: 'timestamp', certificateValidAtSigningTime: true });
      expect(late.signatures[0].revocation[0]).toMatchObject({ certificate: 'Lê Thị Ngắn Hạn', status: 'GOOD' });
      expect(fetched).toBe(0);
    } finally {
      await reg.close();
    }
  });
});

describe('a register file from before the evidence column (schema 1)', () => {
  it('migrates on open; a paper entry has no evidence, the next e-copy records its own, in one sequence', async () => {
    const path = tmp.file('v1.sqlite');
    const db = new Database(path);
    expect(applyMigrations(db, MIGRATIONS.slice(0, 1))).toEqual({ from: 0, to: 1 });
    db.close();
    const reg = openSqliteRegister(path);
    try {
      expect(reg.schemaVersion()).toBe(MIGRATIONS.at(-1)!.version);
      await reg.upsertAuthority({ id: AUTH, name: 'Ủy ban nhân dân phường Kinh Bắc' });
      const paper = await certifyPaperCopies({
        register: reg,
        idempotencyKey: 'p-1',
        authority: AUTH,
        certifier: { name: 'Nguyễn Thị Lấp Lánh Ánh', basis: 'own-competence' },
        requester: { name: 'Trần Văn Bình' },
        originals: [{ documentName: 'Giấy khai sinh', pages: 1, paperCopies: 1 }],
      });
      expect(paper.request.entries.map((e) => [e.seqNo, e.signingEvidence])).toEqual([[1, null]]);
      expect(paper.request.certifier.title).toBe('CHỦ TỊCH'); // the basis's usual title, recorded as printed
      const r = await certifyElectronicCopy(input(reg, 'e-1'));
      expect(r.entry.seqNo).toBe(2);
      expect(r.entry.signingEvidence?.dss).not.toBeNull();
    } finally {
      await reg.close();
    }
  });
});
