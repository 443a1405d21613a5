/**
 * The evidence pool: every certificate, OCSP response and CRL a document carries — in its DSS (as of each
 * revision), its VRI entries, and inside each signature's CMS and timestamp tokens — deduplicated by their bytes,
 * each with every place it was found and the first revision it appeared in. The validator needs that revision:
 * revocation data added after a signature's time is only evidence if something proves it existed in time.
 */
import type * as pkijs from 'pkijs';
import { toCertificate } from '../revocation/certificates.js';
import type { PdfDocument } from '@kyso/pdf';
import { parseCrl, type CrlFacts } from '../revocation/crl.js';
import { parseOcspResponse, type OcspResponseFacts } from '../revocation/ocsp-response.js';
import { bytesEqual, bytesKey, toHex } from '../revocation/bytes.js';
import { findSignatures, type FoundSignature } from '../signature/find-signatures.js';
import { digest } from '../signature/range-digest.js';
import { cmsEvidence, type EvidenceKind, type EvidenceSource, type TimestampRole } from './cms-evidence.js';
import { readDss, type VriFacts } from './dss.js';
import type { EvidenceProblem } from './messages.js';

export interface EvidenceOrigin {
  source: EvidenceSource;
  /** The revision in which the item appeared at this place. */
  revision: number;
  /** The signature or document timestamp (field name; null when unnamed) whose CMS, token or VRI entry held it. */
  signatureField?: string | null;
  /** For 'vri' (and a VRI /TS token): the VRI key. */
  vriKey?: string;
  /** For 'timestamp-token': which timestamp. */
  timestamp?: TimestampRole;
}

interface PooledItem {
  /** The exact bytes (an OCSP BasicOCSPResponse from CAdES values is wrapped into an OCSPResponse). */
  der: Uint8Array;
  /** The earliest revision among the origins. */
  firstRevision: number;
  origins: EvidenceOrigin[];
}

export interface PooledCertificate extends PooledItem {
  certificate: pkijs.Certificate | null;
}
export interface PooledOcspResponse extends PooledItem {
  facts: OcspResponseFacts | null;
}
export interface PooledCrl extends PooledItem {
  facts: CrlFacts | null;
}

export interface PooledVri extends VriFacts {
  /** The first revision whose DSS has this key. */
  revision: number;
  /** The signature whose /Contents hashes to this key, when one does. */
  signatureField?: string | null;
}

export interface EvidencePool {
  certificates: PooledCertificate[];
  ocspResponses: PooledOcspResponse[];
  crls: PooledCrl[];
  /** The VRI entries as of the newest revision read. */
  vri: PooledVri[];
  /** The revisions whose DSS was read (those up to `upToRevision`). */
  revisionsRead: number;
  problems: { code: EvidenceProblem; revision: number; signatureField?: string | null }[];
}

export interface CollectEvidenceOptions {
  /** The signatures whose CMS to read (default: findSignatures(doc)). */
  signatures?: FoundSignature[];
  /** Read the document as of this revision (default: the newest): later DSS updates and signatures are left out. */
  upToRevision?: number;
}

/** Items looked at in all, across revisions: a hostile file cannot make gathering unbounded. */
const MAX_ITEMS_VISITED = 200_000;

/** The bytes' length and bytesKey: the pool's first-level key (equal bytes are then compared). */
function fingerprint(b: Uint8Array): string {
  return `${b.length}:${bytesKey(b)}`;
}

class Pool {
  readonly result: EvidencePool = {
    certificates: [],
    ocspResponses: [],
    crls: [],
    vri: [],
    revisionsRead: 0,
    problems: [],
  };
  private readonly index = new Map<string, PooledItem[]>();
  visited = 0;

  problem(code: EvidenceProblem, revision: number, signatureField?: string | null): void {
    // A DSS problem stays while the DSS is unchanged: reported once, at the revision it first shows.
    if (this.result.problems.some((p) => p.code === code && p.signatureField === signatureField)) return;
    this.result.problems.push(signatureField === undefined ? { code, revision } : { code, revision, signatureField });
  }

  add(kind: EvidenceKind, der: Uint8Array, origin: EvidenceOrigin): boolean {
    if (++this.visited > MAX_ITEMS_VISITED) return false;
    const key = `${kind}/${fingerprint(der)}`;
    const bucket = this.index.get(key) ?? [];
    let item = bucket.find((i) => bytesEqual(i.der, der));
    if (!item) {
      item = this.create(kind, der, origin);
      bucket.push(item);
      this.index.set(key, bucket);
    }
    const same = item.origins.find(
      (o) =>
        o.source === origin.source &&
        o.signatureField === origin.signatureField &&
        o.vriKey === origin.vriKey &&
        o.timestamp === origin.timestamp,
    );
    if (!same) item.origins.push(origin);
    else same.revision = Math.min(same.revision, origin.revision);
    item.firstRevision = Math.min(item.firstRevision, origin.revision);
    return true;
  }

