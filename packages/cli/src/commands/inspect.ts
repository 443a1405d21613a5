/** `kyso inspect FILE.pdf [--json]`: the revision structure of a PDF, as facts. */
import { basename } from 'node:path';
import { PdfDocument } from '@kyso/pdf';
import { FileSource } from '@kyso/core/file-source';
import { parseCommandArgs, UsageError } from '../usage.js';

export interface InspectReport {
  file: string;
  bytes: number;
  version: string;
  encrypted: boolean;
  recovered: boolean;
  revisions: { index: number; start: number; end: number; kind: string; defined: number; freed: number }[];
  trailingBytes: { offset: number; length: number; whitespaceOnly: boolean } | null;
  unreferencedObjects: { num: number; gen: number; offset: number; revision: number }[];
  pages: number;
  warnings: { code: string; message: string }[];
}

export function inspect(argv: string[], out: (s: string) => void): number {
  const { values, positionals } = parseCommandArgs('inspect', {
    args: argv,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [path] = positionals;
  if (path === undefined || positionals.length !== 1) throw new UsageError('inspect takes exactly one FILE.pdf');
  const source = new FileSource(path);
  try {
    const doc = PdfDocument.load(source);
    const report: InspectReport = {
      file: basename(path),
      bytes: doc.length,
      version: doc.version,
      encrypted: doc.encryption !== null,
      recovered: doc.recovered,
      revisions: doc.revisions.map((r) => {
        const c = doc.changes(r.index);
        return {
          index: r.index,
          start: r.start,
          end: r.end,
          kind: r.kind,
          defined: c.defined.length,
          freed: c.freed.length,
        };
      }),
      trailingBytes: doc.trailingBytes(),
      unreferencedObjects: doc.unreferencedObjects(),
      pages: doc.encryption ? 0 : doc.pages().length,
      warnings: doc.warnings.map((w) => ({ code: w.code, message: w.message })),
    };
    out(values.json ? JSON.stringify(report, null, 2) : human(report));
    return 0;
  } finally {
    source.close();
  }
}

function human(r: InspectReport): string {
  const lines = [
    `${r.file}: ${r.bytes} bytes, PDF ${r.version}, ${r.pages} page(s)`,
    `Encrypted / Mã hóa: ${r.encrypted ? 'yes / có' : 'no / không'}`,
    `Recovered by scanning / Khôi phục: ${r.recovered ? 'yes / có' : 'no / không'}`,
    `Revisions / Phiên bản: ${r.revisions.length}`,
    ...r.revisions.map(
      (v) =>
        `  #${v.index}  bytes ${v.start}–${v.end}  ${v.kind.padEnd(9)} ${v.defined} object(s) defined${v.freed ? `, ${v.freed} freed` : ''}`,
    ),
    `Bytes after the last %%EOF: ${r.trailingBytes ? `${r.trailingBytes.length} at ${r.trailingBytes.offset}${r.trailingBytes.whitespaceOnly ? ' (whitespace only)' : ''}` : 'none'}`,
    `Objects no xref section points to: ${r.unreferencedObjects.length ? r.unreferencedObjects.map((o) => `${o.num} ${o.gen} obj at ${o.offset} (revision ${o.revision})`).join(', ') : 'none'}`,
  ];
  if (r.warnings.length) lines.push('Warnings:', ...r.warnings.map((w) => `  ${w.code}: ${w.message}`));
  return lines.join('\n');
}
