/**
 * The signing pool's jobs (see workers/protocol.ts for the envelope). Plain data, cloned across threads: no key
 * material ever crosses — the worker asks the service's thread to `sign` the data to sign and gets the value
 * back (PKCS#11 sessions and PKCS#12 keys stay where they were opened).
 */
import type {
  Certifier,
  CertificationRequestRecord,
  CopyLevel,
  Extension,
  PaymentChannel,
  PrintBookInput,
  DeliveryChannel,
  FeePolicy,
  MarkPlacement,
  PrepareOptions,
  Requester,
  SignatureResult,
  SignerIdentity,
  SigningState,
  StatementPlacement,
} from '@kyso/core';
import type { CertificateCheckPolicy } from '@kyso/core';
import type { FetchPolicy } from '@kyso/verify';
import type { CommonWorkerInit } from '../workers/worker-runtime.js';

export interface SigningWorkerInit extends CommonWorkerInit {
  /** RFC 3161 TSA for B-T and later (the worker makes its own client). */
  tsaUrl?: string;
  /** Pixels a certification's PNG scan may decode to in all (core's default when absent). */
  maxDecodedPixels?: number;
  /** The service's fetch policy: the worker's TSA, LTV and certificate-check requests go through it. */
  fetchPolicy: FetchPolicy;
}

/** The document: bytes (transferred) or the path of a body spooled to disk (read in windows by the worker). */
export type JobInput = { bytes: Uint8Array; path?: undefined } | { path: string; bytes?: undefined };

/** What a visible signature's appearance shows; the worker draws it (a drawing function cannot cross threads). */
export interface AppearanceFields {
  signer: string;
  organisation?: string;
  reason?: string;
  location?: string;
  signingTime: Date;
}

/** PrepareOptions as data: the appearance by its fields. */
export type PrepareData = Omit<PrepareOptions, 'appearance'> & { appearanceFields?: AppearanceFields };

export interface CertifyData {
  idempotencyKey: string;
  authority: string;
  book?: string;
  certifier: Certifier;
  requester: Requester;
  documentName: string;
  scan: { pdf: Uint8Array } | { images: { bytes: Uint8Array; dpi?: number }[] };
  paperCopies: number;
  /** The original is a card: the fee counts one page whatever its sides, an image side without a resolution is ID-1 sized. */
  originalIsCard?: boolean;
  /** Where the statement and the mark go (never over the scan). */
  statementPlacement?: StatementPlacement;
  markPlacement?: MarkPlacement;
  /** The two keys' public halves; their `sign` is a call back to the service's thread. */
  certifierIdentity: SignerIdentity;
  authorityIdentity: SignerIdentity;
  location?: string;
  /** The authority's seal image and the size it is drawn at (real size, mm). */
  sealImage?: Uint8Array;
  sealSizeMm?: number;
  /** The service's fee policy (as /v1/fees/quote computes it). */
  feePolicy?: Partial<FeePolicy>;
  level: CopyLevel;
  certificateCheck: CertificateCheckPolicy | false;
  delivery?: { channel: DeliveryChannel; address?: string };
  feeReceiptNo?: string;
  /** Deadlines (Decree 23/2015 Art. 7, 21): when the complete request was received, an agreed extension; how the fee was paid. */
  receivedAt?: Date | string;
  extension?: Extension;
  paymentChannel?: PaymentChannel;
  notes?: string;
  vneidDataUsed?: boolean;
  /** The QR code's reference: a URL with {authority} {book} {year} {seq} filled in from the entry. */
  verificationUrl?: string;
}

export type SigningJob =
  /** Signs with a key the service holds: prepare, `sign` call, finish (TSA), LTV. */
  | { kind: 'sign'; input: JobInput; identity: SignerIdentity; options: PrepareData; ltvNetwork: boolean }
  /** Two-step step 1: the state and the data to sign. */
  | { kind: 'prepare'; input: JobInput; identity: SignerIdentity; options: PrepareData }
  /** Two-step step 2: the stored input re-hashed and checked, the signature embedded, LTV. */
  | { kind: 'complete'; input: JobInput; state: SigningState; result: SignatureResult; ltvNetwork: boolean }
  /** An e-copy certification end to end; the register is reached by `register` calls. */
  | { kind: 'certify'; data: CertifyData }
  /** The register's book for a period as a PDF (the entries read on the service's thread, the layout here). */
  | { kind: 'print-book'; book: PrintBookInput };

export type SigningResult =
  | { kind: 'update'; update: Uint8Array; fieldName: string }
  | { kind: 'prepared'; state: SigningState; dataToSign: Uint8Array }
  | { kind: 'certified'; request: CertificationRequestRecord; resumed: boolean; replayed: boolean; sha256: string }
  | { kind: 'pdf'; pdf: Uint8Array };

/** The register methods a certification job may call (and nothing else: no voiding, no closing books). */
export const REGISTER_CALLS = [
  'getAuthority',
  'findRequestByKey',
  'reserve',
  'complete',
  'getRequest',
  'getECopy',
] as const;
export type RegisterCall = (typeof REGISTER_CALLS)[number];
