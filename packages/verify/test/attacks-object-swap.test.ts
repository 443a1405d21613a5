/**
 * Object swaps (issue 13, class 1): an update whose cross-reference entry for object N points at bytes whose header
 * names another object or generation. Viewers read such an entry differently, so the same file shows different
 * pages. Seen with the tools on this machine, on a file whose page content is object 4 ("SIGNED TEXT") and whose
 * update adds "6 0 obj" with "FORGED TEXT" behind the entry for 4:
 *
 *   `mutool draw -F txt` → "warning: repairing PDF document", SIGNED TEXT (MuPDF rejects the entry and rescans);
 *   `pdftotext` (poppler, as `pdftoppm` renders) → "xref num 4 not found but needed, try to reconstruct", SIGNED TEXT;
 *   a reader that follows the offset without checking the header shows FORGED TEXT.
 *
 * and with the update writing "4 1 obj" behind the entry "4 0": MuPDF follows the offset and draws FORGED TEXT while
 * poppler rebuilds the table, finds only a generation 1 and draws an empty page (`mutool draw -r 36` paints 337 dark
 * pixels, `pdftoppm -r 36 -gray` none). The test "the two viewers differ" below renders a kyso-signed file forged
 * that way with both tools and asserts it. kyso judges an update by every such reading: each forgery
 * here, built on kyso-signed files (pdf-lib input, a qpdf object-stream file, LibreOffice), must be TOTAL-FAILED or
 * INDETERMINATE with the modifications DISALLOWED and an OBJECT_SWAP finding, and every header mismatch is reported
 * as an XREF_ANOMALY warning.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PdfDict,
  PdfDocument,
  PdfName,
  PdfRef,
  PdfStream,
  PdfString,
  type IncrementalWriter,
  type PdfObject,
} from '@kyso/pdf';
import type { SignatureReport } from '@kyso/verify';
import { analyseModifications } from '../src/modifications/analyse.js';
import { READING_LIMITS } from '../src/modifications/readings.js';
import { run, scratch } from '../../../tests/helpers/tools.js';
import { bytesOf, concat, explain, kysoSign, plainPdf, REPO, validate, verdictOf } from './helpers/signed-pdfs.js';

const tmp = scratch('kyso-swap-');
afterAll(() => tmp.cleanup());

const stream = (dict: Record<string, PdfObject>, text: string): PdfStream => {
  const data = bytesOf(text);
  return PdfStream.fromBytes(new PdfDict({ ...dict, Length: data.length }), data);
};
const streamText = (text: string, dict = ''): string =>
  `<< ${dict} /Length ${text.length} >>\nstream\n${text}\nendstream`;

const asDict = (o: PdfObject | undefined): PdfDict => {
  if (!(o instanceof PdfDict)) throw new Error('expected a dictionary');
  return o;
};
function update(bytes: Uint8Array, change: (w: IncrementalWriter, doc: PdfDocument) => void): Uint8Array {
  const doc = PdfDocument.load(bytes);
  const w = doc.update();
  change(w, doc);
  return w.write();
}

const asRef = (o: PdfObject | undefined): PdfRef => {
  if (!(o instanceof PdfRef)) throw new Error('expected a reference');
  return o;
};

/** Pixels darker than mid-grey in a binary PGM (P5, 8 bits) as mutool and pdftoppm write it. */
function darkPixels(path: string): number {
  const bytes = readFileSync(path);
  const head = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!head) throw new Error(`${path} is not a binary PGM`);
  let dark = 0;
  for (const b of bytes.subarray(head[0].length)) if (b < 128) dark++;
  return dark;
}

/** Bytes written by hand in an update: the header they carry ("6 0") and the object's body. */
interface Written {
  header: [number, number];
  body: string;
}

/**
 * A hand-written incremental update after `bytes`: the objects as written, then a cross-reference section — a
 * classic table or an xref stream — whose entries (object number, generation, index of the written object) may
 * point at bytes carrying another header. /Root and /Size come from the file's trailer.
 */
