/**
 * Gathers the facts of every signature of a document (no verdicts): integrity, coverage, the permissions in force,
 * what later revisions changed, the signer's path to a trust anchor, timestamps and the best signature time,
 * revocation, algorithms and the PAdES level.
 */
import type * as pkijs from 'pkijs';
import type { ByteSource, PdfDocument } from '@kyso/pdf';
import { evaluateCryptoPolicy } from '../crypto-policy/index.js';
import { analyseModifications } from '../modifications/index.js';
import {
  describeHidden,
  startIntegrity,
  unreachedSignatures,
  withHidingChanges,
  xrefFragments,
  type FoundSignature,
  type IntegrityFacts,
  type StartedIntegrity,
} from '../signature/index.js';
import { summariseCertificate } from './certificate-summary.js';
import { chainOf, type TrustContext } from './chain.js';
import type { DocumentFacts, PadesLevel, SignatureFacts, TimestampFacts } from './facts.js';
import { pdfDateToIso } from './pdf-date.js';
import { revocationOf } from './revocation-facts.js';
import { chainValidUntil, documentTimestampTime, settleProof, signatureTimestamps } from './times.js';
import { allFieldNames, lockedFieldNames, signatureTransforms, type SignatureTransforms } from './transforms.js';

interface Base {
  found: FoundSignature;
  /** ByteRange and CMS facts; the rest (hashing, the signature check) comes from `integrity`. */
  started: StartedIntegrity;
  integrity: Promise<IntegrityFacts>;
  transforms: SignatureTransforms;
  signedRevision: number;
}

/**
 * Every signature's ByteRange and CMS facts, and its hashing and signature check set going (StartedIntegrity):
 * one signature at a time, last first as they are judged. A validation starts them before anything else, so the
 * covered bytes are hashed while the evidence is read, the paths are built and the revocation requests are on the
 * wire — beside that work when the source hashes in a thread of its own, else between its pieces (the hash gives
 * the event loop a turn). `done` settles when nothing reads the source any more; it never rejects.
 */
export interface StartedSignatures {
  found: FoundSignature[];
  starts: StartedIntegrity[];
  integrity: Promise<IntegrityFacts>[];
  done: Promise<unknown>;
}

export function startSignatures(
  bytes: Uint8Array | ByteSource,
  doc: PdfDocument,
  found: FoundSignature[],
): StartedSignatures {
  const starts = found.map((s) => startIntegrity(bytes, s, { doc }));
  const integrity: Promise<IntegrityFacts>[] = new Array(found.length);
  let previous: Promise<unknown> = Promise.resolve();
  for (let i = found.length - 1; i >= 0; i--) {
    const finish = starts[i]!.finish; // 0 <= i < found.length
    previous = integrity[i] = previous.then(finish, finish); // finish never rejects; the chain must not stop anyway
  }
  return { found, starts, integrity, done: previous };
}

/**
 * The facts of the document's signatures, started by `startSignatures`. The caller owns `started`: it awaits
 * `started.done` on every way out, so nothing reads the source once it returns.
 */
export async function gatherFacts(
  doc: PdfDocument,
  ctx: TrustContext,
  started: StartedSignatures,
): Promise<DocumentFacts> {
  const { found, starts, integrity } = started;
  const bases: Base[] = found.map((s, i) => ({
    found: s,
    started: starts[i]!, // parallel arrays
    integrity: integrity[i]!,
    transforms: signatureTransforms(doc, s),
    signedRevision: starts[i]!.byteRange.coveredRevision ?? s.revision,
  }));
  return signatureFacts(doc, ctx, found, bases);
}

