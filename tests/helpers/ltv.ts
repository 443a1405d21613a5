/**
 * Reads a DSS back from a signed PDF and judges it with openssl (not with kyso's own ASN.1 code): which
 * certificates it holds, which serials its OCSP responses answer for and with what status, which issuers its
 * CRLs come from, and what each /VRI entry points to.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PdfDict, PdfRef, PdfStream, type PdfDocument } from '@kyso/pdf';
import type { FoundSignature } from '@kyso/verify';
import { run } from './tools.js';

export interface CertFacts {
  der: Uint8Array;
  serial: string;
  subject: string;
  issuer: string;
  selfIssued: boolean;
  ocspNoCheck: boolean;
}

export interface OcspFacts {
  der: Uint8Array;
  /** serial (uppercase hex) → cert status ('good' | 'revoked' | ...). */
  statuses: Map<string, string>;
}

export interface DssRead {
  certs: CertFacts[];
  ocsps: OcspFacts[];
  crls: { der: Uint8Array; issuer: string }[];
  /** VRI key → the number of /Cert, /OCSP and /CRL references and which certificate subjects /Cert names. */
  vri: Map<string, { certSubjects: string[]; ocsps: number; crls: number }>;
  /** Object numbers of the DSS's streams, per array (to see that merging keeps them). */
  refs: { certs: number[]; ocsps: number[]; crls: number[] };
}

const NAMEOPT = ['-nameopt', 'RFC2253,-esc_msb']; // UTF-8 names as they are