function forge(
  bytes: Uint8Array,
  objects: Written[],
  entries: [number, number, number][],
  style: 'table' | 'stream',
): Uint8Array {
  const doc = PdfDocument.load(bytes);
  const root = asRef(doc.trailer.get('Root'));
  const size = Math.max(doc.nextObjectNumber, ...entries.map(([n]) => n + 1), ...objects.map((o) => o.header[0] + 1));
  let body = '\n';
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(bytes.length + body.length);
    body += `${o.header[0]} ${o.header[1]} obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = bytes.length + body.length;
  const rows = entries.map(([num, gen, i]) => ({ num, gen, offset: offsets[i] }));
  if (style === 'table') {
    body += 'xref\n';
    for (const r of [...rows].sort((a, b) => a.num - b.num))
      body += `${r.num} 1\n${String(r.offset).padStart(10, '0')} ${String(r.gen).padStart(5, '0')} n \n`;
    body += `trailer\n<< /Size ${size} /Root ${root.num} ${root.gen} R /Prev ${doc.latest.xrefOffset} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  } else {
    // the xref stream lists itself too (object `size`), uncompressed rows of /W [1 4 2]
    const all = [...rows, { num: size, gen: 0, offset: xrefAt }].sort((a, b) => a.num - b.num);
    const data = Buffer.alloc(all.length * 7);
    all.forEach((r, k) => {
      data[k * 7] = 1;
      data.writeUInt32BE(r.offset, k * 7 + 1);
      data.writeUInt16BE(r.gen, k * 7 + 5);
    });
    const index = all.flatMap((r) => [r.num, 1]).join(' ');
    body += `${size} 0 obj\n<< /Type /XRef /Size ${size + 1} /Index [${index}] /W [1 4 2] /Root ${root.num} ${root.gen} R /Prev ${doc.latest.xrefOffset} /Length ${data.length} >>\nstream\n${data.toString('latin1')}\nendstream\nendobj\n`;
    body += `startxref\n${xrefAt}\n%%EOF\n`;
  }
  return concat(bytes, body);
}

interface PageFacts {
  page: PdfRef;
  contents: PdfRef;
  resources: PdfRef | undefined;
  font: string;
  form: PdfRef | undefined;
  appearance: PdfRef | undefined;
  info: PdfRef | undefined;
}

/** The first page's content stream, resources, font name, drawn form XObject and annotation appearance. */
function facts(bytes: Uint8Array): PageFacts {
  const doc = PdfDocument.load(bytes);
  const { ref, dict } = doc.pages()[0];
  const c = doc.resolve(dict.get('Contents'));
  const contents = asRef(Array.isArray(c) ? c[0] : dict.get('Contents'));
  const resources = dict.get('Resources') instanceof PdfRef ? (dict.get('Resources') as PdfRef) : undefined;
  const res = asDict(doc.resolve(dict.get('Resources')));
  const [font] = asDict(doc.resolve(res.get('Font'))).keys();
  const xo = doc.resolve(res.get('XObject'));
  const form = xo instanceof PdfDict ? (xo.get('Fx') as PdfRef | undefined) : undefined;
  const annots = doc.resolve(dict.get('Annots'));
  const annot = Array.isArray(annots) && annots.length ? doc.resolve(annots[0]) : undefined;
  const ap = annot instanceof PdfDict ? doc.resolve(annot.get('AP')) : undefined;
  const appearance = ap instanceof PdfDict ? (ap.get('N') as PdfRef | undefined) : undefined;
  const info = doc.trailer.get('Info') instanceof PdfRef ? (doc.trailer.get('Info') as PdfRef) : undefined;
  return { page: ref, contents, resources, font, form, appearance, info };
}

/**
 * pdf-lib's one-page document made richer before signing: indirect page resources, a form XObject the page draws
 * and a text annotation with its own appearance stream.
 */
