/** The request a worker certifies for a key: deterministic, so that a retry from another process presents the same request. */
import { createHash } from 'node:crypto';
import { computeCopyFee } from '../../src/fees/index.js';
import type { ReserveInput } from '../../src/register/index.js';

export const WORKER_AUTHORITY = { id: 'UBND-TEST', name: 'Ủy ban nhân dân phường Thử Nghiệm' };

export function requestFor(key: string): ReserveInput {
  const pages = 1 + (parseInt(createHash('sha256').update(key).digest('hex').slice(0, 4), 16) % 40);
  return {
    idempotencyKey: key,
    authorityId: WORKER_AUTHORITY.id,
    requester: { name: 'Phạm Văn Đức' },
    certifier: { name: 'Nguyễn Thị Hồng', basis: 'assigned', basisReference: 'Quyết định 12/QĐ-UBND' },
    originals: [{ documentName: 'Giấy khai sinh', pages, paperCopies: 1, electronicCopy: true }],
    fee: computeCopyFee({ originals: [{ pages, paperCopies: 1, electronicCopy: true }] }),
  };
}

/** Stands in for building and signing the PDF: some CPU work whose result is the "e-copy". */
export function buildECopy(key: string, seqNo: number): Uint8Array {
  let h = Buffer.from(`${key}#${seqNo}`);
  for (let i = 0; i < 200; i++) h = createHash('sha256').update(h).digest();
  return new Uint8Array(h);
}
