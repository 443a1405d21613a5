/**
 * The appointment slip (phiếu hẹn trả kết quả, Decree 23/2015 Art. 21; docs/domain.md §5.3): given when the result
 * is returned on a later working day than the receipt. One A4 page in Vietnamese, in the embedded Liberation Serif
 * (ToUnicode: text extraction gives the words back): the authority, the requester, the documents, the receipt and
 * due times in Vietnam time, any extension with its reason and written agreement, the legal basis.
 */
import { PdfDict, PdfDocument, PdfName, type PdfRef, PdfStream, ascii, deflate } from '@kyso/pdf';
import { AppearanceError } from '../appearance/errors.js';
import { embedFont, normalizeText, type EmbeddedFont } from '../appearance/font.js';
import { formatVietnamDisplayTime } from '../appearance/signature-lines.js';
import { wrapLine } from '../appearance/text-fit.js';
import { DEADLINE_LEGAL_BASIS } from '../deadlines/due-time.js';
import { A4, emptyPdf } from '../ecopy/image-pages.js';
import type { CertificationRequestRecord } from '../register/types.js';
import { CertificationError } from './errors.js';

export const APPOINTMENT_SLIP_LAYOUT = { margin: 56, top: 64, fontSize: 12, titleSize: 15, leading: 1.45 } as const;

export interface AppointmentSlipInput {
  request: CertificationRequestRecord;
  /** The authority's name as registered. */
  authorityName: string;
  /** The officer who received the request (default: the certifier recorded with it). */
  receivedBy?: string;
}

export interface AppointmentSlip {
  pdf: Uint8Array;
  /** The slip's lines in reading order (what pdftotext gives back). */
  lines: string[];
}

type Line = { text: string; bold?: boolean; size?: number; center?: boolean; gap?: number };

/** The slip's content as lines. */
export function appointmentSlipLines(input: AppointmentSlipInput): Line[] {
  const r = input.request;
  if (r?.kind !== 'certification' || !r.dueAt || !r.receivedAt)
    throw new CertificationError('CERTIFY_NO_DUE_TIME', { requestId: r?.id });
  const docs = r.entries.map((e) => {
    const media = [e.paperCopies > 0 ? `${e.paperCopies} bản giấy` : '', e.electronicCopy ? 'bản sao điện tử' : '']
      .filter(Boolean)
      .join(', ');
    return `${e.documentName} (${e.originalPages} trang; ${media}) — số chứng thực ${e.certificationNumber}`;
  });
  const due = formatVietnamDisplayTime(new Date(r.dueAt));
  const lines: Line[] = [
    { text: input.authorityName.toUpperCase(), bold: true },
    { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, center: true, gap: 1 },
    { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, center: true },
    { text: 'PHIẾU HẸN TRẢ KẾT QUẢ', bold: true, size: APPOINTMENT_SLIP_LAYOUT.titleSize, center: true, gap: 1.5 },
    { text: 'Chứng thực bản sao từ bản chính', center: true },
    { text: `Cơ quan thực hiện: ${input.authorityName}`, gap: 1.5 },
    {
      text: `Người yêu cầu: ${r.requester.name}${r.requester.idNumber ? ` (giấy tờ tùy thân số ${r.requester.idNumber})` : ''}`,
    },
    { text: 'Giấy tờ, văn bản:' },
    ...docs.map((d) => ({ text: `- ${d}` })),
    { text: `Thời điểm tiếp nhận: ${formatVietnamDisplayTime(new Date(r.receivedAt))}` },
    { text: `Hẹn trả kết quả: ${due}`, bold: true },
  ];
  if (r.extension) {
    lines.push({ text: `Gia hạn: ${r.extension.workingDays} ngày làm việc. Lý do: ${r.extension.reason}` });
    if (r.extension.writtenAgreement)
      lines.push({ text: 'Thời hạn dài hơn 02 ngày làm việc theo thỏa thuận bằng văn bản với người yêu cầu.' });
  }
  if (r.fee)
    lines.push({
      text: `Lệ phí: ${r.fee.total.toLocaleString('vi-VN')} đồng${r.paymentChannel ? ` (${r.paymentChannel === 'ONLINE' ? 'thanh toán trực tuyến' : 'tiền mặt'})` : ''}`,
    });
  lines.push(
    { text: `Mã yêu cầu: ${r.idempotencyKey}` },
    { text: `Căn cứ: ${DEADLINE_LEGAL_BASIS}.` },
    { text: 'NGƯỜI TIẾP NHẬN', bold: true, gap: 1.5 },
    { text: input.receivedBy ?? r.certifier.name },
  );
  return lines;
}

