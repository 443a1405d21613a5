/**
 * Certifying an electronic copy from a paper original (Decree 45/2020 Art. 10; DOMAIN.md §5.2), end to end:
 *
 * 1. `planElectronicCopy`: check everything that can be checked before a number is taken: the scan (a dry
 *    assembly of the document counts its pages and proves the mark and statement fit), the authority in the
 *    register, both signers' certificates; compute the fee (paper copies issued in parallel make the e-copy free).
 * 2. `register.reserve`: the number is allocated and the entry written as `pending`, in one transaction.
 * 3. `issueElectronicCopy`: build the PDF with that number (mark, statement, the certifier's and the authority's
 *    signatures), then `register.complete` records its SHA-256 (and, by default, the file) and marks it `issued`.
 *
 * A retry with the same idempotency key resumes: a pending request is built again under the same number; an
 * issued one gives back the stored file (`replayed: true`); nothing is allocated or charged twice. A failure after
 * step 2 leaves the request pending (its error's `details.certification` names it) for a retry or `voidPending`.
 */
import { createHash } from 'node:crypto';
import { assembleElectronicCopy, buildElectronicCopy } from '../ecopy/index.js';
import type {
  AuthorityParty,
  CertifierParty,
  ImagePageSize,
  MarkPlacement,
  ScanSource,
  StatementPlacement,
} from '../ecopy/index.js';
import type { Extension } from '../deadlines/due-time.js';
import { computeCopyFee, type FeeQuote } from '../fees/compute-fee.js';
import type { FeePolicy } from '../fees/fee-policy.js';
import { volumeLabel } from '../register/certification-number.js';
import { RegisterError } from '../register/errors.js';
import { vietnamYear } from '../register/vietnam-calendar.js';
import type {
  Authority,
  CertificationRegister,
  CertificationRequestRecord,
  Certifier,
  DeliveryChannel,
  PaymentChannel,
  RegisterEntry,
  Requester,
  Reservation,
  ReserveInput,
} from '../register/types.js';
import { checkSignerCertificate, type CertificateCheckPolicy } from '../signing/certificate-check.js';
import type { TimestampProvider } from '../signing/finish.js';
import type { Level } from '../signing/options.js';
import type { LtvSigningOptions } from '../ltv/new-signature.js';
import { withCertifierTitle } from './certifier-title.js';
import { CertificationError } from './errors.js';
import type { OnSigningWarning } from '../signing/warnings.js';
import { elementAt } from '../collections/element-at.js';

/** The part of the register the certification uses (a register reached from another thread need offer no more). */
export type CertifyRegister = Pick<
  CertificationRegister,
  'getAuthority' | 'findRequestByKey' | 'reserve' | 'complete' | 'getRequest' | 'getECopy'
>;

export interface CertifyElectronicCopyInput {
  register: CertifyRegister;
  /** Identifies the request across retries (e.g. the dossier code of the one-stop-shop system). */
  idempotencyKey: string;
  /** The certifying authority's id in the register; its registered name goes on the mark and the statement. */
  authority: string;
  /** The book type to number in; default: the register's rule (the paper book, or the e-book for an e-copy alone). */
  book?: string;
  /** Who certifies, with the legal basis of their competence; `title` is shown above the signature. */
  certifier: Certifier;
  requester: Requester;
  /** The original's name / type as written in the book. */
  documentName: string;
  /** The scanned paper original: a PDF, or one JPEG/PNG image per page. */
  scan: ScanSource;
  /** Paper copies issued in parallel from the same original (default 0). They share the entry and the fee. */
  /**
   * The original is a card (CCCD, driving licence…): one original of one page for the fee whatever its scanned
   * sides (Circular 226 counts the original's pages; a card is one sheet); an image side without a known
   * resolution is shown at the ID-1 size (AssembleInput.originalIsCard). Default false.
   */
  originalIsCard?: boolean;
  paperCopies?: number;
  /** The certifier's personal key and the authority's seal key. */
  signers: { certifier: CertifierParty; authority: AuthorityParty };
  /** An RFC 3161 timestamper: with it the default level is B-LTA. */
  tsa?: TimestampProvider;
  /**
   * Default `auto`: B-LTA with a timestamper, else B-B with a DSS (both signers' chains and OCSP/CRL), each one
   * step lower with a warning when revocation data cannot be had. The register keeps the evidence with the entry.
   */
  level?: Level | 'auto';
  /** How the long-term validation data is gathered (policy, extra certificates, fetch). */
  ltv?: LtvSigningOptions;
  /** The pre-signing certificate check (default: revocation if available). */
  certificateCheck?: CertificateCheckPolicy | false;
  delivery?: { channel: DeliveryChannel; address?: string };
  feeReceiptNo?: string;
  /** How the fee was paid (CASH or ONLINE), for the monthly figures. */
  paymentChannel?: PaymentChannel;
  /** When the complete request was received (default: now); the due time runs from it (Decree 23/2015 Art. 7). */
  receivedAt?: Date | string;
  /** An extension agreed at receipt (Art. 21), with its reason. */
  extension?: Extension;
  feePolicy?: Partial<FeePolicy>;
  /** The conversion mark's converter (default: the certifier's name). */
  convertedBy?: string;
  /** A verification reference carried by the QR code, from the entry (e.g. a portal URL with the number). */
  verificationRef?: string | ((entry: RegisterEntry) => string);
  statementPlacement?: StatementPlacement;
  markPlacement?: MarkPlacement;
  imagePageSize?: ImagePageSize;
  /** Pixels the scan's PNG images may decode to in all (default 100 M; ECOPY_IMAGE_TOO_LARGE beyond). */
  maxDecodedPixels?: number;
  notes?: string;
  vneidDataUsed?: boolean;
  /** Keep the issued file in the register (default true) so that a retry after issue gives it back. */
  storeECopy?: boolean;
  onWarning?: OnSigningWarning;
}

