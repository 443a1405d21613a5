/**
 * The ETSI TS 119 102-2 XML validation report (namespace http://uri.etsi.org/19102/v1.2.1#), built from kyso's
 * facts and verdicts: one SignatureValidationReport per signature and document timestamp, in the order applied,
 * and SignatureValidationObjects with the certificates, timestamp tokens and revocation data they refer to by id.
 * Browser-safe: the XML is a string built here with every text and attribute escaped; no XML library, no Node.
 */
import type * as pkijs from 'pkijs';
import { PdfDocument, type ByteSource } from '@kyso/pdf';
import { collectEvidence, type EvidencePool } from '../evidence/index.js';
import type { SubIndication } from '../indications.js';
import type { Finding } from '../policy/findings.js';
import { verdictOf, type Verdict } from '../policy/verdict.js';
import { validityAt, type ValidityAt } from './report.js';
import { findSignatures, type FoundSignature } from '../signature/index.js';
import { signatureTimestampTokens } from '../timestamp/index.js';
import { summariseCertificate, type CertificateSummary } from '../validate/certificate-summary.js';
import type { SignatureFacts, TimestampFacts } from '../validate/facts.js';
import type { CertificateSource, ValidateOptions } from '../validate/options.js';
import { readCertificates, validatePdfDetailed, type ValidationResult } from '../validate/validate-pdf.js';
import { resolveTrust } from '../validate/trust-sources.js';
import { digest } from '../signature/range-digest.js';

export const ETSI_VR_NAMESPACE = 'http://uri.etsi.org/19102/v1.2.1#';
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
/** kyso's own elements inside the schema's open slots (AdditionalValidationReportData values). */
export const KYSO_REPORT_NAMESPACE = 'urn:kyso:validation-report:1';

const MAIN = {
  'TOTAL-PASSED': 'urn:etsi:019102:mainindication:total-passed',
  'TOTAL-FAILED': 'urn:etsi:019102:mainindication:total-failed',
  INDETERMINATE: 'urn:etsi:019102:mainindication:indeterminate',
} as const;
const subIndicationUri = (s: SubIndication | string): string => `urn:etsi:019102:subindication:${s}`;
const OBJECT_TYPE = {
  certificate: 'urn:etsi:019102:validationObject:certificate',
  crl: 'urn:etsi:019102:validationObject:CRL',
  ocsp: 'urn:etsi:019102:validationObject:OCSPResponse',
  timestamp: 'urn:etsi:019102:validationObject:timestamp',
  signedData: 'urn:etsi:019102:validationObject:signedData',
} as const;
const POE_VALIDATION = 'urn:etsi:019102:poetype:validation';
const PROCESS = {
  Basic: 'urn:etsi:019102:validationprocess:Basic',
  LTVM: 'urn:etsi:019102:validationprocess:LTVM',
  LTA: 'urn:etsi:019102:validationprocess:LTA',
} as const;

/** XML Signature digest method URIs (RFC 6931); others as urn:oid. */
const DIGEST_URI: Record<string, string> = {
  'SHA-1': 'http://www.w3.org/2000/09/xmldsig#sha1',
  'SHA-224': 'http://www.w3.org/2001/04/xmldsig-more#sha224',
  'SHA-256': 'http://www.w3.org/2001/04/xmlenc#sha256',
  'SHA-384': 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'SHA-512': 'http://www.w3.org/2001/04/xmlenc#sha512',
  'SHA3-256': 'http://www.w3.org/2007/05/xmldsig-more#sha3-256',
  'SHA3-384': 'http://www.w3.org/2007/05/xmldsig-more#sha3-384',
  'SHA3-512': 'http://www.w3.org/2007/05/xmldsig-more#sha3-512',
};
const DIGEST_NAME_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.8': 'SHA3-256',
  '2.16.840.1.101.3.4.2.9': 'SHA3-384',
  '2.16.840.1.101.3.4.2.10': 'SHA3-512',
};

function digestUri(name: string | undefined, oid?: string): string {
  const byName = name ? DIGEST_URI[name] : undefined;
  if (byName) return byName;
  const byOid = oid ? DIGEST_URI[DIGEST_NAME_BY_OID[oid] ?? ''] : undefined;
  if (byOid) return byOid;
  return oid ? `urn:oid:${oid}` : `urn:kyso:digest:${name ?? 'unknown'}`;
}

