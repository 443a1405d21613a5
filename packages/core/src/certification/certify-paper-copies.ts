/**
 * Paper copies only (Decree 23/2015 Art. 20): one number per original, the fee for the whole request collected
 * once, recorded and issued in one step (there is no file to build). Idempotent by key like the e-copy flow.
 */
import { computeCopyFee } from '../fees/compute-fee.js';
import type { FeePolicy } from '../fees/fee-policy.js';
import { withCertifierTitle } from './certifier-title.js';
import type { Extension } from '../deadlines/due-time.js';
import type {
  CertificationRegister,
  CertificationRequestRecord,
  Certifier,
  PaymentChannel,
  Requester,
} from '../register/types.js';

export interface CertifyPaperCopiesInput {
  register: CertificationRegister;
  idempotencyKey: string;
  authority: string;
  certifier: Certifier;
  requester: Requester;
  originals: {
    documentName: string;
    pages?: number;
    doubleSidedCard?: boolean;
    paperCopies: number;
    bookType?: string;
    notes?: string;
  }[];
  feePolicy?: Partial<FeePolicy>;
  feeReceiptNo?: string;
  paymentChannel?: PaymentChannel;
  /** When the complete request was received (default: now). */
  receivedAt?: Date | string;
  /** An extension agreed at receipt (Decree 23/2015 Art. 21). */
  extension?: Extension;
}

export async function certifyPaperCopies(
  input: CertifyPaperCopiesInput,
): Promise<{ request: CertificationRequestRecord; resumed: boolean }> {
  const fee = computeCopyFee(
    {
      originals: input.originals.map((o) => ({
        pages: o.pages,
        doubleSidedCard: o.doubleSidedCard,
        paperCopies: o.paperCopies,
        label: o.documentName,
      })),
    },
    input.feePolicy,
  );
  const pageLines = fee.lines.filter((l) => l.medium === 'paper');
  const { request, resumed } = await input.register.reserve({
    idempotencyKey: input.idempotencyKey,
    authorityId: input.authority,
    certifier: withCertifierTitle(input.certifier),
    requester: input.requester,
    originals: input.originals.map((o, i) => ({
      documentName: o.documentName,
      pages: pageLines.find((l) => l.original === i + 1)?.pages ?? (o.pages as number),
      paperCopies: o.paperCopies,
      electronicCopy: false,
      bookType: o.bookType,
      notes: o.notes,
    })),
    fee,
    feeReceiptNo: input.feeReceiptNo,
    paymentChannel: input.paymentChannel,
    receivedAt: input.receivedAt,
    extension: input.extension,
  });
  if (request.state !== 'pending') return { request, resumed };
  return { request: await input.register.complete(request.id, { eCopies: [] }), resumed };
}
