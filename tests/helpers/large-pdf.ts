/**
 * A valid one-page PDF of about `bytes` bytes: the page and, referenced from the catalogue, one stream of random
 * bytes (incompressible, as scans are). Written by hand with a correct xref table, in well under a second for 50 MB.
 */
import { randomBytes } from 'node:crypto';

export function largePdf(bytes: number, text = 'Quyet dinh so 12/QD-UBND'): Uint8Array {
  const content = Buffer.from(`BT /F1 18 Tf 72 760 Td (${text}) Tj ET`, 'latin1');
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R /KysoPadding 6 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    ),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const fixed = head.length + objects.reduce((n, o) => n + o.length + 40, 0) + 400;
  const padding = randomBytes(Math.max(0, bytes - fixed));
  objects.push(
    Buffer.concat([Buffer.from(`<< /Length ${padding.length} >>\nstream\n`), padding, Buffer.from('\nendstream')]),
  );
  const parts: Buffer[] = [head];
  const offsets: number[] = [];
  let at = head.length;
  objects.forEach((body, i) => {
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(obj);
    at += obj.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
  ].join('\n');
  parts.push(Buffer.from(`${xref}\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  const out = Buffer.concat(parts);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