/** The signature algorithm as an XML Signature URI (RFC 6931, RFC 9231), from the name integrity facts give. */
function signatureAlgorithmUri(name: string | undefined, oid: string | undefined): string {
  const hash = /SHA-(1|224|256|384|512)\b/.exec(name ?? '')?.[1];
  if (name?.startsWith('RSASSA-PKCS1-v1_5') && hash) {
    return hash === '1'
      ? 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'
      : `http://www.w3.org/2001/04/xmldsig-more#rsa-sha${hash}`;
  }
  if (name?.startsWith('RSASSA-PSS') && hash) return `http://www.w3.org/2007/05/xmldsig-more#sha${hash}-rsa-MGF1`;
  if (name?.startsWith('ECDSA') && hash) return `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha${hash}`;
  if (name === 'Ed25519') return 'http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519';
  if (name === 'Ed448') return 'http://www.w3.org/2021/04/xmldsig-more#eddsa-ed448';
  return oid ? `urn:oid:${oid}` : 'urn:kyso:algorithm:unknown';
}

// ---------------------------------------------------------------------------------------------------------------
// Escaping: XML 1.0 text and attribute values. Characters XML cannot carry at all (C0 controls but tab/LF/CR, lone
// surrogates, U+FFFE/U+FFFF) become U+FFFD; `>` is escaped too, so `]]>` from a hostile PDF string stays text.

const NOT_XML_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXmlText(s: string): string {
  return s
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

export function escapeXmlAttribute(s: string): string {
  return escapeXmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

type Attrs = Record<string, string | number | boolean | null | undefined>;

/** One element; `children` are already-built XML strings (or text, when `text` is given). */
function el(name: string, attrs: Attrs | null, ...children: (string | null | undefined | false)[]): string {
  const a = Object.entries(attrs ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttribute(String(v))}"`)
    .join('');
  const body = children.filter((c): c is string => typeof c === 'string' && c.length > 0).join('');
  return body ? `<${name}${a}>${body}</${name}>` : `<${name}${a}/>`;
}

/** An element holding text (escaped). */
function tx(name: string, text: string | number | boolean, attrs: Attrs | null = null): string {
  const a = Object.entries(attrs ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttribute(String(v))}"`)
    .join('');
  return `<${name}${a}>${escapeXmlText(String(text))}</${name}>`;
}

const ref = (name: string, ids: string | string[]): string =>
  el(name, { VOReference: Array.isArray(ids) ? ids.join(' ') : ids });

// ---------------------------------------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!; // i + 2 < bytes.length
    out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) + B64.charAt((n >> 6) & 63) + B64.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) + (rest === 2 ? B64.charAt((n >> 6) & 63) : '=') + '=';
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

const sha256 = (bytes: Uint8Array): Promise<Uint8Array> => digest('SHA-256', bytes);

const digestAlgAndValue = (name: string, uri: string, value: Uint8Array): string =>
  el(name, null, el('ds:DigestMethod', { Algorithm: uri }), tx('ds:DigestValue', base64(value)));

// ---------------------------------------------------------------------------------------------------------------

export interface EtsiXmlOptions {
  /** The trust anchors given to the validation: their certificates are referenced as the chains' TrustAnchor. */
  trustAnchors?: readonly CertificateSource[];
  /** The intermediates given to the validation. */
  intermediates?: readonly CertificateSource[];
  /** The document's evidence pool (collectEvidence), when the caller already has it; read from `pdf` otherwise. */
  evidence?: EvidencePool;
}

interface ValidationObject {
  id: string;
  xml: string;
}

/** Collects the validation objects, each once, with stable ids derived from a SHA-256 of their bytes. */
class Objects {
  private readonly byId = new Map<string, ValidationObject>();
  private readonly certIds = new Map<string, string>();

  constructor(private readonly certPool: { cert: pkijs.Certificate; der: Uint8Array; key: string }[]) {}

  private static certKey(s: CertificateSummary): string {
    return `${s.serialNumber}|${s.text}|${s.issuer.text}`;
  }