/** The facts of each signature, last to first, each awaiting its own integrity facts where they are first needed. */
async function signatureFacts(
  doc: PdfDocument,
  ctx: TrustContext,
  found: FoundSignature[],
  bases: Base[],
): Promise<DocumentFacts> {
  const validationTime = ctx.at;

  // Permissions in force: DocMDP of the certification signature; field locks of signatures applied so far.
  const certifying = bases.find((b) => b.found.kind === 'certification');
  const fragments = xrefFragments(doc);
  const fields = allFieldNames(doc);

  // Document timestamps first: their times are proof of existence for the signatures they cover.
  const docTimestamps: { base: Base; facts: TimestampFacts }[] = [];
  const all: SignatureFacts[] = new Array(bases.length);
  // Last to first, so every document timestamp applied after a signature is known when that signature is judged.
  for (let index = bases.length - 1; index >= 0; index--) {
    const b = bases[index]!; // 0 <= index < bases.length
    const locks = bases.filter((o) => o.signedRevision <= b.signedRevision).map((o) => o.transforms.fieldLock);
    const analysis = analyseModifications(doc, Math.max(b.signedRevision, 0), {
      docMdp: certifying && certifying.signedRevision <= b.signedRevision ? certifying.transforms.docMdp : undefined,
      lockedFields: lockedFieldNames(locks, fields),
    });
    // A signature a later update hid is a disallowed change for every signature made before that update.
    const modifications = withHidingChanges(analysis, b.signedRevision, found, b.found);
    const cms = b.started.cms;
    const signerCert = cms.signerCertificate;
    const pool = [...cms.certificates, ...ctx.documentCertificates];

    // Times: the signature's own timestamps, then document timestamps applied after it.
    const own = b.found.kind === 'doc-timestamp' ? [] : await signatureTimestamps(cms, ctx);
    const later = docTimestamps.filter((d) => d.base.signedRevision > b.signedRevision).map((d) => d.facts);
    for (const t of own) settleProof(t, validationTime, later);
    const timestamps = [...own, ...later];
    const proofs = timestamps.filter((t) => t.provesExistence).sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
    const bestSignatureTime = proofs[0]
      ? { time: proofs[0].time, source: proofs[0].kind }
      : { time: validationTime.toISOString(), source: 'validation-time' as const };
    const best = new Date(bestSignatureTime.time);

    const claimedTime =
      b.found.kind === 'doc-timestamp'
        ? documentTimestampTime(cms)
        : (pdfDateToIso(b.found.signingTime) ?? cms.signingTimeAttribute?.toISOString() ?? null);
    // Validity is asked at the best signature time (the verdict's), the validation time and the claimed time (a
    // fact for the report: a file signed inside its certificate's period says so even when nothing proves it).
    const claimedIso =
      claimedTime && Number.isFinite(Date.parse(claimedTime)) ? new Date(claimedTime).toISOString() : null;
    const times = [
      ...new Set([bestSignatureTime.time, validationTime.toISOString(), ...(claimedIso ? [claimedIso] : [])]),
    ].map((t) => new Date(t));
    const chain = signerCert
      ? await chainOf(signerCert, pool, ctx, times, b.found.kind === 'doc-timestamp' ? 'timestamping' : 'signing')
      : {
          facts: { found: false, path: [], problems: [], validity: [] },
          certs: [] as pkijs.Certificate[],
          anchor: undefined,
        };
    const revocation = chain.facts.found
      ? await revocationOf(chain.certs, best, b.signedRevision, ctx)
      : { certificates: [] };
    // the hash of this signature's bytes, done meanwhile (or finished now)
    const integrity = await b.integrity;
    const crypto = evaluateCryptoPolicy(
      {
        signature: { ...cms, documentDigest: integrity.digestAlgorithm },
        chain: chain.certs.length ? chain.certs : signerCert ? [signerCert] : [],
        anchor: chain.anchor,
        at: best,
      },
      ctx.cryptoPolicy,
    );

    const facts: SignatureFacts = {
      index,
      fieldName: b.found.fieldName,
      kind: b.found.kind,
      filter: b.found.filter,
      subFilter: b.found.subFilter,
      signedRevision: b.signedRevision,
      signatureObject: b.found.ref ? `${b.found.ref.key} R` : null,
      claimedSigningTime: claimedTime,
      reason: b.found.reason,
      location: b.found.location,
      integrity,
      transforms: b.transforms,
      modifications,
      signer: signerCert ? summariseCertificate(signerCert) : null,
      chain: chain.facts,
      timestamps,
      bestSignatureTime,
      revocation,
      crypto,
      level: null,
      hidden: b.found.hidden,
      hiddenDetail: b.found.hidden ? describeHidden(b.found) : null,
      xrefFragments: fragments.filter((x) => x.revision > b.signedRevision),
    };
    all[index] = facts;
    if (b.found.kind === 'doc-timestamp') {
      const time = claimedTime;
      if (time) {
        const validAtTime = chain.facts.validity.find((v) => v.at === new Date(time).toISOString())?.status === 'VALID';
        const ts: TimestampFacts = {
          kind: 'document-timestamp',
          time,
          intact: integrity.intact,
          trusted: chain.facts.found && chain.facts.problems.length === 0 && validAtTime,
          tsa: facts.signer,
          validUntil: chain.facts.found ? chainValidUntil(chain.certs) : null,
          provesExistence: false,
          problems: [...integrity.problems],
          signatureIndex: index,
        };
        settleProof(ts, validationTime, later);
        docTimestamps.unshift({ base: b, facts: ts }); // walked last to first: kept in the order they were applied
      }
    }
  }
  for (const f of all) f.level = padesLevel(f, all, ctx);
  return {
    validationTime: validationTime.toISOString(),
    revisions: doc.revisions.length,
    recovered: doc.recovered,
    signatures: all,
    unreachedSignatures: all.length === 0 ? unreachedSignatures(doc) : [],
  };
}

/** PAdES baseline level by what the file holds: CAdES-detached (B-B), a timestamp (B-T), validation data after
 * the signature (B-LT), and a document timestamp over that data (B-LTA). */
function padesLevel(f: SignatureFacts, all: SignatureFacts[], ctx: TrustContext): PadesLevel | null {
  if (f.kind === 'doc-timestamp' || f.subFilter !== 'ETSI.CAdES.detached') return null;
  const hasTimestamp = f.timestamps.some((t) => t.intact);
  if (!hasTimestamp) return 'B-B';
  const dssRevision = ctx.validationDataRevision(f);
  if (dssRevision === null) return 'B-T';
  const archived = all.some((o) => o.kind === 'doc-timestamp' && o.integrity.intact && o.signedRevision >= dssRevision);
  return archived ? 'B-LTA' : 'B-LT';
}
