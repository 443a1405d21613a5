// @ts-check
/**
 * Generates src/trust-profiles/vn-data.generated.ts from trust-data/vn (MANIFEST.tsv and the PEM files), so the
 * bundled Vietnamese trust material is a plain module: @kyso/verify stays browser-safe (no file reads at run time).
 *
 *   node packages/verify/scripts/build-trust-data.mjs          # writes the module
 *   node packages/verify/scripts/build-trust-data.mjs --check  # exit 1 when the committed module is out of date
 *
 * Every row is checked against its certificate before anything is written: one certificate per file, the SHA-256 of
 * its DER equal to the manifest's, the manifest's validity equal to the certificate's, every PEM under certs/ listed.
 * Only rows under certs/ are emitted: look-alike/ holds a FAKE root kept as a test fixture, never shipped as data.
 */
import { X509Certificate, createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const VN_DIR = join(here, '..', 'trust-data', 'vn');
export const OUTPUT = join(here, '..', 'src', 'trust-profiles', 'vn-data.generated.ts');

const COLUMNS = [
  'file',
  'role',
  'subject',
  'issuer',
  'sha256_der',
  'not_before',
  'not_after',
  'corroborated',
  'independent_copies',
];
const ROLES = new Set(['root', 'intermediate', 'tsa']);
const PEM = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** OpenSSL escapes non-ASCII name bytes as \XX (hex); the manifest keeps that form, the module gets UTF-8 text. */
function unescapeName(text) {
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '\\' ? /^[0-9A-Fa-f]{2}/.exec(text.slice(i + 1)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

// The attribute names of src/trust/names.ts's nameText, so the module's names read as the validator prints them.
const SHORT = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
};

/** @param {pkijs.RelativeDistinguishedNames} name */
function nameText(name) {
  return [...name.typesAndValues]
    .reverse()
    .map((atv) => `${SHORT[atv.type] ?? atv.type}=${String(atv.value?.valueBlock?.value ?? '')}`)
    .join(', ');
}

const hex = (/** @type {ArrayBuffer | Uint8Array} */ b) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b))
    .toString('hex')
    .toUpperCase();

/** The key identifiers path building matches issuers by (RFC 5280 §4.2.1.1-2), so a profile can pre-select without parsing. */
function keyIds(der) {
  const asn1 = asn1js.fromBER(new Uint8Array(der));
  const cert = new pkijs.Certificate({ schema: asn1.result });
  const ext = (oid) => cert.extensions?.find((e) => e.extnID === oid)?.parsedValue;
  const ski = ext('2.5.29.14');
  const aki = ext('2.5.29.35');
  return {
    subjectText: nameText(cert.subject),
    issuerText: nameText(cert.issuer),
    subjectKeyId: ski instanceof asn1js.OctetString ? hex(ski.valueBlock.valueHexView) : null,
    authorityKeyId: aki?.keyIdentifier ? hex(aki.keyIdentifier.valueBlock.valueHexView) : null,
  };
}

/** "May 16 01:12:49 2008 GMT" (OpenSSL's form, the manifest's and node:crypto's) as an ISO time. */
function isoTime(text, where) {
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new Error(`${where}: unreadable time '${text}'`);
  return new Date(t).toISOString();
}

/**
 * Reads and checks the manifest rows of `dir` against their certificates.
 * @param {string} dir
 */
export function readManifest(dir = VN_DIR) {
  const lines = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const header = lines[0].split('\t');
  if (header.join('\t') !== COLUMNS.join('\t'))
    throw new Error(`MANIFEST.tsv: columns are ${header.join(', ')}, expected ${COLUMNS.join(', ')}`);
  const rows = lines.slice(1).map((line, i) => {
    const cols = line.split('\t');
    const where = `MANIFEST.tsv line ${i + 2}`;
    if (cols.length !== COLUMNS.length) throw new Error(`${where}: ${cols.length} columns`);
    const [file, role, subject, issuer, sha256, notBefore, notAfter, corroborated, copies] = cols;
    if (!ROLES.has(role)) throw new Error(`${where}: unknown role '${role}'`);
    if (corroborated !== 'yes' && corroborated !== 'no') throw new Error(`${where}: corroborated is '${corroborated}'`);
    if (!/^[0-9A-F]{64}$/.test(sha256)) throw new Error(`${where}: SHA-256 '${sha256}'`);
    const pem = readFileSync(join(dir, file), 'utf8');
    const blocks = [...pem.matchAll(PEM)];
    if (blocks.length !== 1) throw new Error(`${file}: ${blocks.length} certificates, expected one`);
    const der = Buffer.from(blocks[0][1].replace(/\s+/g, ''), 'base64');
    const actual = createHash('sha256').update(der).digest('hex').toUpperCase();
    if (actual !== sha256) throw new Error(`${file}: SHA-256 of the DER is ${actual}, the manifest says ${sha256}`);
    const x509 = new X509Certificate(der);
    const period = { notBefore: isoTime(notBefore, where), notAfter: isoTime(notAfter, where) };
    if (period.notBefore !== isoTime(x509.validFrom, file) || period.notAfter !== isoTime(x509.validTo, file)) {
      throw new Error(
        `${file}: validity ${x509.validFrom} – ${x509.validTo}, the manifest says ${notBefore} – ${notAfter}`,
      );
    }
    const ids = keyIds(der);
    // The manifest writes names as OpenSSL does (RFC 2253 order, "," between attributes, \XX for non-ASCII bytes).
    for (const [said, is] of [
      [subject, ids.subjectText],
      [issuer, ids.issuerText],
    ]) {
      if (unescapeName(said) !== is.replace(/, /g, ','))
        throw new Error(`${file}: the manifest names '${unescapeName(said)}', the certificate '${is}'`);
    }
    return {
      file,
      role,
      subject: ids.subjectText,
      issuer: ids.issuerText,
      subjectKeyId: ids.subjectKeyId,
      authorityKeyId: ids.authorityKeyId,
      sha256,
      ...period,
      corroborated: corroborated === 'yes',
      independentCopies: Number(copies),
      der: der.toString('base64'),
    };
  });
  const listed = new Set(rows.map((r) => r.file));
  for (const f of readdirSync(join(dir, 'certs'))) {
    if (f.endsWith('.pem') && !listed.has(`certs/${f}`)) throw new Error(`certs/${f} is not in MANIFEST.tsv`);
  }
  return rows;
}

/** The module's text for the rows under certs/ (the shipped material), in manifest order. */
export function buildTrustData(dir = VN_DIR) {
  const rows = readManifest(dir).filter((r) => r.file.startsWith('certs/'));
  const body = rows.map((r) => `  ${JSON.stringify(r)},`).join('\n');
  return `// Generated by packages/verify/scripts/build-trust-data.mjs from trust-data/vn (MANIFEST.tsv and certs/*.pem).
// Do not edit: change the folder and run the script (a test fails when this file is out of date).
import type { BundledCertificateRecord } from './bundled-certificate.js';

export const VN_TRUST_DATA: readonly BundledCertificateRecord[] = [
${body}
];
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = buildTrustData();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUTPUT, 'utf8');
    } catch {
      /* missing counts as out of date */
    }
    if (current !== text) {
      console.error(`${OUTPUT} is out of date: run node packages/verify/scripts/build-trust-data.mjs`);
      process.exit(1);
    }
    console.log(`${OUTPUT} is up to date`);
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT}`);
  }
}