  async certificate(der: Uint8Array): Promise<string> {
    const id = `C-${hex(await sha256(der))}`;
    if (!this.byId.has(id)) {
      this.byId.set(id, {
        id,
        xml: el(
          'vr:ValidationObject',
          { id },
          tx('vr:ObjectType', OBJECT_TYPE.certificate),
          el('vr:ValidationObjectRepresentation', null, tx('vr:base64', base64(der))),
        ),
      });
    }
    return id;
  }

  async certificateOf(cert: pkijs.Certificate): Promise<string> {
    return this.certificate(new Uint8Array(cert.toSchema(true).toBER(false)));
  }

  /** The id of the certificate a summary describes, when its bytes are known (CMS, DSS, tokens, caller's roots). */
  /** The parsed certificate a summary describes, when its bytes are known. */
  find(s: CertificateSummary): pkijs.Certificate | null {
    const key = Objects.certKey(s);
    return this.certPool.find((c) => c.key === key)?.cert ?? null;
  }

  async certificateBySummary(s: CertificateSummary | null | undefined): Promise<string | null> {
    if (!s) return null;
    const key = Objects.certKey(s);
    const cached = this.certIds.get(key);
    if (cached) return cached;
    const hit = this.certPool.find((c) => c.key === key);
    if (!hit) return null;
    const id = await this.certificate(hit.der);
    this.certIds.set(key, id);
    return id;
  }

  async revocation(kind: 'ocsp' | 'crl', der: Uint8Array): Promise<string> {
    const id = `R-${hex(await sha256(der))}`;
    if (!this.byId.has(id)) {
      this.byId.set(id, {
        id,
        xml: el(
          'vr:ValidationObject',
          { id },
          tx('vr:ObjectType', OBJECT_TYPE[kind]),
          el('vr:ValidationObjectRepresentation', null, tx('vr:base64', base64(der))),
        ),
      });
    }
    return id;
  }

  /** A timestamp token, with a small validation report of its own (status, TSA certificate). */
  /** `verdict`: for a document timestamp, its own verdict (the status of its report) rather than a summary. */
  async timestamp(der: Uint8Array, facts: TimestampFacts | null, verdict?: Verdict): Promise<string> {
    const id = `T-${hex(await sha256(der))}`;
    if (this.byId.has(id)) return id;
    const tsa = facts ? await this.certificateBySummary(facts.tsa) : null;
    let status = '';
    if (facts) {
      const main = verdict
        ? MAIN[verdict.indication]
        : facts.intact && facts.trusted
          ? MAIN['TOTAL-PASSED']
          : facts.intact
            ? MAIN.INDETERMINATE
            : MAIN['TOTAL-FAILED'];
      const sub = verdict
        ? verdict.subIndication && subIndicationUri(verdict.subIndication)
        : facts.intact && !facts.trusted && facts.problems.includes('TSA_NO_CHAIN')
          ? subIndicationUri('NO_CERTIFICATE_CHAIN_FOUND')
          : null;
      status = el(
        'vr:ValidationReport',
        null,
        tsa
          ? el(
              'vr:SignerInformation',
              null,
              ref('vr:SignerCertificate', tsa),
              facts.tsa ? tx('vr:Signer', name(facts.tsa)) : null,
            )
          : null,
        el(
          'vr:SignatureValidationStatus',
          null,
          tx('vr:MainIndication', main),
          sub ? tx('vr:SubIndication', sub) : null,
          facts.problems.length
            ? el(
                'vr:AssociatedValidationReportData',
                null,
                additional([
                  reportData(
                    'urn:kyso:validation:timestamp-problems',
                    facts.problems.map((p) => tx('kyso:Problem', p)).join(''),
                  ),
                ]),
              )
            : null,
        ),
      );
    }
    this.byId.set(id, {
      id,
      xml: el(
        'vr:ValidationObject',
        { id },
        tx('vr:ObjectType', OBJECT_TYPE.timestamp),
        el('vr:ValidationObjectRepresentation', null, tx('vr:base64', base64(der))),
        status,
      ),
    });
    return id;
  }

  /** The signer's document: what the ByteRange covers, by its digest. */
  signedData(id: string, uri: string, digest: Uint8Array): string {
    this.byId.set(id, {
      id,
      xml: el(
        'vr:ValidationObject',
        { id },
        tx('vr:ObjectType', OBJECT_TYPE.signedData),
        el('vr:ValidationObjectRepresentation', null, digestAlgAndValue('vr:DigestAlgAndValue', uri, digest)),
      ),
    });
    return id;
  }

