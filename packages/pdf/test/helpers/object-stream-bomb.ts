/**
 * A small, valid PDF whose every object lives in its own object stream, each padded with whitespace so that it
 * decodes to `bytesPerStream` bytes while it deflates to almost nothing: the file of issue 14 item 3 (a few
 * hundred kB that decode to gigabytes). Readers touch all of them: the catalog, the page tree, a page, its
 * resources and the AcroForm.
 */
import { deflateSync } from 'node:zlib';

export interface BombOptions {
  /** Decoded size of each object stream (at most 256 MiB, the per-stream cap, so that only a total can stop it). */
  bytesPerStream: number;
}

const OBJECTS = [
  '<</Type/Catalog/Pages 2 0 R/AcroForm 4 0 R>>',
  '<</Type/Pages/Kids[3 0 R]/Count 1>>',
  '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources 5 0 R>>',
  '<</Fields[]>>',
  '<</ProcSet[/PDF]>>',
];

/** The number of object streams (and the file decodes to this many times `bytesPerStream`). */
export const BOMB_STREAMS = OBJECTS.length;

export function objectStreamBomb({ bytesPerStream }: BombOptions): Uint8Array {
  const parts: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer | string): void => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const n = OBJECTS.length;
  const offsets: number[] = [];
  OBJECTS.forEach((body, i) => {
    const num = i + 1;
    const header = `${num} 0\n`;
    const decoded = Buffer.alloc(Math.max(bytesPerStream, header.length + body.length + 1), 0x20);
    decoded.write(header, 0, 'latin1');
    decoded.write(body, header.length, 'latin1'); // the object first, the padding after it
    const data = deflateSync(decoded, { level: 9 });
    offsets.push(length);
    push(
      `${n + 1 + i} 0 obj\n<</Type/ObjStm/N 1/First ${header.length}/Filter/FlateDecode/Length ${data.length}>>\nstream\n`,
    );
    push(data);
    push('\nendstream\nendobj\n');
  });
  const xrefNum = 2 * n + 1;
  const xrefOffset = length;
  const rows: Buffer[] = [];
  const row = (type: number, a: number, b: number): void => {
    const r = Buffer.alloc(7);
    r[0] = type;
    r.writeUInt32BE(a, 1);
    r.writeUInt16BE(b, 5);
    rows.push(r);
  };
  row(0, 0, 0xffff);
  for (let i = 0; i < n; i++) row(2, n + 1 + i, 0);
  for (const o of offsets) row(1, o, 0);
  row(1, xrefOffset, 0);
  const table = Buffer.concat(rows);
  push(`${xrefNum} 0 obj\n<</Type/XRef/Size ${xrefNum + 1}/W[1 4 2]/Root 1 0 R/Length ${table.length}>>\nstream\n`);
  push(table);
  push(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`);
  return new Uint8Array(Buffer.concat(parts, length));
}