async function richPdf(): Promise<Uint8Array> {
  const doc = PdfDocument.load(await plainPdf());
  const w = doc.update();
  const { ref, dict } = doc.pages()[0];
  const res = asDict(doc.resolve(dict.get('Resources'))).clone();
  const [font] = asDict(doc.resolve(res.get('Font'))).keys();
  const fontsOnly = res.clone();
  const form = w.add(
    stream(
      { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 200, 40], Resources: fontsOnly },
      `BT /${font} 12 Tf 5 15 Td (Con dau: Da duyet) Tj ET`,
    ),
  );
  res.set('XObject', new PdfDict({ Fx: form }));
  const resources = w.add(res);
  const draw = w.add(stream({}, 'q 1 0 0 1 300 600 cm /Fx Do Q'));
  const apStream = w.add(
    stream(
      { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 120, 20], Resources: fontsOnly.clone() },
      `BT /${font} 10 Tf 2 6 Td (Ghi chu: hop le) Tj ET`,
    ),
  );
  const annot = w.add(
    new PdfDict({
      Type: PdfName.of('Annot'),
      Subtype: PdfName.of('Square'),
      Rect: [50, 500, 170, 520],
      F: 4,
      Contents: new PdfString(bytesOf('Ghi chu')),
      AP: new PdfDict({ N: apStream }),
    }),
  );
  const old = dict.get('Contents');
  w.set(
    ref,
    dict
      .clone()
      .set('Resources', resources)
      .set('Contents', [...(Array.isArray(old) ? old : [old as PdfRef]), draw])
      .set('Annots', [annot]),
  );
  return w.write();
}

/** Every signature anything but TOTAL-PASSED, the modifications DISALLOWED and the deciding finding OBJECT_SWAP. */
async function swapCaught(
  bytes: Uint8Array,
  detail: RegExp,
  options: { anomaly?: boolean } = {},
): Promise<SignatureReport> {
  const report = await validate(bytes);
  expect(report.signatures.length, 'the validator found no signature').toBeGreaterThan(0);
  const s = report.signatures[0];
  expect(['TOTAL-FAILED', 'INDETERMINATE'], explain(s)).toContain(s.indication);
  expect(s.modifications, explain(s)).toBe('DISALLOWED');
  expect(s.reasons[0].code, explain(s)).toBe('OBJECT_SWAP');
  expect(s.reasons[0].detail, explain(s)).toMatch(detail);
  if (options.anomaly !== false)
    expect(
      s.warnings.map((w) => w.code),
      explain(s),
    ).toContain('XREF_ANOMALY');
  return s;
}

const FORGED = (font: string): string => `BT /${font} 14 Tf 50 780 Td (Quyet dinh so 9/2026 - DA HUY) Tj ET`;

let signed: Uint8Array;
let rich: Uint8Array;
let f: PageFacts;
let r: PageFacts;

beforeAll(async () => {
  signed = await kysoSign(await plainPdf(), { reason: 'Phê duyệt' });
  rich = await kysoSign(await richPdf(), { reason: 'Phê duyệt' });
  f = facts(signed);
  r = facts(rich);
  expect(
    r.form && r.appearance && r.resources,
    'the rich file has a form XObject, an appearance and indirect resources',
  ).toBeTruthy();
});

describe('the files the forgeries start from pass', () => {
  it('kyso-signed (plain and rich): TOTAL-PASSED, no modifications, no anomaly', async () => {
    for (const bytes of [signed, rich]) {
      const [s] = (await validate(bytes)).signatures;
      expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
      expect(s.modifications).toBe('NONE');
      expect(s.warnings.map((w) => w.code)).not.toContain('XREF_ANOMALY');
    }
  });
});