/** The slip as a one-page PDF. */
export function appointmentSlip(input: AppointmentSlipInput): AppointmentSlip {
  if (typeof input?.authorityName !== 'string' || !input.authorityName.trim())
    throw new CertificationError('CERTIFY_BAD_INPUT', { field: 'authorityName' }, 'authorityName: a non-empty string');
  if (input.receivedBy !== undefined && (typeof input.receivedBy !== 'string' || !input.receivedBy.trim()))
    throw new CertificationError('CERTIFY_BAD_INPUT', { field: 'receivedBy' }, 'receivedBy: a non-empty string');
  const content = appointmentSlipLines(input).map((l) => ({ ...l, text: normalizeText(l.text) }));
  const doc = PdfDocument.load(emptyPdf());
  const w = doc.update();
  let fonts: { regular: EmbeddedFont; bold: EmbeddedFont };
  try {
    fonts = {
      regular: embedFont(
        w,
        'regular',
        content
          .filter((l) => !l.bold)
          .map((l) => l.text)
          .join('') || ' ',
      ),
      bold: embedFont(
        w,
        'bold',
        content
          .filter((l) => l.bold)
          .map((l) => l.text)
          .join('') || ' ',
      ),
    };
  } catch (e) {
    if (e instanceof AppearanceError && e.code === 'APPEARANCE_UNSUPPORTED_CHAR')
      throw new CertificationError('CERTIFY_BAD_INPUT', e.details, e.messageEn);
    throw e;
  }
  const { margin, top, fontSize, leading } = APPOINTMENT_SLIP_LAYOUT;
  const [pw, ph] = A4;
  const width = pw - 2 * margin;
  const ops: string[] = ['BT', '0 0 0 rg'];
  const out: string[] = [];
  let y = ph - top;
  for (const l of content) {
    const size = l.size ?? fontSize;
    const font = l.bold ? fonts.bold : fonts.regular;
    y -= (l.gap ?? 0) * size * leading;
    for (const part of wrapLine(l.text, width, size, font)) {
      if (y < margin)
        throw new CertificationError(
          'CERTIFY_BAD_INPUT',
          {},
          'the slip does not fit one page (too many documents or too long a text)',
        );
      const x = l.center ? margin + (width - font.widthOf(part, size)) / 2 : margin;
      ops.push(`/${l.bold ? 'FB' : 'FR'} ${size} Tf`, `1 0 0 1 ${n(x)} ${n(y)} Tm`, `${font.encode(part)} Tj`);
      out.push(part);
      y -= size * leading;
    }
  }
  ops.push('ET');
  const rootRef = doc.catalog()!.get('Pages') as PdfRef;
  const pageRef = w.allocate();
  const contents = w.add(
    PdfStream.fromBytes(new PdfDict({ Filter: PdfName.of('FlateDecode') }), deflate(ascii(ops.join('\n')))),
  );
  w.set(
    pageRef,
    new PdfDict({
      Type: PdfName.of('Page'),
      Parent: rootRef,
      MediaBox: [0, 0, pw, ph],
      Resources: new PdfDict({ Font: new PdfDict({ FR: fonts.regular.ref, FB: fonts.bold.ref }) }),
      Contents: contents,
    }),
  );
  w.set(rootRef, new PdfDict({ Type: PdfName.of('Pages'), Kids: [pageRef], Count: 1 }));
  return { pdf: w.write(), lines: out };
}

const n = (v: number): string => String(Math.round(v * 100) / 100);