  xml(): string {
    return [...this.byId.values()].map((o) => o.xml).join('');
  }

  get size(): number {
    return this.byId.size;
  }
}

function name(s: CertificateSummary): string {
  return s.commonName ?? s.organization ?? s.text;
}

function reportData(type: string, value: string): string {
  return el('vr:ReportData', null, tx('vr:Type', type), el('vr:Value', null, value));
}

function additional(data: string[]): string {
  return data.length ? el('vr:AdditionalValidationReportData', null, ...data) : '';
}

function findingXml(f: Finding): string {
  return el(
    'kyso:Finding',
    { code: f.code },
    tx('kyso:Message', f.vi, { 'xml:lang': 'vi' }),
    tx('kyso:Message', f.en, { 'xml:lang': 'en' }),
    f.detail ? tx('kyso:Detail', f.detail) : null,
  );
}

function processFor(f: SignatureFacts): string {
  if (f.level === 'B-LTA') return PROCESS.LTA;
  if (f.level === 'B-T' || f.level === 'B-LT') return PROCESS.LTVM;
  return PROCESS.Basic;
}

/**
 * kyso judges PAdES conformance and validity, not EU qualification (no trusted lists, so no QES / AdES-QC): the
 * quality URIs are kyso's own and say only that much.
 */
function qualityFor(f: SignatureFacts, v: Verdict): string {
  if (v.indication === 'TOTAL-FAILED') return 'urn:kyso:signatureQuality:failed';
  if (v.indication === 'INDETERMINATE') return 'urn:kyso:signatureQuality:indeterminate';
  return f.subFilter === 'ETSI.CAdES.detached' ? 'urn:kyso:signatureQuality:AdES' : 'urn:kyso:signatureQuality:notAdES';
}

function uniqueId(used: Set<string>, id: string): string {
  let out = id;
  for (let k = 2; used.has(out); k++) out = `${id}-${k}`;
  used.add(out);
  return out;
}

function derOfContents(found: FoundSignature | undefined, f: SignatureFacts): Uint8Array | null {
  const c = found?.contents;
  if (!c) return null;
  const trailing = f.integrity.cms.trailingBytes;
  return trailing > 0 && trailing <= c.length ? c.subarray(0, c.length - trailing) : c;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Builds the ETSI TS 119 102-2 validation report (XML, UTF-8) for the result of `validatePdfDetailed(pdf, …)`.
 * `pdf` is the same file: the report carries the tokens and validation data it holds. Pass the trust anchors and
 * intermediates the validation was given so the chains can refer to their certificates.
 */
export async function etsiValidationReportXml(
  pdf: Uint8Array | ByteSource,
  result: ValidationResult,
  options: EtsiXmlOptions = {},
): Promise<string> {
  const { facts, verdicts } = result;
  let found: FoundSignature[] = [];
  let evidence = options.evidence;
  if (facts.signatures.length > 0) {
    const doc = PdfDocument.load(pdf, { fullHistory: true });
    found = findSignatures(doc);
    evidence ??= await collectEvidence(doc, { signatures: found });
  }
  const pool: { cert: pkijs.Certificate; der: Uint8Array; key: string }[] = [];
  const addToPool = (cert: pkijs.Certificate | null, der?: Uint8Array) => {
    if (!cert) return;
    try {
      const s = summariseCertificate(cert);
      pool.push({
        cert,
        der: der ?? new Uint8Array(cert.toSchema(true).toBER(false)),
        key: `${s.serialNumber}|${s.text}|${s.issuer.text}`,
      });
    } catch {
      // an unreadable certificate cannot be referred to
    }
  };
  for (const f of facts.signatures) for (const c of f.integrity.cms.certificates) addToPool(c);
  for (const c of evidence?.certificates ?? []) addToPool(c.certificate, c.der);
  for (const c of [...readCertificates(options.trustAnchors), ...readCertificates(options.intermediates)]) addToPool(c);
  const objects = new Objects(pool);

  const usedIds = new Set<string>();
  // Document timestamps' tokens by the index of their signature, so signatures they cover can point at them.
  const docTimestampIds = new Map<number, string>();
  for (const f of facts.signatures) {
    if (f.kind !== 'doc-timestamp') continue;
    const der = derOfContents(found[f.index], f);
    if (der) {
      const tsFacts = facts.signatures
        .flatMap((o) => o.timestamps)
        .find((t) => t.kind === 'document-timestamp' && t.signatureIndex === f.index);
      docTimestampIds.set(
        f.index,
        await objects.timestamp(
          der,
          tsFacts ?? {
            kind: 'document-timestamp',
            time: f.claimedSigningTime ?? '',
            intact: f.integrity.intact,
            trusted: false,
            tsa: f.signer,
            validUntil: null,
            provesExistence: false,
            problems: f.integrity.problems,
          },
          verdicts[f.index],
        ),
      );
    }
  }

  const reports: string[] = [];
  for (const f of facts.signatures) {
    reports.push(
      await signatureReportXml(
        f,
        verdictOf(verdicts, f.index),
        found[f.index],
        facts.validationTime,
        objects,
        usedIds,
        docTimestampIds,
        evidence,
      ),
    );
  }
  // Validation data the document carries that no report pointed at is listed too (it is part of what was used).
  for (const o of evidence?.ocspResponses ?? []) await objects.revocation('ocsp', o.der);
  for (const c of evidence?.crls ?? []) await objects.revocation('crl', c.der);

  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      'vr:ValidationReport',
      { 'xmlns:vr': ETSI_VR_NAMESPACE, 'xmlns:ds': XMLDSIG_NAMESPACE, 'xmlns:kyso': KYSO_REPORT_NAMESPACE },
      ...reports,
      objects.size > 0 ? el('vr:SignatureValidationObjects', null, objects.xml()) : null,
    ) +
    '\n'
  );
}