describe('number mismatch', () => {
  it('the entry for the page contents points at "M 0 obj" with other text (classic table): offset readers show it → OBJECT_SWAP', async () => {
    const spare = PdfDocument.load(signed).nextObjectNumber + 5;
    const forged = forge(
      signed,
      [{ header: [spare, 0], body: streamText(FORGED(f.font)) }],
      [[f.contents.num, 0, 0]],
      'table',
    );
    // kyso's own reading rejects the header and falls back to the signed object: by itself it saw no change
    const doc = PdfDocument.load(forged);
    expect(doc.headerMismatches()).toEqual([
      {
        revision: doc.revisions.length - 1,
        num: f.contents.num,
        gen: 0,
        offset: expect.any(Number),
        found: { num: spare, gen: 0 },
      },
    ]);
    const s = await swapCaught(forged, /follows the cross-reference offset.* shows page contents/);
    expect(s.reasons[0].detail).toMatch(new RegExp(`header says "${spare} 0 obj"`));
  });

  it('the same with an xref stream update', async () => {
    const spare = PdfDocument.load(signed).nextObjectNumber + 5;
    const forged = forge(
      signed,
      [{ header: [spare, 0], body: streamText(FORGED(f.font)) }],
      [[f.contents.num, 0, 0]],
      'stream',
    );
    expect(PdfDocument.load(forged).latest.kind).toBe('stream');
    await swapCaught(forged, /follows the cross-reference offset.* shows page contents/);
  });

  it('the reverse: a new entry points at "N 0 obj" redefining the page contents (scanning readers take it) → OBJECT_SWAP', async () => {
    const spare = PdfDocument.load(signed).nextObjectNumber;
    const forged = forge(
      signed,
      [{ header: [f.contents.num, 0], body: streamText(FORGED(f.font)) }],
      [[spare, 0, 0]],
      'table',
    );
    // what a scanning reader takes for the page contents is the forged stream
    const doc = PdfDocument.load(forged);
    const scanned = doc.scannedObject(f.contents.num, 0)?.value;
    expect(scanned instanceof PdfStream && Buffer.from(doc.decode(scanned)).toString('latin1')).toContain('DA HUY');
    await swapCaught(forged, /rebuilds the cross-reference table by scanning shows page contents/);
  });

  it('a drawn form XObject swapped (xref stream update) → OBJECT_SWAP naming the XObject', async () => {
    const spare = PdfDocument.load(rich).nextObjectNumber + 3;
    const body = streamText(
      `BT /${r.font} 12 Tf 5 15 Td (Con dau: DA THU HOI) Tj ET`,
      '/Type /XObject /Subtype /Form /BBox [0 0 200 40]',
    );
    await swapCaught(forge(rich, [{ header: [spare, 0], body }], [[r.form!.num, 0, 0]], 'stream'), /drawn XObject/);
  });

  it('the page resources swapped for a dictionary with another font (classic table) → OBJECT_SWAP naming the resources', async () => {
    const spare = PdfDocument.load(rich).nextObjectNumber + 3;
    const body = `<< /Font << /${r.font} << /Type /Font /Subtype /Type1 /BaseFont /Courier >> >> /XObject << /Fx ${r.form!.num} 0 R >> >>`;
    await swapCaught(
      forge(rich, [{ header: [spare, 0], body }], [[r.resources!.num, 0, 0]], 'table'),
      /page resources/,
    );
  });

  it("an annotation's appearance swapped (xref stream update) → OBJECT_SWAP naming the appearance", async () => {
    const body = streamText(
      `BT /${r.font} 10 Tf 2 6 Td (Ghi chu: GIA MAO) Tj ET`,
      '/Type /XObject /Subtype /Form /BBox [0 0 120 20]',
    );
    const spare = PdfDocument.load(rich).nextObjectNumber;
    // the reverse direction: the appearance's own header behind a new entry, for scanning readers
    await swapCaught(forge(rich, [{ header: [r.appearance!.num, 0], body }], [[spare, 0, 0]], 'stream'), /appearance/);
  });
});

