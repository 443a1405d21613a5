/**
 * Refusing a certification (Decree 23/2015 Art. 22; DOMAIN.md §4.2): recorded in the register with the ground,
 * who refused and when; no number is taken and no fee is charged. The slip's text cites the ground.
 */
import { formatVietnamDisplayTime } from '../appearance/signature-lines.js';
import { REFUSAL_GROUNDS, refusalClause, type RefusalCode } from '../register/refusal-grounds.js';
import { withCertifierTitle } from './certifier-title.js';
import type { CertificationRegister, CertificationRequestRecord, Certifier, Requester } from '../register/types.js';

export interface RefuseCertificationInput {
  register: CertificationRegister;
  idempotencyKey: string;
  authority: string;
  /** Who refused. */
  certifier: Certifier;
  requester: Requester;
  documentName: string;
  reason: RefusalCode;
  /** The officer's explanation (what was seen on the original). */
  text?: string;
  /** When the request was received (default: now). */
  receivedAt?: Date | string;
}

export interface RefusalResult {
  request: CertificationRequestRecord;
  /** The key was already known: the earlier refusal is returned. */
  resumed: boolean;
  /** The refusal slip's lines, in Vietnamese. */
  slip: string[];
}

export async function refuseCertification(input: RefuseCertificationInput): Promise<RefusalResult> {
  const { request, resumed } = await input.register.recordRefusal({
    idempotencyKey: input.idempotencyKey,
    authorityId: input.authority,
    certifier: withCertifierTitle(input.certifier),
    requester: input.requester,
    documentName: input.documentName,
    code: input.reason,
    text: input.text,
    receivedAt: input.receivedAt,
  });
  const authority = await input.register.getAuthority(input.authority);
  return { request, resumed, slip: refusalSlip(request, authority?.name) };
}

/**
 * The slip handed to the requester: which authority refused what, on which clause of Art. 22, by whom and when (in
 * Vietnam time).
 */
export function refusalSlip(request: CertificationRequestRecord, authorityName?: string): string[] {
  const r = request.refusal;
  if (!r) return [];
  const lines = [
    'TỪ CHỐI CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH',
    `Cơ quan: ${authorityName ?? request.authorityId}`,
    `Người yêu cầu: ${request.requester.name}`,
    `Giấy tờ, văn bản: ${r.documentName}`,
    `Lý do: ${REFUSAL_GROUNDS[r.code].vi} (${refusalClause(r.code)})`,
  ];
  if (r.text) lines.push(`Ghi chú: ${r.text}`);
  lines.push(
    `Người từ chối: ${request.certifier.name}${request.certifier.title ? `, ${request.certifier.title}` : ''}`,
    `Thời điểm: ${formatVietnamDisplayTime(new Date(request.createdAt))}`,
  );
  return lines;
}