export interface ElectronicCopyPlan {
  authority: Authority;
  /** Pages of the original as scanned (the fee counts them). */
  pages: number;
  fee: FeeQuote;
  /** What `register.reserve` receives. */
  reserve: ReserveInput;
}

export interface CertifiedElectronicCopy {
  pdf: Uint8Array;
  /** SHA-256 of `pdf`, lowercase hex, as recorded in the register. */
  sha256: string;
  entry: RegisterEntry;
  request: CertificationRequestRecord;
  /** The fee of the request, collected once. */
  fee: FeeQuote;
  /** The idempotency key was already known: no number was allocated by this call. */
  resumed: boolean;
  /** The e-copy had been issued before this call; `pdf` is the stored file. */
  replayed: boolean;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The whole flow: plan → reserve → build, sign and complete. */
export async function certifyElectronicCopy(input: CertifyElectronicCopyInput): Promise<CertifiedElectronicCopy> {
  // Each signer's certificate is checked before the number is taken and again as it signs: say each warning once.
  input = { ...input, onWarning: onceEach(input.onWarning) };
  const plan = await planElectronicCopy(input);
  const known = await input.register.findRequestByKey(input.authority, input.idempotencyKey);
  if (!known && input.certificateCheck !== false) await checkSigners(input);
  const reservation = await input.register.reserve(plan.reserve);
  return issueElectronicCopy(input, plan, reservation);
}

/** Step 1: every check that does not need a number, and the fee. Records nothing. */
export async function planElectronicCopy(input: CertifyElectronicCopyInput): Promise<ElectronicCopyPlan> {
  checkInput(input);
  input = titled(input);
  const authority = await input.register.getAuthority(input.authority);
  if (!authority) throw new RegisterError('REGISTER_UNKNOWN_AUTHORITY', { authorityId: input.authority });
  const bookType =
    input.book ??
    (input.paperCopies ? authority.bookTypes[0] : (authority.electronicBookType ?? authority.bookTypes[0]));
  if (bookType === undefined || !authority.bookTypes.includes(bookType))
    throw new RegisterError('REGISTER_UNKNOWN_BOOK', {
      authorityId: authority.id,
      bookType,
      known: authority.bookTypes,
    });

  // A dry assembly with the widest plausible number: reads the scan, counts its pages, and proves that the mark
  // and statement fit and that every name has glyphs, before a number is spent on it.
  const now = new Date();
  const provisional = provisionalEntry(input, authority, bookType, now);
  const dry = assembleElectronicCopy(assembleInput(input, authority, provisional));
  const paperCopies = input.paperCopies ?? 0;
  const fee = computeCopyFee(
    {
      originals: [
        {
          pages: dry.originalPages,
          doubleSidedCard: input.originalIsCard === true,
          paperCopies,
          electronicCopy: true,
          label: input.documentName,
        },
      ],
      at: now,
    },
    input.feePolicy,
  );
  return {
    authority,
    pages: dry.originalPages,
    fee,
    reserve: {
      idempotencyKey: input.idempotencyKey,
      authorityId: authority.id,
      requester: input.requester,
      certifier: input.certifier,
      originals: [
        {
          documentName: input.documentName,
          pages: dry.originalPages,
          paperCopies,
          electronicCopy: true,
          bookType,
          notes: input.notes,
          vneidDataUsed: input.vneidDataUsed,
          contentSha256: scanDigest(input.scan),
        },
      ],
      fee,
      feeReceiptNo: input.feeReceiptNo,
      delivery: input.delivery,
      receivedAt: input.receivedAt,
      extension: input.extension,
      paymentChannel: input.paymentChannel,
    },
  };
}

/** Step 3: builds the e-copy under the reserved number and completes the entry; or gives back an issued one. */
export async function issueElectronicCopy(
  input: CertifyElectronicCopyInput,
  plan: ElectronicCopyPlan,
  reservation: Reservation,
): Promise<CertifiedElectronicCopy> {
  input = titled(input);
  const { request } = reservation;
  if (request.state === 'issued') return replay(input.register, request);
  if (request.state === 'void')
    throw new CertificationError('CERTIFY_VOIDED', { requestId: request.id, voidReason: request.voidReason });
  if (request.state === 'refused') throw new CertificationError('CERTIFY_REFUSED', { requestId: request.id });
  const entry = elementAt(request.entries, 0); // the register reserves a request with its entry
  const pending = {
    requestId: request.id,
    idempotencyKey: request.idempotencyKey,
    certificationNumber: entry.certificationNumber,
    state: 'pending',
  };
  try {
    const ecopy = await buildElectronicCopy({
      ...assembleInput(input, plan.authority, entry),
      certifier: input.signers.certifier,
      authority: input.signers.authority,
      level: input.level,
      timestamper: input.tsa,
      ltv: input.ltv,
      certificateCheck: input.certificateCheck,
      onWarning: input.onWarning,
    });
    const store = input.storeECopy ?? true;
    let done: CertificationRequestRecord;
    try {
      done = await input.register.complete(request.id, {
        eCopies: [
          { entryId: entry.id, sha256: ecopy.sha256, pdf: store ? ecopy.bytes : undefined, evidence: ecopy.evidence },
        ],
      });
    } catch (e) {
      // Two calls raced on one key and the other completed first: its copy is the issued one.
      const now = await input.register.getRequest(request.id);
      if (e instanceof RegisterError && e.code === 'REGISTER_NOT_PENDING' && now?.state === 'issued')
        return replay(input.register, now);
      throw e;
    }
    return {
      pdf: ecopy.bytes,
      sha256: ecopy.sha256,
      entry: elementAt(done.entries, 0),
      request: done,
      fee: done.fee!,
      resumed: reservation.resumed,
      replayed: false,
    };
  } catch (e) {
    // The number stays reserved: say which request is pending so the caller can retry or void it.
    if (e instanceof Error && 'details' in e && e.details && typeof e.details === 'object')
      Object.assign(e.details, { certification: pending });
    throw e;
  }
}

async function replay(
  register: CertifyRegister,
  request: CertificationRequestRecord,
): Promise<CertifiedElectronicCopy> {
  const entry = elementAt(request.entries, 0);
  const pdf = await register.getECopy(entry.id);
  if (!pdf)
    throw new CertificationError('CERTIFY_ISSUED_NOT_STORED', {
      requestId: request.id,
      certificationNumber: entry.certificationNumber,
    });
  const digest = sha256(pdf);
  if (digest !== entry.eCopySha256)
    throw new CertificationError('CERTIFY_STORED_COPY_MISMATCH', { requestId: request.id, entryId: entry.id });
  return { pdf, sha256: digest, entry, request, fee: request.fee!, resumed: true, replayed: true };
}

function assembleInput(input: CertifyElectronicCopyInput, authority: Authority, entry: RegisterEntry) {
  const at = new Date(entry.certifiedAt);
  const ref = typeof input.verificationRef === 'function' ? input.verificationRef(entry) : input.verificationRef;
  return {
    scan: input.scan,
    conversion: {
      convertedAt: at,
      convertedBy: input.convertedBy ?? input.certifier.name,
      organisation: authority.name,
      verificationRef: ref,
    },
    certification: {
      number: entry.seqNo,
      book: volumeLabel(entry),
      bookType: entry.bookType,
      date: at,
      certifierName: input.certifier.name,
      certifierTitle: input.certifier.title,
      authorityName: authority.name,
    },
    statementPlacement: input.statementPlacement,
    markPlacement: input.markPlacement,
    imagePageSize: input.imagePageSize,
    maxDecodedPixels: input.maxDecodedPixels,
    originalIsCard: input.originalIsCard,
  };
}

/** An entry-shaped stand-in for the dry assembly: the widest number a year plausibly reaches. */
function provisionalEntry(
  input: CertifyElectronicCopyInput,
  authority: Authority,
  bookType: string,
  now: Date,
): RegisterEntry {
  return {
    id: 0,
    requestId: '',
    originalIndex: 0,
    authorityId: authority.id,
    bookType,
    year: vietnamYear(now),
    volume: 99,
    seqNo: 999_999,
    certificationNumber: '',
    certifiedAt: now.toISOString(),
    requesterName: input.requester?.name ?? '',
    documentName: input.documentName,
    originalPages: 1,
    paperCopies: input.paperCopies ?? 0,
    electronicCopy: true,
    fee: 0,
    certifier: input.certifier,
    eCopySha256: null,
    deliveryChannel: input.delivery?.channel ?? null,
    state: 'pending',
    voidReason: null,
    notes: null,
    vneidDataUsed: false,
    signingEvidence: null,
  };
}

function onceEach(onWarning: OnSigningWarning | undefined): OnSigningWarning | undefined {
  if (!onWarning) return undefined;
  const seen = new Set<string>();
  return (w) => {
    const key = `${w.code}\u0000${w.detail ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    onWarning(w);
  };
}

async function checkSigners(input: CertifyElectronicCopyInput): Promise<void> {
  const now = new Date();
  for (const party of [input.signers.certifier, input.signers.authority]) {
    const res = await checkSignerCertificate(
      party.signer.certificate,
      party.signer.chain,
      now,
      input.certificateCheck || undefined,
    );
    for (const w of res.warnings) input.onWarning?.(w);
  }
}

/** The scan's content, bound into the idempotency fingerprint: a retry must present the same scan. */
function scanDigest(scan: ScanSource): string {
  if (scan.pdf !== undefined) return sha256(scan.pdf);
  const h = createHash('sha256');
  for (const img of scan.images) h.update(sha256(img instanceof Uint8Array ? img : img.bytes));
  return h.digest('hex');
}

function checkInput(input: CertifyElectronicCopyInput): void {
  const bad = (field: string, why: string): never => {
    throw new CertificationError('CERTIFY_BAD_INPUT', { field }, `${field}: ${why}`);
  };
  if (!input || typeof input !== 'object') bad('input', 'missing');
  if (!input.register) bad('register', 'missing');
  if (typeof input.authority !== 'string' || !input.authority) bad('authority', 'the authority id');
  if (typeof input.idempotencyKey !== 'string' || !input.idempotencyKey.trim())
    bad('idempotencyKey', 'a non-empty string');
  if (typeof input.documentName !== 'string' || !input.documentName.trim()) bad('documentName', 'a non-empty string');
  if (!input.certifier || typeof input.certifier.name !== 'string' || !input.certifier.name.trim())
    bad('certifier.name', 'a non-empty string');
  if (!input.requester || typeof input.requester.name !== 'string' || !input.requester.name.trim())
    bad('requester.name', 'a non-empty string');
  const n = input.paperCopies ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) bad('paperCopies', 'a non-negative integer');
  if (
    !input.scan ||
    typeof input.scan !== 'object' ||
    (input.scan.pdf === undefined && !Array.isArray(input.scan.images))
  )
    bad('scan', 'give { pdf } or { images }');
  if (input.scan.pdf !== undefined && !(input.scan.pdf instanceof Uint8Array)) bad('scan.pdf', 'bytes');
  if (input.scan.images?.some((i) => !(i instanceof Uint8Array) && !(i?.bytes instanceof Uint8Array)))
    bad('scan.images', 'bytes for every image');
  const levels = ['auto', 'B-B', 'B-T', 'B-LT', 'B-LTA'];
  if (input.level !== undefined && !levels.includes(input.level)) bad('level', levels.join(', '));
  if (input.level !== undefined && input.level !== 'auto' && input.level !== 'B-B' && !input.tsa)
    bad('level', `${input.level} needs a timestamper (tsa)`);
  if (!input.signers?.certifier?.signer || !input.signers?.authority?.signer)
    bad('signers', 'both the certifier and the authority sign');
  if (
    Buffer.from(input.signers.certifier.signer.certificate).equals(
      Buffer.from(input.signers.authority.signer.certificate),
    )
  ) {
    bad('signers', 'the certifier and the authority must sign with different certificates');
  }
}

/** A title is always printed: the given one, else the basis's usual one (certifier-title.ts). */
const titled = (input: CertifyElectronicCopyInput): CertifyElectronicCopyInput => ({
  ...input,
  certifier: withCertifierTitle(input.certifier),
});