describe('generation mismatch', () => {
  it('the entry "N 0" points at "N 1 obj" (MuPDF draws it, poppler rebuilds and draws nothing) → OBJECT_SWAP', async () => {
    const forged = forge(
      signed,
      [{ header: [f.contents.num, 1], body: streamText(FORGED(f.font)) }],
      [[f.contents.num, 0, 0]],
      'table',
    );
    await swapCaught(
      forged,
      new RegExp(`object ${f.contents.num} 0 .*header says "${f.contents.num} 1 obj"|page contents`),
    );
  });

  it('the entry "N 1" points at "N 0 obj" (xref stream update) → OBJECT_SWAP', async () => {
    const forged = forge(
      signed,
      [{ header: [f.contents.num, 0], body: streamText(FORGED(f.font)) }],
      [[f.contents.num, 1, 0]],
      'stream',
    );
    await swapCaught(forged, /honours generation numbers.*page contents|header says/);
  });

  it('"N 1 obj" under an entry "N 1" redefining what the page references as N 0 R (no header mismatch) → OBJECT_SWAP', async () => {
    const forged = forge(
      signed,
      [{ header: [f.contents.num, 1], body: streamText(FORGED(f.font)) }],
      [[f.contents.num, 1, 0]],
      'table',
    );
    expect(PdfDocument.load(forged).headerMismatches()).toEqual([]);
    const s = await swapCaught(forged, /honours generation numbers.*page contents/, { anomaly: false });
    expect(s.changes.map((c) => c.kind)).toContain('object-swap');
  });

  it('the two viewers differ on that file: mutool draw paints the forged text, pdftoppm (poppler) a blank page', () => {
    const forged = forge(
      signed,
      [{ header: [f.contents.num, 1], body: streamText(FORGED(f.font)) }],
      [[f.contents.num, 0, 0]],
      'table',
    );
    const path = tmp.file('gen-mismatch.pdf', forged);
    expect(run('mutool', ['draw', '-q', '-F', 'txt', path]).stdout).toContain('DA HUY');
    expect(run('mutool', ['draw', '-q', '-r', '36', '-o', `${tmp.dir}/mupdf.pgm`, path]).status).toBe(0);
    expect(run('pdftoppm', ['-r', '36', '-gray', '-singlefile', path, `${tmp.dir}/poppler`]).status).toBe(0);
    expect(darkPixels(`${tmp.dir}/mupdf.pgm`), 'MuPDF follows the offset: text is painted').toBeGreaterThan(50);
    expect(
      darkPixels(`${tmp.dir}/poppler.pgm`),
      'poppler rebuilds the table, finds no "4 0 obj" of generation 0: blank',
    ).toBe(0);
    expect(run('pdftotext', [path, '-']).stdout).not.toContain('DA HUY');
  });
});

describe('other producers', () => {
  const producers: [string, 'table' | 'stream'][] = [
    ['qpdf-objstm.pdf', 'stream'],
    ['libreoffice-vi.pdf', 'table'],
    ['libreoffice-form.pdf', 'stream'],
  ];
  for (const [name, style] of producers) {
    it(`${name} signed by kyso, its page contents swapped (${style} update) → OBJECT_SWAP`, async () => {
      const base = await kysoSign(new Uint8Array(readFileSync(`${REPO}tests/fixtures/${name}`)));
      const [before] = (await validate(base)).signatures;
      expect(before.modifications, explain(before)).toBe('NONE');
      const p = facts(base);
      const spare = PdfDocument.load(base).nextObjectNumber + 2;
      await swapCaught(
        forge(base, [{ header: [spare, 0], body: streamText(FORGED(p.font)) }], [[p.contents.num, 0, 0]], style),
        /page contents/,
      );
    });
  }
});