async function signatureReportXml(
  f: SignatureFacts,
  v: Verdict,
  found: FoundSignature | undefined,
  validationTime: string,
  objects: Objects,
  usedIds: Set<string>,
  docTimestampIds: Map<number, string>,
  evidence: EvidencePool | undefined,
): Promise<string> {
  const cms = f.integrity.cms;

  // SignatureIdentifier: the digest of the signature value, the value itself, and the field name (DAIdentifier).
  const sigValue = cms.signature;
  const sigId = uniqueId(usedIds, sigValue ? `S-${hex(await sha256(sigValue))}` : `S-UNREADABLE-${f.index + 1}`);
  const identifier = el(
    'vr:SignatureIdentifier',
    { id: sigId },
    sigValue ? digestAlgAndValue('vr:DigestAlgAndValue', digestUri('SHA-256'), await sha256(sigValue)) : null,
    sigValue ? tx('ds:SignatureValue', base64(sigValue)) : null,
    tx('vr:HashOnly', false),
    tx('vr:DocHashOnly', false),
    f.fieldName !== null ? tx('vr:DAIdentifier', f.fieldName) : null,
  );

  // Timestamps: the signature's own tokens (in the order the CMS holds them), then document timestamps after it.
  const ownTokens = cms.signerInfo && f.kind !== 'doc-timestamp' ? signatureTimestampTokens(cms.signerInfo) : [];
  const ownFacts = f.timestamps.filter((t) => t.kind === 'signature-timestamp');
  const timestampIds: { facts: TimestampFacts; id: string | null }[] = [];
  for (const [k, t] of ownFacts.entries())
    timestampIds.push({ facts: t, id: ownTokens[k] ? await objects.timestamp(ownTokens[k], t) : null });
  for (const t of f.timestamps.filter((x) => x.kind === 'document-timestamp')) {
    timestampIds.push({
      facts: t,
      id: t.signatureIndex !== undefined ? (docTimestampIds.get(t.signatureIndex) ?? null) : null,
    });
  }

  // ValidationTimeInfo: the best signature time and, when a timestamp proves it, that timestamp as POE object.
  const best = f.bestSignatureTime;
  const proof =
    best.source === 'validation-time'
      ? null
      : timestampIds.find(
          (t) => t.facts.kind === best.source && t.facts.time === best.time && t.facts.intact && t.facts.trusted,
        );
  const timeInfo = el(
    'vr:ValidationTimeInfo',
    null,
    tx('vr:ValidationTime', validationTime),
    el(
      'vr:BestSignatureTime',
      null,
      tx('vr:POETime', best.time),
      tx('vr:TypeOfProof', POE_VALIDATION),
      proof?.id ? ref('vr:POEObject', proof.id) : null,
    ),
  );

  // SignersDocument: the bytes the ByteRange covers, by their digest.
  let signersDocument: string | null = null;
  const docDigest = f.integrity.computedDigest;
  if (docDigest && f.integrity.digestAlgorithm) {
    const uri = digestUri(f.integrity.digestAlgorithm, cms.digestAlgorithmOid);
    const id = objects.signedData(uniqueId(usedIds, `D-${hex(docDigest.subarray(0, 32))}`), uri, docDigest);
    signersDocument = el(
      'vr:SignersDocument',
      null,
      digestAlgAndValue('vr:DigestAlgAndValue', uri, docDigest),
      ref('vr:SignersDocumentRepresentation', id),
    );
  }

  const signerId = cms.signerCertificate ? await objects.certificateOf(cms.signerCertificate) : null;

  // SignatureAttributes, in the schema's order.
  const attrs: string[] = [];
  if (f.kind !== 'doc-timestamp' && f.claimedSigningTime)
    attrs.push(el('vr:SigningTime', { Signed: true }, tx('vr:Time', f.claimedSigningTime)));
  if (cms.signingCertificate?.length) {
    attrs.push(
      el(
        'vr:SigningCertificate',
        { Signed: true },
        signerId ? ref('vr:AttributeObject', signerId) : null,
        ...cms.signingCertificate.map((c) =>
          el(
            'vr:CertID',
            null,
            el('ds:DigestMethod', { Algorithm: digestUri(undefined, c.hashAlgorithm) }),
            tx('ds:DigestValue', base64(c.hash)),
          ),
        ),
      ),
    );
  }
  if (f.kind !== 'doc-timestamp' && cms.contentTypeAttribute) {
    attrs.push(
      el(
        'vr:DataObjectFormat',
        { Signed: true },
        tx('vr:ContentType', `urn:oid:${cms.contentTypeAttribute}`),
        tx('vr:MimeType', 'application/pdf'),
      ),
    );
  }
  if (f.location) attrs.push(el('vr:SignatureProductionPlace', { Signed: true }, tx('vr:AddressString', f.location)));
  for (const t of timestampIds.filter((x) => x.facts.kind === 'signature-timestamp')) {
    attrs.push(
      el(
        'vr:SignatureTimeStamp',
        { Signed: false },
        t.id ? ref('vr:AttributeObject', t.id) : null,
        tx('vr:TimeStampValue', t.facts.time),
      ),
    );
  }
  if (cms.messageDigest)
    attrs.push(el('vr:MessageDigest', { Signed: true }, tx('vr:Digest', base64(cms.messageDigest))));
  if (f.kind === 'doc-timestamp' && f.claimedSigningTime) {
    const own = docTimestampIds.get(f.index);
    attrs.push(
      el(
        'vr:DocTimeStamp',
        { Signed: false },
        own ? ref('vr:AttributeObject', own) : null,
        tx('vr:TimeStampValue', f.claimedSigningTime),
      ),
    );
  }
  if (f.reason) attrs.push(el('vr:Reason', { Signed: true }, tx('vr:ReasonElement', f.reason)));
  if (found?.name) attrs.push(el('vr:Name', { Signed: true }, tx('vr:NameElement', found.name)));
  if (found?.contactInfo)
    attrs.push(el('vr:ContactInfo', { Signed: true }, tx('vr:ContactInfoElement', found.contactInfo)));
  if (f.subFilter) attrs.push(el('vr:SubFilter', { Signed: true }, tx('vr:SubFilterElement', f.subFilter)));
  const ranges = f.integrity.byteRange.ranges;
  if (ranges) attrs.push(tx('vr:ByteRange', ranges.flat().join(' ')));
  if (f.filter) attrs.push(el('vr:Filter', { Signed: true }, tx('vr:Filter', f.filter)));

  const signerInformation = signerId
    ? el(
        'vr:SignerInformation',
        null,
        ref('vr:SignerCertificate', signerId),
        f.signer ? tx('vr:Signer', name(f.signer)) : null,
      )
    : null;
  const quality =
    f.kind === 'doc-timestamp'
      ? null
      : el('vr:SignatureQuality', null, tx('vr:SignatureQualityInformation', qualityFor(f, v)));
  const process = el('vr:SignatureValidationProcess', null, tx('vr:SignatureValidationProcessID', processFor(f)));

  // SignatureValidationStatus with its associated report data.
  const associated: string[] = [];
  // 1. The certificate chain (signer … anchor as far as it was built).
  if (signerId) {
    const path = f.chain.path;
    const pathIds: (string | null)[] = [];
    for (const s of path) pathIds.push(await objects.certificateBySummary(s));
    const anchorId = f.chain.found && path.length > 0 ? pathIds[path.length - 1] : null;
    const intermediates = (f.chain.found ? pathIds.slice(1, -1) : pathIds.slice(1)).filter(
      (x): x is string => x !== null,
    );
    associated.push(
      el(
        'vr:AssociatedValidationReportData',
        null,
        anchorId ? ref('vr:TrustAnchor', anchorId) : null,
        el(
          'vr:CertificateChain',
          null,
          ref('vr:SigningCertificate', signerId),
          ...intermediates.map((i) => ref('vr:IntermediateCertificate', i)),
          anchorId ? ref('vr:TrustAnchor', anchorId) : null,
        ),
      ),
    );
    // 2. Revocation, per certificate of the path that needed a status.
    for (const [k, r] of f.revocation.certificates.entries()) {
      const certId = pathIds[k] ?? (k === 0 ? signerId : null);
      const evidenceId = await matchRevocation(objects, evidence, path[k], r.source, r.producedAt);
      associated.push(
        el(
          'vr:AssociatedValidationReportData',
          null,
          certId ? ref('vr:RelatedValidationObject', certId) : null,
          evidenceId ? ref('vr:RelatedValidationObject', evidenceId) : null,
          r.status === 'REVOKED' && r.revokedAt && certId
            ? el(
                'vr:RevocationStatusInformation',
                null,
                ref('vr:ValidationObjectId', certId),
                tx('vr:RevocationTime', r.revokedAt),
                r.reason ? tx('vr:RevocationReason', r.reason) : null,
                evidenceId ? ref('vr:RevocationObject', evidenceId) : null,
              )
            : null,
          additional([
            reportData(
              'urn:kyso:validation:revocation',
              el(
                'kyso:Revocation',
                {
                  certificate: certId ?? undefined,
                  subject: r.certificate,
                  status: r.status,
                  source: r.source,
                  producedAt: r.producedAt,
                  revokedAt: r.revokedAt,
                  reason: r.reason,
                },
                ...r.problems.map((p) => tx('kyso:Problem', p)),
              ),
            ),
          ]),
        ),
      );
    }
  }
  // 3. Algorithms: the signature's, and every certificate use the policy rejected.
  const signatureRejected = f.crypto.rejected.filter((u) => u.subject === 'signature');
  if (f.integrity.signatureAlgorithm || cms.signatureAlgorithmOid) {
    associated.push(
      el(
        'vr:AssociatedValidationReportData',
        null,
        el(
          'vr:CryptoInformation',
          null,
          ref('vr:ValidationObjectId', sigId),
          tx('vr:Algorithm', signatureAlgorithmUri(f.integrity.signatureAlgorithm, cms.signatureAlgorithmOid)),
          tx('vr:SecureAlgorithm', signatureRejected.length === 0 && f.integrity.signatureValid !== null),
        ),
      ),
    );
  }
  for (const u of f.crypto.rejected.filter((x) => x.subject === 'certificate')) {
    const certId = u.index !== undefined ? await objects.certificateBySummary(f.chain.path[u.index]) : null;
    associated.push(
      el(
        'vr:AssociatedValidationReportData',
        null,
        el(
          'vr:CryptoInformation',
          null,
          ref('vr:ValidationObjectId', certId ?? sigId),
          tx('vr:Algorithm', `urn:oid:${u.oid}`),
          tx('vr:SecureAlgorithm', false),
        ),
        additional([
          reportData(
            'urn:kyso:validation:crypto',
            el('kyso:AlgorithmUse', { kind: u.kind, algorithm: u.algorithm, outcome: u.outcome, rule: u.rule }),
          ),
        ]),
      ),
    );
  }
  // 4. Why: the verdict's reasons and warnings (Vietnamese and English), and the PDF facts kyso's report carries.
  associated.push(
    el(
      'vr:AssociatedValidationReportData',
      null,
      additional([
        ...v.reasons.map((r) => reportData('urn:kyso:validation:reason', findingXml(r))),
        ...v.warnings.map((w) => reportData('urn:kyso:validation:warning', findingXml(w))),
        ...v.notes.map((n) => reportData('urn:kyso:validation:note', findingXml(n))),
        certificateValidityXml(f),
        reportData(
          'urn:kyso:validation:pdf-signature',
          el('kyso:PdfSignature', {
            kind: f.kind,
            revision: f.signedRevision,
            intact: f.integrity.intact,
            coverage: f.integrity.byteRange.coverage,
            modifications: f.modifications.verdict,
            level: f.level ?? undefined,
            docMdp: f.kind === 'certification' ? f.transforms.docMdp : undefined,
            hiddenByRevision: f.hidden?.revision,
          }),
        ),
      ]),
    ),
  );

  const status = el(
    'vr:SignatureValidationStatus',
    null,
    tx('vr:MainIndication', MAIN[v.indication]),
    v.subIndication ? tx('vr:SubIndication', subIndicationUri(v.subIndication)) : null,
    ...associated,
  );

  return el(
    'vr:SignatureValidationReport',
    null,
    identifier,
    timeInfo,
    signersDocument,
    attrs.length ? el('vr:SignatureAttributes', null, ...attrs) : null,
    signerInformation,
    quality,
    process,
    status,
  );
}

