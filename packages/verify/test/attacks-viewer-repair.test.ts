/**
 * Forgeries that work through a viewer's repair (found by a red-team pass on kyso 2026-12-04; each was TOTAL-PASSED
 * before). A viewer that does not find the newest cross-reference data where it looks — "startxref" in the file's
 * last 1024 bytes, its value as it stands — rebuilds the object table by scanning and shows the last "n g obj" of
 * each object, wherever it is: a duplicate in the signed bytes, an object hidden in a later update's stream data or
 * written "4 0 obj%". Seen with the tools on this machine: `mutool draw -F txt` and `pdftotext` both show the hidden
 * text of such files. And two updates every viewer reads but reads differently: a hybrid table that frees what its
 * /XRefStm keeps (MuPDF loses the object), an /Encrypt added after signing (every viewer "decrypts" the signed
 * pages into garbage). Each must be DISALLOWED or the signed content ambiguous, never TOTAL-PASSED.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PdfDocument, PdfRef } from '@kyso/pdf';
import type { SignatureReport } from '@kyso/verify';
import { run, scratch } from '../../../tests/helpers/tools.js';
import { concat, explain, kysoSign, latin1, plainPdf, validate, verdictOf } from './helpers/signed-pdfs.js';

const tmp = scratch('kyso-viewer-repair-');
afterAll(() => tmp.cleanup());

const FORGED = 'FORGED AFTER SIGNING pay 999999';
const contentStream = (text: string): string => {
  const ops = `BT /F1 24 Tf 72 700 Td (${text}) Tj ET`;
  return `<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`;
};

/** The first page's (first) content stream object number. */
function contentsOf(bytes: Uint8Array): number {
  const doc = PdfDocument.load(bytes);
  const c = doc.pages()[0]!.dict.get('Contents');
  const first = Array.isArray(c)
    ? c[0]
    : c instanceof PdfRef && Array.isArray(doc.resolve(c))
      ? (doc.resolve(c) as unknown[])[0]
      : c;
  if (!(first instanceof PdfRef)) throw new Error('expected a content stream');
  return first.num;
}

/**
 * A classic-table update after `bytes` defining `objects` (number → body), with /Prev, /Root and /Size from the
 * file; `raw` is written before the objects and no entry points at it.
 */
