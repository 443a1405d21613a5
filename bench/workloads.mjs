// Workloads the benchmark makes for itself (never committed): small PDFs with pdf-lib, and large ones streamed to
// disk as a real PDF whose one page shows a big image, so a 1 GB file never sits in memory.
import { createWriteStream } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { PDFDocument, StandardFonts } from 'pdf-lib';

export async function pagesPdf(pages) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < pages; i++)
    doc.addPage().drawText(`kyso benchmark, page ${i + 1}`, { x: 72, y: 720, size: 14, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A classic-xref PDF of about `bytes` bytes: one page drawing one grey image whose samples fill the file. */
export async function bigPdf(path, bytes) {
  const out = createWriteStream(path);
  let offset = 0;
  const offsets = [];
  const write = async (chunk) => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const obj = async (n, body) => {
    offsets[n] = offset;
    await write(`${n} 0 obj\n${body}\nendobj\n`);
  };
  const side = Math.floor(Math.sqrt(Math.max(bytes - 2000, 1)));
  const length = side * side;
  await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  await obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  await obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  await obj(
    3,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>',
  );
  const content = 'q 500 0 0 500 47 171 cm /Im0 Do Q';
  await obj(4, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  offsets[5] = offset;
  await write(
    `5 0 obj\n<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${length} >>\nstream\n`,
  );
  const chunk = Buffer.alloc(1 << 20);
  randomFillSync(chunk);
  for (let left = length; left > 0; left -= chunk.length)
    await write(left >= chunk.length ? chunk : chunk.subarray(0, left));
  await write('\nendstream\nendobj\n');
  const xref = offset;
  let table = `xref\n0 6\n0000000000 65535 f \n`;
  for (let n = 1; n <= 5; n++) table += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  await write(`${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  out.end();
  await once(out, 'finish');
  return offset;
}