describe('compressed entries', () => {
  it('qpdf object streams: the entry for the page resources names index 0 of a new object stream that lists another object there → OBJECT_SWAP', async () => {
    const base = await kysoSign(new Uint8Array(readFileSync(`${REPO}tests/fixtures/qpdf-objstm.pdf`)));
    const doc = PdfDocument.load(base);
    const p = facts(base);
    expect(p.resources && doc.entry(p.resources.num)?.entry.type, 'the resources are a compressed object').toBe(
      'compressed',
    );
    const res = asDict(doc.resolve(p.resources));
    const spare = doc.nextObjectNumber + 3;
    // the forged resources: the page's font swapped for Courier
    const forgedRes = `<< /Font << /${p.font} << /Type /Font /Subtype /Type1 /BaseFont /Courier >> >> >>`;
    expect(res.has('Font')).toBe(true);
    const header = `${spare} 0 `;
    const objStm = `<< /Type /ObjStm /N 1 /First ${header.length} /Length ${header.length + forgedRes.length} >>\nstream\n${header}${forgedRes}\nendstream`;
    const stmNum = spare + 1;
    const xrefNum = spare + 2;
    let body = '\n';
    const stmAt = base.length + body.length;
    body += `${stmNum} 0 obj\n${objStm}\nendobj\n`;
    const xrefAt = base.length + body.length;
    // rows (W [1 4 2]): the resources compressed at (stmNum, 0), the object stream, the xref stream itself
    const rows: [number, number, number, number][] = [
      [p.resources!.num, 2, stmNum, 0],
      [stmNum, 1, stmAt, 0],
      [xrefNum, 1, xrefAt, 0],
    ];
    rows.sort((a, b) => a[0] - b[0]);
    const data = Buffer.alloc(rows.length * 7);
    rows.forEach(([, type, f2, f3], k) => {
      data[k * 7] = type;
      data.writeUInt32BE(f2, k * 7 + 1);
      data.writeUInt16BE(f3, k * 7 + 5);
    });
    const root = asRef(doc.trailer.get('Root'));
    body += `${xrefNum} 0 obj\n<< /Type /XRef /Size ${xrefNum + 1} /Index [${rows.map((r) => `${r[0]} 1`).join(' ')}] /W [1 4 2] /Root ${root.num} 0 R /Prev ${doc.latest.xrefOffset} /Length ${data.length} >>\nstream\n${data.toString('latin1')}\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`;
    const forged = concat(base, body);
    const reread = PdfDocument.load(forged);
    expect(reread.headerMismatches()).toEqual([
      {
        revision: reread.revisions.length - 1,
        num: p.resources!.num,
        gen: 0,
        stream: { num: stmNum, index: 0 },
        found: { num: spare, gen: 0 },
      },
    ]);
    const s = await swapCaught(forged, /object stream index\) shows page resources/);
    expect(s.reasons[0].detail).toMatch(
      new RegExp(`index 0 of object stream ${stmNum}, where the stream lists object ${spare}`),
    );
  });
});