function update(
  bytes: Uint8Array,
  objects: [number, string][],
  options: { raw?: string; trailer?: string; prev?: number } = {},
) {
  const doc = PdfDocument.load(bytes);
  const root = doc.trailer.get('Root') as PdfRef;
  const size = Math.max(doc.nextObjectNumber, ...objects.map(([n]) => n + 1));
  let body = `\n${options.raw ?? ''}`;
  const rows: string[] = [];
  for (const [num, text] of objects) {
    rows.push(`${num} 1\n${String(bytes.length + body.length).padStart(10, '0')} 00000 n \n`);
    body += `${num} 0 obj\n${text}\nendobj\n`;
  }
  const xrefAt = bytes.length + body.length;
  body += `xref\n0 1\n0000000000 65535 f \n${rows.join('')}trailer\n<< /Size ${size} /Root ${root.num} 0 R /Prev ${options.prev ?? doc.latest.xrefOffset} ${options.trailer ?? ''} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return concat(bytes, body);
}

const mutoolText = (bytes: Uint8Array, name: string): string =>
  run('mutool', ['draw', '-F', 'txt', tmp.file(name, bytes)]).stdout;

function expectNotPassed(s: SignatureReport): void {
  expect(s.indication, explain(s)).not.toBe('TOTAL-PASSED');
}

describe('viewer repair: what a rebuilt object table shows is judged too', () => {
  it('a duplicate of the page contents hidden in the signed bytes, shown once whitespace after %%EOF hides startxref: SIGNED_CONTENT_AMBIGUOUS', async () => {
    // the signer's file holds a second "N 0 obj" no entry points at: every viewer shows the first, as signed
    const input = await plainPdf({ text: 'ORIGINAL SIGNED TEXT pay 100' });
    const n = contentsOf(input);
    const xref = latin1(input).lastIndexOf('\nxref\n') + 1;
    const shadow = `${n} 0 obj\n${contentStream(FORGED)}\nendobj\n`;
    const prepared = concat(input.subarray(0, xref), shadow, input.subarray(xref));
    const fixed = latin1(prepared).replace(/startxref\n\d+/, `startxref\n${xref + shadow.length}`);
    const signed = await kysoSign(concat(fixed));
    const [clean] = (await validate(signed)).signatures;
    expect(verdictOf(clean!)).toBe('TOTAL-PASSED/-');

    const padded = concat(signed, ' '.repeat(2000));
    expect(mutoolText(padded, 'shadow.pdf')).toContain(FORGED);
    const [s] = (await validate(padded)).signatures;
    expect(verdictOf(s!), explain(s!)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s!.reasons.map((r) => r.code)).toContain('SIGNED_CONTENT_AMBIGUOUS');
  });

  for (const [name, header] of [
    ['a six-digit generation', (n: number) => `${n} 000000 obj`],
    ['leading zeros and a brace before', (n: number) => `}00000000000${n} 0 obj`],
    ['vertical tabs (kyso cannot parse that copy: it counts as read differently)', (n: number) => `${n}\v0\vobj`],
  ] as const) {
    it(`the hidden duplicate in the signed bytes written with ${name}: SIGNED_CONTENT_AMBIGUOUS once viewers rebuild`, async () => {
      const input = await plainPdf({ text: 'ORIGINAL SIGNED TEXT pay 100' });
      const n = contentsOf(input);
      const xref = latin1(input).lastIndexOf('\nxref\n') + 1;
      const shadow = `${header(n)}\n${contentStream(FORGED)}\nendobj\n`;
      const prepared = latin1(concat(input.subarray(0, xref), shadow, input.subarray(xref))).replace(
        /startxref\n\d+/,
        `startxref\n${xref + shadow.length}`,
      );
      const signed = await kysoSign(concat(prepared));
      const [s] = (await validate(concat(signed, ' '.repeat(2000)))).signatures;
      expect(verdictOf(s!), explain(s!)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
      expect(s!.reasons.map((r) => r.code)).toContain('SIGNED_CONTENT_AMBIGUOUS');
    });
  }

  it('page contents written "N 0 obj%" in an update no entry points at, then 100 KB of whitespace: DISALLOWED, an object swap', async () => {
    const signed = await kysoSign(await plainPdf());
    const n = contentsOf(signed);
    const forged = update(signed, [[90, '<< /Producer (x) >>']], {
      raw: `${n} 0 obj%\n${contentStream(FORGED)}\nendobj\n`,
      trailer: '/Info 90 0 R',
    });
    const padded = concat(forged, ' '.repeat(100_000));
    expect(mutoolText(padded, 'percent.pdf')).toContain(FORGED);
    for (const file of [forged, padded]) {
      const [s] = (await validate(file)).signatures;
      expectNotPassed(s!);
      expect(s!.modifications, explain(s!)).toBe('DISALLOWED');
    }
  });

  it('the same with the last startxref a few bytes off (kyso reads the table by its keyword, viewers rebuild): DISALLOWED', async () => {
    const signed = await kysoSign(await plainPdf());
    const n = contentsOf(signed);
    const forged = latin1(
      update(signed, [[90, '<< /Producer (x) >>']], {
        raw: `${n} 0 obj%\n${contentStream(FORGED)}\nendobj\n`,
        trailer: '/Info 90 0 R',
      }),
    ).replace(/startxref\n(\d+)\n%%EOF\n$/, (_m, at: string) => `startxref\n${Number(at) + 7}\n%%EOF\n`);
    const [s] = (await validate(concat(forged))).signatures;
    expectNotPassed(s!);
    expect(s!.modifications, explain(s!)).toBe('DISALLOWED');
  });

  it('page contents hidden in the data of a large new stream (indirect /Length), then 100 KB of whitespace: an object swap', async () => {
    const signed = await kysoSign(await plainPdf());
    const n = contentsOf(signed);
    const hidden = `endstream\nendobj\n${n} 0 obj\n${contentStream(FORGED)}\nendobj\n%${'x'.repeat(70_000)}\n`;
    const forged = update(signed, [
      [90, `<< /Length 91 0 R >>\nstream\n${hidden}\nendstream`],
      [91, String(hidden.length)],
    ]);
    const padded = concat(forged, ' '.repeat(100_000));
    const [s] = (await validate(padded)).signatures;
    expectNotPassed(s!);
    expect(s!.modifications, explain(s!)).toBe('DISALLOWED');
    expect(s!.changes.map((c) => c.kind)).toContain('object-swap');
  });

  it('whitespace alone after a signed file with nothing hidden changes nothing: TOTAL-PASSED', async () => {
    const signed = await kysoSign(await plainPdf());
    const [s] = (await validate(concat(signed, ' '.repeat(100_000)))).signatures;
    expect(verdictOf(s!), explain(s!)).toBe('TOTAL-PASSED/-');
  });
});

describe('marks only a scan finds, after the signed revision, whatever would make a viewer scan', () => {
  // A second red-team pass got past the readings above with headers kyso's scan did not take ("4 000000 obj",
  // "}4 0 obj", leading zeros, a header split across a 1 MiB window) and xref quirks that make viewers rebuild
  // without kyso noticing. Whatever the trigger, the forged copy has to be in the appended bytes for a scan to find:
  // any object header, trailer keyword or object-stream listing there that the cross-reference data does not
  // account for is a disallowed change (hidden-object).
  const hide = async (hidden: (n: number) => string): Promise<SignatureReport> => {
    const signed = await kysoSign(await plainPdf());
    const n = contentsOf(signed);
    const data = `${hidden(n)}%${'x'.repeat(70_000)}\n`;
    const forged = update(signed, [
      [90, `<< /Length 91 0 R >>\nstream\n${data}\nendstream`],
      [91, String(data.length)],
    ]);
    const [s] = (await validate(forged)).signatures;
    return s!;
  };
  for (const [name, header] of [
    ['a six-digit generation', (n: number) => `${n} 000000 obj`],
    ['leading zeros', (n: number) => `0000000000${n} 0 obj`],
    ['a brace before the number', (n: number) => `}${n} 0 obj`],
    ['a sign', (n: number) => `+${n} -0 obj`],
    ['vertical tabs', (n: number) => `${n}\v0\vobj`],
    ['"objX"', (n: number) => `${n} 0 objX`],
    // a third pass: past a 40-digit bound, and a comment between the tokens (MuPDF's lexer skips it)
    ['300 leading zeros', (n: number) => `${'0'.repeat(300)}${n} 0 obj`],
    ['a comment before "obj"', (n: number) => `${n} 0 %c\nobj`],
    ['a comment after the number', (n: number) => `${n}%c\n0 obj`],
    ['5,000 spaces between the tokens (MuPDF skips any run)', (n: number) => `${n}${' '.repeat(5000)}0 obj`],
    // a fourth: a run of digits before the number (poppler reads 255-byte line pieces, MuPDF cuts long numbers)
    ['255 nines before the number', (n: number) => `${'9'.repeat(255)}${n} 0 obj`],
    ['65,536 nines before the number', (n: number) => `${'9'.repeat(65_536)}${n} 0 obj`],
    ['a string holding a % before the header', (n: number) => `(%) ${n} 0 obj`],
  ] as const) {
    it(`page contents hidden in stream data as ${name}, no repair trigger at all: DISALLOWED (hidden-object)`, async () => {
      const s = await hide((n) => `endstream\nendobj\n${header(n)}\n${contentStream(FORGED)}\nendobj\n`);
      expectNotPassed(s);
      expect(
        s.changes.map((c) => c.kind),
        explain(s),
      ).toContain('hidden-object');
    });
  }

  it('a hidden trailer naming a new catalog (a whole second document for a rebuilding viewer): DISALLOWED', async () => {
    const s = await hide(() => `endstream\nendobj\ntrailer\n<< /Root 95 0 R /Size 99 >>\n`);
    expectNotPassed(s);
    expect(s.changes.find((c) => c.kind === 'hidden-object')?.reason, explain(s)).toContain('trailer');
  });

  it('a header with 150 spaces in it across the first 1 MiB window of the appended bytes: found', async () => {
    const signed = await kysoSign(await plainPdf());
    const n = contentsOf(signed);
    const pad = (1 << 20) - 40;
    const data = `${'x'.repeat(pad)}\n${n}${' '.repeat(150)}0 obj\n${contentStream(FORGED)}\nendobj\n`;
    const forged = update(signed, [[90, `<< /Length ${data.length} >>\nstream\n${data}\nendstream`]]);
    const [s] = (await validate(forged)).signatures;
    expectNotPassed(s!);
    expect(
      s!.changes.map((c) => c.kind),
      explain(s!),
    ).toContain('hidden-object');
  });

  it('an object stream in an update listing the page contents without an entry for them: DISALLOWED', async () => {
    const signed = await kysoSign(await plainPdf());
    const n = contentsOf(signed);
    const inner = `${n} 0 ${contentStream(FORGED).replace(/\nstream[\s\S]*/, '')}`;
    const forged = update(signed, [
      [
        90,
        `<< /Type /ObjStm /N 1 /First ${String(n).length + 3} /Length ${inner.length} >>\nstream\n${inner}\nendstream`,
      ],
    ]);
    const [s] = (await validate(forged)).signatures;
    expectNotPassed(s!);
    expect(s!.changes.find((c) => c.kind === 'hidden-object')?.reason, explain(s!)).toContain('object stream');
  });

  it('a second signature on a file with object streams, then 100 KB of whitespace: both TOTAL-PASSED (no false alarm)', async () => {
    const objstm = run('qpdf', [
      '--object-streams=generate',
      tmp.file('plain.pdf', await plainPdf()),
      tmp.file('objstm.pdf'),
    ]);
    expect(objstm.status).toBe(0);
    const once = await kysoSign(new Uint8Array(readFileSync(tmp.file('objstm.pdf'))));
    const twice = concat(await kysoSign(once), ' '.repeat(100_000));
    const report = await validate(twice);
    expect(report.signatures.map(verdictOf)).toEqual(['TOTAL-PASSED/-', 'TOTAL-PASSED/-']);
  });
});

describe('updates every viewer reads, differently', () => {
  it('an update whose /Prev skips the signed revision: no signature reachable, but FAILED (unreachedSignatures), never "no signature"', async () => {
    const signed = await kysoSign(await plainPdf());
    const doc = PdfDocument.load(signed);
    const n = contentsOf(signed);
    const forged = update(signed, [[n, contentStream(FORGED)]], { prev: doc.revision(0).xrefOffset });
    const report = await validate(forged);
    expect(report.signatures).toEqual([]);
    expect(report.unreachedSignatures?.length, JSON.stringify(report.conclusion)).toBeGreaterThan(0);
    expect(report.conclusion.result).toBe('FAILED');
  });

  it('a hybrid update whose table frees the page contents while its /XRefStm keeps them: xref-hybrid-conflict', async () => {
    const signed = await kysoSign(await plainPdf());
    const doc = PdfDocument.load(signed);
    const n = contentsOf(signed);
    const at = doc.entry(n)!.entry;
    if (at.type !== 'offset') throw new Error('expected a plain object');
    const size = doc.nextObjectNumber + 1;
    const stmNum = size - 1;
    const stmAt = signed.length + 1;
    const row = (offset: number): Buffer => {
      const b = Buffer.alloc(7);
      b[0] = 1;
      b.writeUInt32BE(offset, 1);
      return b;
    };
    const data = Buffer.concat([row(at.offset), row(stmAt)]);
    const stm = `${stmNum} 0 obj\n<< /Type /XRef /Size ${size} /Index [${n} 1 ${stmNum} 1] /W [1 4 2] /Length ${data.length} >>\nstream\n${data.toString('latin1')}\nendstream\nendobj\n`;
    const tableAt = stmAt + stm.length;
    const root = doc.trailer.get('Root') as PdfRef;
    const tail = `xref\n0 1\n0000000000 65535 f \n${n} 1\n0000000000 00001 f \ntrailer\n<< /Size ${size} /Root ${root.num} 0 R /Prev ${doc.latest.xrefOffset} /XRefStm ${stmAt} >>\nstartxref\n${tableAt}\n%%EOF\n`;
    const forged = concat(signed, '\n', stm, tail);
    const [s] = (await validate(forged)).signatures;
    expectNotPassed(s!);
    expect(s!.changes.map((c) => c.kind)).toContain('xref-hybrid-conflict');
  });

  it('an /Encrypt added by an update after signing: DISALLOWED (viewers would decrypt the signed pages with it)', async () => {
    const signed = await kysoSign(await plainPdf());
    const forged = update(signed, [[90, '<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <00> /U <00> >>']], {
      trailer: '/Encrypt 90 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]',
    });
    const [s] = (await validate(forged)).signatures;
    expectNotPassed(s!);
    expect(s!.modifications, explain(s!)).toBe('DISALLOWED');
    expect(s!.changes.map((c) => c.kind)).toContain('encryption');
  });
});