/**
 * The signer path's validity at the claimed signing time (/M or the signingTime attribute, not proven) and at the
 * best signature time (what the verdict judges), as two separate facts.
 */
function certificateValidityXml(f: SignatureFacts): string {
  const claimed = validityAt(f, f.claimedSigningTime);
  const best = validityAt(f, f.bestSignatureTime.time);
  const at = (basis: string, v: ValidityAt, source?: string): string =>
    el('kyso:ValidityAt', { basis, time: v.time, source, status: v.status, certificate: v.certificate });
  return reportData(
    'urn:kyso:validation:certificate-validity',
    el(
      'kyso:CertificateValidity',
      null,
      claimed ? at('claimed-signing-time', claimed) : null,
      best ? at('best-signature-time', best, f.bestSignatureTime.source) : null,
    ),
  );
}

/** The embedded OCSP response or CRL that decided a certificate's status (by producedAt / thisUpdate), when known. */
async function matchRevocation(
  objects: Objects,
  evidence: EvidencePool | undefined,
  cert: CertificateSummary | undefined,
  source: string | undefined,
  producedAt: string | undefined,
): Promise<string | null> {
  if (!evidence || !cert || !source || !producedAt || source.startsWith('ONLINE')) return null;
  if (source.endsWith('OCSP')) {
    const hit = evidence.ocspResponses.find(
      (o) =>
        o.facts?.producedAt?.toISOString() === producedAt &&
        o.facts.responses.some((r) => r.serialNumber.replace(/^0+/, '') === cert.serialNumber.replace(/^0+/, '')),
    );
    return hit ? objects.revocation('ocsp', hit.der) : null;
  }
  if (source.endsWith('CRL')) {
    const c = objects.find(cert);
    if (!c) return null;
    const issuer = new Uint8Array(c.issuer.toSchema().toBER(false));
    const hit = evidence.crls.find(
      (x) => x.facts?.thisUpdate.toISOString() === producedAt && sameBytes(x.facts.issuer, issuer),
    );
    return hit ? objects.revocation('crl', hit.der) : null;
  }
  return null;
}

/**
 * Validates a PDF (as validatePdfDetailed) and returns the result with its ETSI TS 119 102-2 XML report.
 */
export async function validatePdfEtsiXml(
  pdf: Uint8Array | ByteSource,
  options: ValidateOptions = {},
): Promise<ValidationResult & { xml: string }> {
  const result = await validatePdfDetailed(pdf, options);
  const trust = resolveTrust(options); // the profile's certificates too, so chains can refer to them
  const xml = await etsiValidationReportXml(pdf, result, {
    trustAnchors: trust.anchors,
    intermediates: trust.intermediates,
  });
  return { ...result, xml };
}