describe('harmless mismatches are still reported', () => {
  it('after the signature, the /Info entry points at an unused object: no content differs, the anomaly is named and the update DISALLOWED', async () => {
    expect(f.info).toBeDefined();
    const spare = PdfDocument.load(signed).nextObjectNumber + 7;
    const forged = forge(
      signed,
      [{ header: [spare, 0], body: '<< /Producer (kyso test) >>' }],
      [[f.info!.num, 0, 0]],
      'table',
    );
    const s = await swapCaught(forged, /header says/);
    expect(s.changes.map((c) => c.kind)).not.toContain('object-swap');
  });

  it('inside the signed revision, a mismatch on /Info: reported as XREF_ANOMALY, the signature still TOTAL-PASSED', async () => {
    const plain = await plainPdf();
    const info = asRef(PdfDocument.load(plain).trailer.get('Info'));
    const spare = PdfDocument.load(plain).nextObjectNumber + 7;
    const odd = forge(
      plain,
      [{ header: [spare, 0], body: '<< /Producer (odd producer) >>' }],
      [[info.num, 0, 0]],
      'table',
    );
    const [s] = (await validate(await kysoSign(odd))).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.modifications).toBe('NONE');
    expect(s.warnings.find((w) => w.code === 'XREF_ANOMALY')?.detail).toMatch(
      new RegExp(`entry ${info.num} 0 → "${spare} 0 obj"`),
    );
  });

  it('a file whose every entry points at no object (broken offsets, read by scanning) then annotated: anomalies reported, no reading differs, ALLOWED', () => {
    // kyso refuses to sign a damaged file, so the analysis is asked directly, the first revision taken as signed.
    // Its objects are found by scanning; the update rewrites the page, whose scan in the whole file is the new one:
    // as of the signed revision only the bytes before its end count, so nothing reads differently.
    const broken = new Uint8Array(readFileSync(`${REPO}tests/fixtures/broken-xref-offsets.pdf`));
    const before = PdfDocument.load(broken);
    expect(before.headerMismatches().length).toBeGreaterThan(0);
    expect(before.headerMismatches().every((m) => m.found === null)).toBe(true);
    const w = before.update();
    const { ref, dict } = before.pages()[0];
    const annot = w.add(
      new PdfDict({
        Type: PdfName.of('Annot'),
        Subtype: PdfName.of('Text'),
        Rect: [10, 10, 30, 30],
        Contents: new PdfString(bytesOf('Da xem')),
      }),
    );
    w.set(ref, dict.clone().set('Annots', [annot]));
    const a = analyseModifications(PdfDocument.load(w.write()), 0);
    expect(a.xrefAnomalies.every((x) => x.kind === 'no-object-header' && x.revision === 0)).toBe(true);
    expect(a.signedReadings).toEqual([]);
    expect(a.verdict, JSON.stringify(a.changes)).toBe('ALLOWED');
  });

  it('a legitimate update reusing an annotation number with generation 1, references updated: every reading agrees, ALLOWED', async () => {
    const annotated = update(signed, (w, doc) => {
      const { ref, dict } = doc.pages()[0];
      const a = w.add(
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Text'),
          Rect: [10, 10, 30, 30],
          Contents: new PdfString(bytesOf('Mot')),
        }),
      );
      const old = doc.resolve(dict.get('Annots'));
      w.set(ref, dict.clone().set('Annots', [...(Array.isArray(old) ? old : []), a]));
    });
    const reused = update(annotated, (w, doc) => {
      const { ref, dict } = doc.pages()[0];
      const annots = dict.get('Annots') as PdfRef[];
      const again = new PdfRef(annots[annots.length - 1].num, 1);
      w.set(
        again,
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Text'),
          Rect: [10, 10, 30, 30],
          Contents: new PdfString(bytesOf('Hai')),
        }),
      );
      w.set(ref, dict.clone().set('Annots', [...annots.slice(0, -1), again]));
    });
    expect(PdfDocument.load(reused).headerMismatches()).toEqual([]);
    const [s] = (await validate(reused)).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s.modifications).toBe('ALLOWED');
  });

  it('inside the signed revision, a mismatch on /Info and a page nested past what the readings follow: cannot tell → not TOTAL-PASSED', async () => {
    // the page carries a private entry nested deeper than READING_LIMITS.maxDepth: the content-bearing objects
    // cannot all be read each way, so the signed revision is not cleared
    const plain = await plainPdf();
    let deep: PdfObject = [new PdfRef(1, 0)];
    for (let i = 0; i < READING_LIMITS.maxDepth + 2; i++) deep = [deep];
    const nested = update(plain, (w, doc) => {
      const { ref, dict } = doc.pages()[0];
      w.set(ref, dict.clone().set('PieceInfo', deep));
    });
    const info = asRef(PdfDocument.load(nested).trailer.get('Info'));
    const odd = forge(
      nested,
      [{ header: [PdfDocument.load(nested).nextObjectNumber + 7, 0], body: '<< /Producer (odd producer) >>' }],
      [[info.num, 0, 0]],
      'table',
    );
    const [s] = (await validate(await kysoSign(odd))).signatures;
    expect(s.indication, explain(s)).not.toBe('TOTAL-PASSED');
    expect(s.reasons[0].code, explain(s)).toBe('MODIFICATIONS_NOT_ANALYSED');
    expect(s.reasons[0].detail).toMatch(/content-bearing objects could not all be read/);
  });

  it('inside the signed revision, the page contents read differently by viewers: TOTAL-FAILED / FORMAT_FAILURE (SIGNED_CONTENT_AMBIGUOUS)', async () => {
    const plain = await plainPdf();
    const p = facts(plain);
    const spare = PdfDocument.load(plain).nextObjectNumber + 7;
    const odd = forge(
      plain,
      [{ header: [spare, 0], body: streamText(FORGED(p.font)) }],
      [[p.contents.num, 0, 0]],
      'table',
    );
    const [s] = (await validate(await kysoSign(odd))).signatures;
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0].code).toBe('SIGNED_CONTENT_AMBIGUOUS');
    expect(s.reasons[0].detail).toMatch(/page-contents/);
  });
});