  private create(kind: EvidenceKind, der: Uint8Array, origin: EvidenceOrigin): PooledItem {
    const base = { der, firstRevision: origin.revision, origins: [] as EvidenceOrigin[] };
    const fail = (code: EvidenceProblem) => this.problem(code, origin.revision, origin.signatureField);
    if (kind === 'certificate') {
      let certificate: pkijs.Certificate | null = null;
      try {
        certificate = toCertificate(der);
      } catch {
        fail('CERTIFICATE_UNREADABLE');
      }
      const item: PooledCertificate = { ...base, certificate };
      this.result.certificates.push(item);
      return item;
    }
    if (kind === 'ocsp') {
      let facts: OcspResponseFacts | null = null;
      try {
        facts = parseOcspResponse(der);
      } catch {
        fail('OCSP_UNREADABLE');
      }
      const item: PooledOcspResponse = { ...base, facts };
      this.result.ocspResponses.push(item);
      return item;
    }
    let facts: CrlFacts | null = null;
    try {
      facts = parseCrl(der);
    } catch {
      fail('CRL_UNREADABLE');
    }
    const item: PooledCrl = { ...base, facts };
    this.result.crls.push(item);
    return item;
  }
}

/**
 * The VRI keys a signature's /Contents may be filed under: the uppercase hex SHA-1 of the whole /Contents string
 * (what PAdES writers use, padding included) and of the DER alone (what some writers use).
 */
export async function vriKeys(contents: Uint8Array | null): Promise<string[]> {
  if (!contents || contents.length === 0) return [];
  // the runtime's own hash where there is one (range-digest.ts): WebCrypto's digest is a thread-pool round trip each
  const sha1 = async (b: Uint8Array) => toHex(await digest('SHA-1', b));
  const keys = [await sha1(contents)];
  const derLength = derLengthOf(contents);
  if (derLength && derLength < contents.length) keys.push(await sha1(contents.subarray(0, derLength)));
  return [...new Set(keys)];
}

function derLengthOf(b: Uint8Array): number | undefined {
  const first = b[1];
  if (b[0] !== 0x30 || first === undefined) return undefined;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return undefined;
  let len = 0;
  for (const x of b.subarray(2, 2 + n)) len = len * 256 + x;
  return 2 + n + len;
}

/** Gathers the evidence pool of a document. Never throws for hostile data. */
export async function collectEvidence(doc: PdfDocument, options: CollectEvidenceOptions = {}): Promise<EvidencePool> {
  const pool = new Pool();
  const last = Math.min(options.upToRevision ?? doc.revisions.length - 1, doc.revisions.length - 1);
  let signatures: FoundSignature[] = [];
  try {
    signatures = (options.signatures ?? findSignatures(doc)).filter((s) => s.revision <= last);
  } catch {
    signatures = [];
  }

  // Which signature each VRI key belongs to.
  const keyOwner = new Map<string, string | null>();
  for (const s of signatures) for (const k of await vriKeys(s.contents)) keyOwner.set(k, s.fieldName);

  // 1. The DSS of every revision, so each item gets the revision it first appeared in.
  const vri = new Map<string, PooledVri>();
  for (let r = 0; r <= last; r++) {
    const dss = readDss(doc, r);
    pool.result.revisionsRead = r + 1;
    for (const code of dss.problems) pool.problem(code, r);
    if (!dss.present) continue;
    let ok = true;
    const add = (kind: EvidenceKind, list: Uint8Array[], origin: EvidenceOrigin) => {
      for (const der of list) if (ok && !pool.add(kind, der, origin)) ok = false;
    };
    add('certificate', dss.certs, { source: 'dss', revision: r });
    add('ocsp', dss.ocsps, { source: 'dss', revision: r });
    add('crl', dss.crls, { source: 'dss', revision: r });
    for (const v of dss.vri) {
      const owner = keyOwner.get(v.key);
      const origin: EvidenceOrigin =
        owner === undefined
          ? { source: 'vri', revision: r, vriKey: v.key }
          : { source: 'vri', revision: r, vriKey: v.key, signatureField: owner };
      add('certificate', v.certs, origin);
      add('ocsp', v.ocsps, origin);
      add('crl', v.crls, origin);
      if (v.ts) {
        for (const item of cmsEvidence(v.ts, 'vri-timestamp').items) {
          if (ok)
            ok = pool.add(item.kind, item.der, {
              source: 'timestamp-token',
              revision: r,
              vriKey: v.key,
              timestamp: 'vri-timestamp',
            });
        }
      }
      const seen = vri.get(v.key);
      vri.set(v.key, {
        ...v,
        revision: seen?.revision ?? r,
        ...(owner === undefined ? {} : { signatureField: owner }),
      });
    }
    if (r === last) pool.result.vri = [...vri.values()].filter((v) => dss.vri.some((d) => d.key === v.key));
    if (!ok) {
      pool.problem('EVIDENCE_LIMIT', r);
      break;
    }
  }

  // 2. Inside each signature's CMS and timestamp tokens, in the revision the signature was made.
  for (const s of signatures) {
    const found = cmsEvidence(s.contents, s.kind === 'doc-timestamp' ? 'document-timestamp' : undefined);
    for (const code of found.problems) pool.problem(code, s.revision, s.fieldName);
    for (const item of found.items) {
      const origin: EvidenceOrigin = { source: item.source, revision: s.revision, signatureField: s.fieldName };
      if (item.timestamp) origin.timestamp = item.timestamp;
      if (!pool.add(item.kind, item.der, origin)) {
        pool.problem('EVIDENCE_LIMIT', s.revision, s.fieldName);
        break;
      }
    }
  }
  return pool.result;
}