function openssl(args: string[], input: Uint8Array): string {
  const r = run('openssl', args, input);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function certFacts(der: Uint8Array): CertFacts {
  const text = openssl(
    ['x509', '-inform', 'DER', '-noout', '-serial', '-subject', '-issuer', '-ext', 'noCheck', ...NAMEOPT],
    der,
  );
  const line = (k: string) => new RegExp(`^${k}=\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const subject = line('subject');
  const issuer = line('issuer');
  return {
    der,
    serial: line('serial').toUpperCase(),
    subject,
    issuer,
    selfIssued: subject === issuer,
    ocspNoCheck: /OCSP No Check/i.test(text),
  };
}

export function ocspFacts(der: Uint8Array): OcspFacts {
  // openssl ocsp reads the response only from a named file
  const dir = mkdtempSync(join(tmpdir(), 'kyso-ocsp-read-'));
  let text: string;
  try {
    writeFileSync(join(dir, 'r.der'), der);
    text = openssl(['ocsp', '-respin', join(dir, 'r.der'), '-resp_text', '-noverify'], new Uint8Array(0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const statuses = new Map<string, string>();
  for (const m of text.matchAll(/Serial Number: ([0-9A-Fa-f]+)\s+Cert Status: (\w+)/g))
    statuses.set(m[1].toUpperCase(), m[2]);
  return { der, statuses };
}

export function crlIssuer(der: Uint8Array): string {
  return (
    /^issuer=\s*(.*)$/m.exec(openssl(['crl', '-inform', 'DER', '-noout', '-issuer', ...NAMEOPT], der))?.[1]?.trim() ??
    ''
  );
}

function streams(doc: PdfDocument, arr: unknown): { num: number; data: Uint8Array }[] {
  const list = doc.resolve(arr as never);
  if (!Array.isArray(list)) return [];
  return list.map((r) => {
    const s = doc.resolve(r);
    if (!(r instanceof PdfRef) || !(s instanceof PdfStream)) throw new Error('DSS entry is not a stream reference');
    return { num: r.num, data: doc.decode(s) };
  });
}

export function readDss(doc: PdfDocument): DssRead {
  const dss = doc.getDict(doc.catalog(), 'DSS');
  if (!dss) throw new Error('no /DSS in the catalog');
  const c = streams(doc, dss.get('Certs'));
  const o = streams(doc, dss.get('OCSPs'));
  const l = streams(doc, dss.get('CRLs'));
  const certs = c.map((s) => certFacts(s.data));
  const byNum = new Map(c.map((s, i) => [s.num, certs[i]]));
  const vri = new Map<string, { certSubjects: string[]; ocsps: number; crls: number }>();
  const vriDict = doc.getDict(dss, 'VRI');
  for (const key of vriDict?.keys() ?? []) {
    const e = doc.resolve(vriDict!.get(key));
    if (!(e instanceof PdfDict)) continue;
    const refs = (k: string) => {
      const a = doc.resolve(e.get(k));
      return Array.isArray(a) ? a.filter((x): x is PdfRef => x instanceof PdfRef) : [];
    };
    vri.set(key, {
      certSubjects: refs('Cert').map((r) => byNum.get(r.num)?.subject ?? '?'),
      ocsps: refs('OCSP').length,
      crls: refs('CRL').length,
    });
  }
  return {
    certs,
    ocsps: o.map((s) => ocspFacts(s.data)),
    crls: l.map((s) => ({ der: s.data, issuer: crlIssuer(s.data) })),
    vri,
    refs: { certs: c.map((s) => s.num), ocsps: o.map((s) => s.num), crls: l.map((s) => s.num) },
  };
}

/** How a certificate's status is covered in the DSS: by an OCSP response, a CRL of its issuer, or not needed. */
export function coverage(dss: DssRead, cert: CertFacts): 'ocsp' | 'crl' | 'root' | 'ocsp-nocheck' | 'none' {
  if (cert.selfIssued) return 'root';
  if (cert.ocspNoCheck) return 'ocsp-nocheck';
  if (dss.ocsps.some((o) => o.statuses.has(cert.serial))) return 'ocsp';
  if (dss.crls.some((c) => c.issuer === cert.issuer)) return 'crl';
  return 'none';
}

/** The signature's CMS certificates, via openssl. */
export function cmsCertificates(contents: Uint8Array): CertFacts[] {
  const pem = openssl(['pkcs7', '-inform', 'DER', '-print_certs'], derPrefix(contents));
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) =>
    certFacts(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'))),
  );
}

export function derPrefix(b: Uint8Array): Uint8Array {
  let len = b[1];
  let p = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  return b.subarray(0, p + len);
}

export const vriKeyOf = (contents: Uint8Array): string =>
  createHash('sha1').update(contents).digest('hex').toUpperCase();

/**
 * The DSS holds every certificate of the signature's CMS and the TSA's, each non-root one with its status
 * covered, and a /VRI entry under the signature's key naming the signer's certificate.
 */
export function expectChainCovered(dss: DssRead, sig: FoundSignature, options: { tsa?: boolean } = {}): void {
  const inCms = cmsCertificates(sig.contents!);
  const dssSerials = new Set(dss.certs.map((c) => c.serial));
  for (const c of inCms) expect(dssSerials.has(c.serial), `${c.subject} in /Certs`).toBe(true);
  for (const c of dss.certs) expect(coverage(dss, c), `status of ${c.subject}`).not.toBe('none');
  if (options.tsa !== false) expect(dss.certs.some((c) => c.subject.includes('CN=Kyso Test TSA'))).toBe(true);
  const entry = dss.vri.get(vriKeyOf(sig.contents!));
  expect(entry, 'VRI entry for the signature').toBeDefined();
  expect(entry!.certSubjects.length).toBeGreaterThan(0);
  expect(entry!.ocsps + entry!.crls).toBeGreaterThan(0);
}

export function startsWith(out: Uint8Array, prefix: Uint8Array): boolean {
  return out.length >= prefix.length && Buffer.from(out.subarray(0, prefix.length)).equals(Buffer.from(prefix));
}

/**
 * A document timestamp checked by `openssl ts -verify` (poppler's pdfsig does not verify ETSI.RFC3161): the token's
 * imprint must be the SHA-256 of the ByteRange and its signature chain to `caFile`.
 */
export function verifyDocTimestamp(
  pdf: Uint8Array,
  sig: FoundSignature,
  caFile: string,
): { ok: boolean; output: string } {
  const br = (sig.byteRange ?? []) as number[];
  const h = createHash('sha256');
  for (let i = 0; i + 1 < br.length; i += 2) h.update(pdf.subarray(br[i], br[i] + br[i + 1]));
  const dir = mkdtempSync(join(tmpdir(), 'kyso-ts-verify-'));
  try {
    writeFileSync(join(dir, 'token.der'), derPrefix(sig.contents!));
    const r = run('openssl', [
      'ts',
      '-verify',
      '-digest',
      h.digest('hex'),
      '-token_in',
      '-in',
      join(dir, 'token.der'),
      '-CAfile',
      caFile,
    ]);
    return { ok: r.status === 0 && /Verification: OK/.test(r.stdout), output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdfsig's verdict on the approval signatures and openssl's on the document timestamps, in field order. */
export function expectAllValid(
  nss: { pdfsig(path: string): { signatures: { field?: string; valid: boolean; trusted: boolean }[] } },
  path: string,
  pdf: Uint8Array,
  found: FoundSignature[],
  options: { trusted?: boolean; caFile: string },
): void {
  const report = nss.pdfsig(path).signatures;
  expect(report.length).toBe(found.length);
  for (const s of found) {
    if (s.kind === 'doc-timestamp') {
      const v = verifyDocTimestamp(pdf, s, options.caFile);
      expect(v.ok, `${s.fieldName}: ${v.output}`).toBe(true);
      continue;
    }
    const p = report.find((r) => r.field === s.fieldName);
    expect(p, `pdfsig reports ${s.fieldName}`).toBeDefined();
    expect(p!.valid, `${s.fieldName} valid`).toBe(true);
    if (options.trusted !== false) expect(p!.trusted, `${s.fieldName} trusted`).toBe(true);
  }
}
