/**
 * A hand-written classic-xref PDF for tests: object bodies numbered from 1 (1 is the catalog), correct offsets.
 * `trailerExtra` goes into the trailer dictionary; `tail` replaces trailer, startxref and %%EOF (a damaged file).
 */
export function classicPdfText(
  objects: readonly string[],
  options: { trailerExtra?: string; tail?: string } = {},
): string {
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${options.trailerExtra ?? ''} >>`;
  return out + (options.tail ?? `${trailer}\nstartxref\n${xref}\n%%EOF\n`);
}
