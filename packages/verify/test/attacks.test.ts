/**
 * The known PDF signature attacks, built in the test on files kyso signs, through validatePdf: none may give
 * TOTAL-PASSED, and where the indication is determined it is asserted. Universal signature forgery, incremental
 * saving and signature wrapping follow Mladenov et al. 2019 ("1 Trillion Dollar Refund"); shadow hide, replace and
 * hide-and-replace follow Mainka et al. 2021 ("Shadow Attacks"); certification attacks Rohlmann et al. 2021. The
 * legitimate changes beside them (an annotation where DocMDP allows it, a second signature) must still pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PdfDict,
  PdfDocument,
  PdfName,
  PdfRef,
  PdfStream,
  PdfString,
  stringText,
  type IncrementalWriter,
  type PdfObject,
} from '@kyso/pdf';
import type { SignatureReport } from '@kyso/verify';
import { parsePdfsig } from '../../../tests/helpers/nss.js';
import { pdfsig, scratch } from '../../../tests/helpers/tools.js';
import {
  bytesOf,
  concat,
  explain,
  kysoSign,
  latin1,
  offsetOf,
  overwrite,
  padTo,
  plainPdf,
  signatureTokens,
  validate,
  verdictOf,
} from './helpers/signed-pdfs.js';

const tmp = scratch('kyso-attacks-');
afterAll(() => tmp.cleanup());

/** pdfsig's view of the file (poppler, no trust store): the second opinion on integrity. */
function popplerSays(name: string, bytes: Uint8Array): ReturnType<typeof parsePdfsig> {
  return parsePdfsig(pdfsig(tmp.file(name, bytes)).stdout);
}

/** The one signature of a file (or the first of several), with a readable dump for assertion messages. */
async function firstSignature(bytes: Uint8Array): Promise<SignatureReport> {
  const report = await validate(bytes);
  expect(report.signatures.length, 'the validator found no signature').toBeGreaterThan(0);
  return report.signatures[0];
}

/** Every signature of the attacked file is anything but TOTAL-PASSED. */
async function neverPassed(bytes: Uint8Array): Promise<SignatureReport[]> {
  const report = await validate(bytes);
  expect(report.signatures.length, 'the validator found no signature').toBeGreaterThan(0);
  for (const s of report.signatures) expect(s.indication, explain(s)).not.toBe('TOTAL-PASSED');
  return report.signatures;
}

const stream = (dict: Record<string, PdfObject>, text: string): PdfStream => {
  const data = bytesOf(text);
  return PdfStream.fromBytes(new PdfDict({ ...dict, Length: data.length }), data);
};

const asDict = (o: PdfObject | undefined): PdfDict => {
  if (!(o instanceof PdfDict)) throw new Error('expected a dictionary');
  return o;
};

/** Applies `change` to a writer on `bytes` and returns the file with that one incremental update. */
function update(bytes: Uint8Array, change: (w: IncrementalWriter, doc: PdfDocument) => void): Uint8Array {
  const doc = PdfDocument.load(bytes);
  const w = doc.update();
  change(w, doc);
  return w.write();
}

/** The first page's reference, dictionary, content stream references and font resource name. */
function firstPage(doc: PdfDocument): {
  ref: PdfRef;
  dict: PdfDict;
  contents: PdfRef[];
  fontName: string;
  fontRef: PdfRef;
} {
  const { ref, dict } = doc.pages()[0];
  const c = dict.get('Contents');
  const contents = (Array.isArray(c) ? c : [c]).filter((x): x is PdfRef => x instanceof PdfRef);
  const fonts = asDict(doc.resolve(asDict(doc.resolve(dict.get('Resources'))).get('Font')));
  const [fontName] = fonts.keys();
  return { ref, dict, contents, fontName, fontRef: fonts.get(fontName) as PdfRef };
}

function addTextAnnotation(bytes: Uint8Array): Uint8Array {
  return update(bytes, (w, doc) => {
    const page = firstPage(doc);
    const annot = w.add(
      new PdfDict({
        Type: PdfName.of('Annot'),
        Subtype: PdfName.of('Text'),
        Rect: [100, 100, 120, 120],
        Contents: new PdfString(bytesOf('Da xem')),
      }),
    );
    const old = doc.resolve(page.dict.get('Annots'));
    w.set(page.ref, page.dict.clone().set('Annots', [...(Array.isArray(old) ? old : []), annot]));
  });
}

let input: Uint8Array;
let approval: Uint8Array;

beforeAll(async () => {
  input = await plainPdf();
  approval = await kysoSign(input, { reason: 'Phê duyệt' });
});

describe('the unmodified file passes (the baseline every attack starts from)', () => {
  it('a kyso-signed file is TOTAL-PASSED, intact, whole file covered, no modifications', async () => {
    const s = await firstSignature(approval);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
    expect(s).toMatchObject({ intact: true, coverage: 'ENTIRE_FILE', modifications: 'NONE' });
    expect(popplerSays('baseline.pdf', approval)[0].valid).toBe(true);
  });
});

describe('integrity', () => {
  it('a flipped byte in the first signed range is TOTAL-FAILED / HASH_FAILURE (pdfsig: digest mismatch)', async () => {
    const { byteRange } = signatureTokens(approval);
    const at = offsetOf(approval, '/MediaBox', { first: true }) + 1; // "/MediaBox" → "/NediaBox"
    expect(at).toBeLessThan(byteRange.values[1]);
    const tampered = approval.slice();
    tampered[at] ^= 0x03;
    const s = await firstSignature(tampered);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/HASH_FAILURE');
    expect(s.intact).toBe(false);
    const poppler = popplerSays('flipped-first.pdf', tampered)[0];
    expect(poppler.valid).toBe(false);
    expect(poppler.signatureValidation).toMatch(/Digest Mismatch/i);
  });

  it('a flipped byte in the second signed range (the signing time /M) is TOTAL-FAILED / HASH_FAILURE', async () => {
    const { byteRange } = signatureTokens(approval);
    const at = offsetOf(approval, '/M(D:') + 5; // first digit of the year
    expect(at).toBeGreaterThanOrEqual(byteRange.values[2]);
    const tampered = overwrite(approval, at, approval[at] === 0x31 ? '2' : '1');
    const s = await firstSignature(tampered);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/HASH_FAILURE');
  });

  it('a changed byte inside /Contents (the signature value) is TOTAL-FAILED / SIG_CRYPTO_FAILURE or a format failure', async () => {
    const { contents } = signatureTokens(approval);
    const hex = latin1(approval.subarray(contents.start, contents.end));
    const lastNonZero = contents.start + hex.replace(/0+>$/, '').length - 1; // last hex digit of the DER
    const tampered = overwrite(approval, lastNonZero, approval[lastNonZero] === 0x41 ? 'B' : 'A');
    const s = await firstSignature(tampered);
    expect(s.indication, explain(s)).toBe('TOTAL-FAILED');
    expect(['SIG_CRYPTO_FAILURE', 'FORMAT_FAILURE'], explain(s)).toContain(s.subIndication);
  });
});

describe('incremental saving attacks', () => {
  it('objects appended after %%EOF without an update (no xref) make the modifications DISALLOWED', async () => {
    const page = firstPage(PdfDocument.load(approval));
    const attacked = concat(
      approval,
      `\n${page.contents[0].num} 0 obj\n<< /Length 44 >>\nstream\nBT /F1 40 Tf 50 400 Td (Da thanh toan) Tj ET\nendstream\nendobj\n`,
    );
    const s = await firstSignature(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.intact).toBe(true); // the signed bytes are untouched: it is what came after that fails
    expect(s.coverage).toBe('ENTIRE_REVISION');
  });

  it('a complete update appended after %%EOF (objects, xref, trailer) that changes the page content is DISALLOWED', async () => {
    const attacked = update(approval, (w, doc) => {
      const page = firstPage(doc);
      const evil = w.add(stream({}, `BT /${page.fontName} 28 Tf 50 600 Td (So tien: 1.000.000.000 VND) Tj ET`));
      w.set(page.ref, page.dict.clone().set('Contents', [...page.contents, evil]));
    });
    const s = await firstSignature(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.changes.some((c) => !c.allowed && c.kind === 'page-content')).toBe(true);
    // poppler agrees the signature itself is valid but no longer covers the whole document
    const poppler = popplerSays('isa-content.pdf', attacked)[0];
    expect(poppler.valid).toBe(true);
    expect(poppler.totalDocumentSigned).toBe(false);
  });

  it('an update that only rewrites the signed content stream object is DISALLOWED', async () => {
    const attacked = update(approval, (w, doc) => {
      const page = firstPage(doc);
      w.set(page.contents[0], stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 9/2026) Tj ET`));
    });
    const s = await firstSignature(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
  });

  it('a comment appended after %%EOF is flagged too (bytes no revision accounts for)', async () => {
    const s = await firstSignature(concat(approval, '% nothing to see here\n'));
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(s.indication).not.toBe('TOTAL-PASSED');
  });
});

describe('annotations and DocMDP', () => {
  const cases = [
    { certify: 1, expected: 'DISALLOWED' },
    { certify: 2, expected: 'DISALLOWED' },
    { certify: 3, expected: 'ALLOWED' },
    { certify: undefined, expected: 'ALLOWED' },
  ] as const;
  for (const { certify, expected } of cases) {
    const what = certify ? `a certified file (DocMDP P=${certify})` : 'an approval-signed file';
    it(`an annotation added to ${what}: modifications ${expected}${expected === 'ALLOWED' ? ', still TOTAL-PASSED' : ', never TOTAL-PASSED'}`, async () => {
      const signed = certify ? await kysoSign(input, { certify }) : approval;
      const before = await firstSignature(signed);
      expect(before.kind).toBe(certify ? 'certification' : 'approval');
      expect(before.certification).toEqual(certify ? { docMdp: certify } : null);
      const s = await firstSignature(addTextAnnotation(signed));
      expect(s.modifications, explain(s)).toBe(expected);
      if (expected === 'ALLOWED') {
        expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
        expect(s.warnings.map((w) => w.code)).toContain('MODIFIED_ALLOWED');
        expect(s.changes.every((c) => c.allowed)).toBe(true);
      } else {
        expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
      }
    });
  }
});

describe('a second signature', () => {
  it('both signatures TOTAL-PASSED; the first sees ALLOWED modifications, the second NONE', async () => {
    const twice = await kysoSign(approval, { p12: 'seal.p12', reason: 'Đóng dấu' });
    const report = await validate(twice);
    expect(report.signatures.map((s) => s.fieldName)).toEqual(['Signature1', 'Signature2']);
    expect(report.signatures.map(verdictOf)).toEqual(['TOTAL-PASSED/-', 'TOTAL-PASSED/-']);
    expect(report.signatures.map((s) => s.modifications)).toEqual(['ALLOWED', 'NONE']);
    expect(report.signatures.map((s) => s.coverage)).toEqual(['ENTIRE_REVISION', 'ENTIRE_FILE']);
    expect(report.signatures[1].signer?.organizationalUnit).toBe('Văn phòng');
  });

  it('a later update that drops the second signature from the form (hiding a signer): both reported, the second as hidden, both DISALLOWED', async () => {
    const twice = await kysoSign(approval, { p12: 'seal.p12' });
    const attacked = update(twice, (w, doc) => {
      const catalog = asDict(doc.catalog());
      const acro = asDict(doc.resolve(catalog.get('AcroForm')));
      const fields = doc.resolve(acro.get('Fields')) as PdfRef[];
      const newAcro = acro.clone().set('Fields', fields.slice(0, 1));
      const acroRef = catalog.get('AcroForm');
      if (acroRef instanceof PdfRef) w.set(acroRef, newAcro);
      else w.set(doc.trailer.get('Root') as PdfRef, catalog.clone().set('AcroForm', newAcro));
    });
    const report = await validate(attacked);
    expect(report.signatures.map((s) => s.fieldName)).toEqual(['Signature1', 'Signature2']);
    expect(report.signatures.map((s) => s.hidden?.cause ?? null)).toEqual([null, 'field-removed']);
    for (const s of await neverPassed(attacked)) expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('a second signature on a P=2 certified file is allowed (P=2 permits signing)', async () => {
    const certified = await kysoSign(input, { certify: 2 });
    const twice = await kysoSign(certified, { p12: 'seal.p12', visible: { page: 1, rect: [300, 50, 200, 60] } });
    const [first, second] = (await validate(twice)).signatures;
    expect(first.kind).toBe('certification');
    expect(first.modifications, explain(first)).toBe('ALLOWED');
    expect(verdictOf(first), explain(first)).toBe('TOTAL-PASSED/-');
    expect(verdictOf(second), explain(second)).toBe('TOTAL-PASSED/-');
  });
});

describe('universal signature forgery (USF): the signature dictionary rewritten in place', () => {
  // Each variant keeps every offset (same-length edits), so the file still parses and only the forgery is judged.
  const forge = (edit: (b: Uint8Array, t: ReturnType<typeof signatureTokens>) => Uint8Array) =>
    edit(approval, signatureTokens(approval));
  const contentsAs = (text: string) => (b: Uint8Array, t: ReturnType<typeof signatureTokens>) =>
    overwrite(b, t.contents.start, padTo(text, t.contents.end - t.contents.start));
  const byteRangeAs = (text: string) => (b: Uint8Array, t: ReturnType<typeof signatureTokens>) =>
    overwrite(b, t.byteRange.start, padTo(text, t.byteRange.end - t.byteRange.start));
  const withRange = (f: (v: number[]) => number[]) => (b: Uint8Array, t: ReturnType<typeof signatureTokens>) =>
    byteRangeAs(`/ByteRange [${f(t.byteRange.values).join(' ')}]`)(b, t);

  const FORMAT = 'TOTAL-FAILED/FORMAT_FAILURE';
  const variants: [string, (b: Uint8Array, t: ReturnType<typeof signatureTokens>) => Uint8Array, string, string][] = [
    ['/Contents missing', contentsAs(''), FORMAT, 'CMS_UNREADABLE'],
    ['/Contents empty', contentsAs('/Contents <>'), FORMAT, 'CMS_UNREADABLE'],
    ['/Contents null', contentsAs('/Contents null'), FORMAT, 'CMS_UNREADABLE'],
    ['/Contents an empty literal string', contentsAs('/Contents ()'), FORMAT, 'CMS_UNREADABLE'],
    [
      '/Contents all zeros',
      (b, t) => overwrite(b, t.contents.start, `/Contents <${'0'.repeat(t.contents.end - t.contents.start - 12)}>`),
      FORMAT,
      'CMS_UNREADABLE',
    ],
    ['/Contents a number', contentsAs('/Contents 0'), FORMAT, 'CMS_UNREADABLE'],
    ['/ByteRange missing', byteRangeAs(''), FORMAT, 'BYTERANGE_INVALID'],
    ['/ByteRange null', byteRangeAs('/ByteRange null'), FORMAT, 'BYTERANGE_INVALID'],
    ['/ByteRange []', byteRangeAs('/ByteRange []'), FORMAT, 'BYTERANGE_INVALID'],
    ['/ByteRange [0 0 0 0]', byteRangeAs('/ByteRange [0 0 0 0]'), FORMAT, 'BYTERANGE_INVALID'],
    [
      '/ByteRange with the first length one short',
      withRange(([a, b, c, d]) => [a, b - 1, c, d]),
      FORMAT,
      'BYTERANGE_INVALID',
    ],
    // one byte of the file left out at the end: the ranges no longer hash to the signed digest
    [
      '/ByteRange with the second length one short',
      withRange(([a, b, c, d]) => [a, b, c, d - 1]),
      'TOTAL-FAILED/HASH_FAILURE',
      'HASH_MISMATCH',
    ],
    [
      '/ByteRange past the end of the file',
      withRange(([a, b, c, d]) => [a, b, c, d + 1000]),
      FORMAT,
      'BYTERANGE_INVALID',
    ],
    ['/ByteRange covering only the first part', withRange(([a, b]) => [a, b]), FORMAT, 'BYTERANGE_INVALID'],
    ['/ByteRange with negative numbers', withRange(([a, b, c, d]) => [a, b, -c, d]), FORMAT, 'BYTERANGE_INVALID'],
    ['/ByteRange not starting at 0', withRange(([, b, c, d]) => [1, b - 1, c, d]), FORMAT, 'BYTERANGE_INVALID'],
    ['/ByteRange of six numbers', withRange(([a, b, c, d]) => [a, b, c, d, 0, 0]), FORMAT, 'BYTERANGE_INVALID'],
  ];

  for (const [name, edit, expected, reason] of variants) {
    it(`${name} → ${expected} (${reason})`, async () => {
      const forged = forge(edit);
      expect(forged.length).toBe(approval.length);
      const report = await validate(forged);
      expect(report.signatures, 'the forged field must still be reported, never skipped').toHaveLength(1);
      const s = report.signatures[0];
      expect(verdictOf(s), explain(s)).toBe(expected);
      expect(s.reasons[0].code, explain(s)).toBe(reason);
      expect(s.intact, explain(s)).toBe(false);
    });
  }

  it('an update that copies the signature into a new field with /ByteRange removed and the page changed → no signature passes', async () => {
    const attacked = update(approval, (w, doc) => {
      const page = firstPage(doc);
      const acroRef = doc.catalog()?.get('AcroForm');
      const acro = asDict(doc.resolve(acroRef));
      const field = asDict(doc.resolve((doc.resolve(acro.get('Fields')) as PdfRef[])[0]));
      const sig = asDict(doc.resolve(field.get('V'))).clone();
      sig.delete('ByteRange');
      const forged = w.add(sig);
      const widget = w.add(
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          FT: PdfName.of('Sig'),
          T: new PdfString(bytesOf('Signature2')),
          V: forged,
          Rect: [0, 0, 0, 0],
          P: page.ref,
        }),
      );
      const evil = w.add(stream({}, `BT /${page.fontName} 28 Tf 50 600 Td (Da huy) Tj ET`));
      w.set(
        page.ref,
        page.dict
          .clone()
          .set('Contents', [...page.contents, evil])
          .set('Annots', [...((doc.resolve(page.dict.get('Annots')) as PdfObject[]) ?? []), widget]),
      );
      const catalog = doc.catalog() as PdfDict;
      const newAcro = acro.clone().set('Fields', [...(doc.resolve(acro.get('Fields')) as PdfRef[]), widget]);
      if (acroRef instanceof PdfRef) w.set(acroRef, newAcro);
      else w.set(doc.trailer.get('Root') as PdfRef, catalog.clone().set('AcroForm', newAcro));
    });
    const sigs = await neverPassed(attacked);
    expect(sigs).toHaveLength(2);
    expect(sigs[0].modifications, explain(sigs[0])).toBe('DISALLOWED');
    expect(sigs[1].indication, explain(sigs[1])).toBe('TOTAL-FAILED');
  });
});

describe('signature wrapping (SWA)', () => {
  /**
   * Mladenov et al.'s wrapping: the signed second part (from the end of /Contents to %%EOF) is moved to the end of
   * the file; the room this frees in the /Contents gap (its zero padding) holds a new /ByteRange pointing at the
   * moved copy, objects of the attacker's and — at the exact offset the signed `startxref` names — a new xref
   * table. The signed bytes are all still there and hash correctly; the file the reader builds is the attacker's.
   */
  function wrap(signed: Uint8Array): Uint8Array {
    const { byteRange, contents } = signatureTokens(signed);
    const [, b, c, d] = byteRange.values;
    expect(c + d).toBe(signed.length);
    const der = latin1(signed.subarray(contents.start, contents.end))
      .replace(/^\/Contents\s*</, '')
      .replace(/0*>$/, '');
    const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(latin1(signed))?.[1]);
    expect(startxref).toBeGreaterThan(c);
    const doc = PdfDocument.load(signed);
    const page = firstPage(doc);
    // The moved second part starts after everything the attacker writes; its startxref still says `startxref`.
    const cStar = startxref + 4000;
    let gap = `<${der}${der.length % 2 ? '0' : ''}>/ByteRange [0 ${b} ${cStar} ${d}]>>\nendobj\n`;
    const evilAt = b + gap.length;
    const evilText = `BT /${page.fontName} 28 Tf 50 600 Td (So tien: 1.000.000.000 VND) Tj ET`;
    gap += `${page.contents[0].num} 0 obj\n<< /Length ${evilText.length} >>\nstream\n${evilText}\nendstream\nendobj\n`;
    expect(b + gap.length).toBeLessThan(startxref);
    gap += ' '.repeat(startxref - b - gap.length);
    // The new xref: the signature update's objects where they now are (those of the second part moved by
    // cStar - c), and the page content stream redefined by the attacker.
    const offsets = new Map<number, number>([[page.contents[0].num, evilAt]]);
    for (const [n, e] of doc.latest.entries) {
      if (e.type === 'offset') offsets.set(n, e.offset >= c ? e.offset + (cStar - c) : e.offset);
    }
    const nums = [...offsets.keys()].sort((x, y) => x - y);
    let xref = 'xref\n';
    for (const n of nums) xref += `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n \n`;
    const trailer = doc.trailer;
    xref += `trailer\n<</Size ${trailer.get('Size') as number}/Prev ${trailer.get('Prev') as number}/Root ${(trailer.get('Root') as PdfRef).num} 0 R>>\n`;
    const head = concat(signed.subarray(0, b), gap, xref);
    expect(head.length).toBeLessThan(cStar);
    return concat(head, ' '.repeat(cStar - head.length), signed.subarray(c));
  }

  it('the second signed part moved behind attacker objects and a new xref: TOTAL-FAILED / FORMAT_FAILURE', async () => {
    const wrapped = wrap(approval);
    // The attack is real: a reader sees the attacker's page text, and the ranges the file now names hash correctly.
    const doc = PdfDocument.load(wrapped);
    const page = firstPage(doc);
    expect(latin1(doc.decode(doc.resolve(page.contents[0]) as PdfStream))).toContain('So tien: 1.000.000.000 VND');
    const [s] = await neverPassed(wrapped);
    expect(s.intact, explain(s)).toBe(true);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.reasons[0].code, explain(s)).toBe('BYTERANGE_INVALID');
  });

  it('a second copy of the signature dictionary in an update (the field now points at the copy) is DISALLOWED', async () => {
    const attacked = update(approval, (w, doc) => {
      const acro = asDict(doc.resolve(doc.catalog()?.get('AcroForm')));
      const fieldRef = (doc.resolve(acro.get('Fields')) as PdfRef[])[0];
      const field = asDict(doc.resolve(fieldRef));
      const copy = w.add(asDict(doc.resolve(field.get('V'))).clone());
      w.set(fieldRef, field.clone().set('V', copy));
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(s.changes.find((c) => !c.allowed)?.kind, explain(s)).toBe('signed-field-changed');
  });

  it('the signature dictionary redefined in an update by an identical copy, with the page changed, is DISALLOWED', async () => {
    const attacked = update(approval, (w, doc) => {
      const page = firstPage(doc);
      const acro = asDict(doc.resolve(doc.catalog()?.get('AcroForm')));
      const field = asDict(doc.resolve((doc.resolve(acro.get('Fields')) as PdfRef[])[0]));
      const sigRef = field.get('V') as PdfRef;
      w.set(sigRef, asDict(doc.resolve(sigRef)).clone());
      w.set(page.contents[0], stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 9/2026) Tj ET`));
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });
});

describe('shadow attacks', () => {
  /**
   * The shadow document an attacker hands the signer: the visible page plus, already in the signed revision,
   * hidden content — behind an optional content group that is OFF, under a white overlay form XObject, and a
   * second page (with its own page tree node) that no page tree references.
   */
  async function shadowDocument(): Promise<{
    bytes: Uint8Array;
    ocgDefaults: PdfRef;
    cover: PdfRef;
    hiddenPages: PdfRef;
    hiddenPage: PdfRef;
  }> {
    const plain = await plainPdf();
    const doc = PdfDocument.load(plain);
    const w = doc.update();
    const page = firstPage(doc);
    const ocg = w.add(new PdfDict({ Type: PdfName.of('OCG'), Name: new PdfString(bytesOf('Ghi chu')) }));
    const ocgDefaults = w.add(new PdfDict({ Order: [ocg], ON: [], OFF: [ocg] }));
    const hiddenText = w.add(
      stream({}, `/OC /oc1 BDC BT /${page.fontName} 20 Tf 50 500 Td (Da nhan du 500.000.000 VND) Tj ET EMC`),
    );
    const cover = w.add(
      stream(
        { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 595, 842] },
        '1 1 1 rg 40 380 500 40 re f',
      ),
    );
    const underCover = w.add(
      stream({}, `BT /${page.fontName} 20 Tf 50 390 Td (Ben B da thanh toan) Tj ET q /Cover Do Q`),
    );
    const resources = asDict(doc.resolve(page.dict.get('Resources')))
      .clone()
      .set('Properties', new PdfDict({ oc1: ocg }))
      .set('XObject', new PdfDict({ Cover: cover }));
    w.set(
      page.ref,
      page.dict
        .clone()
        .set('Contents', [...page.contents, hiddenText, underCover])
        .set('Resources', resources),
    );
    const catalogRef = doc.trailer.get('Root') as PdfRef;
    w.set(
      catalogRef,
      asDict(doc.catalog())
        .clone()
        .set('OCProperties', new PdfDict({ OCGs: [ocg], D: ocgDefaults })),
    );
    // A page tree the catalog does not use, holding a page with other content.
    const hiddenPages = w.allocate();
    const hiddenContent = w.add(
      stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 1/2026 - HUY BO) Tj ET`),
    );
    const hiddenPage = w.add(
      new PdfDict({
        Type: PdfName.of('Page'),
        Parent: hiddenPages,
        MediaBox: [0, 0, 595, 842],
        Resources: page.dict.get('Resources') as PdfObject,
        Contents: hiddenContent,
      }),
    );
    w.set(hiddenPages, new PdfDict({ Type: PdfName.of('Pages'), Kids: [hiddenPage], Count: 1 }));
    return { bytes: w.write(), ocgDefaults, cover, hiddenPages, hiddenPage };
  }

  let shadow: Awaited<ReturnType<typeof shadowDocument>>;
  let signed: Uint8Array;
  beforeAll(async () => {
    shadow = await shadowDocument();
    signed = await kysoSign(shadow.bytes);
    const s = await firstSignature(signed);
    expect(verdictOf(s), `the shadow document itself signs and validates: ${explain(s)}`).toBe('TOTAL-PASSED/-');
  });

  async function expectCaught(attacked: Uint8Array): Promise<void> {
    const [s] = await neverPassed(attacked);
    expect(s.intact, explain(s)).toBe(true);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
  }

  it('hide: the optional content group switched ON by redefining its default configuration', async () => {
    await expectCaught(
      update(signed, (w, doc) =>
        w.set(
          shadow.ocgDefaults,
          asDict(doc.resolve(shadow.ocgDefaults))
            .clone()
            .set('ON', asDict(doc.resolve(shadow.ocgDefaults)).get('OFF') as PdfObject)
            .set('OFF', []),
        ),
      ),
    );
  });

  it('hide: /OCProperties replaced in the catalog', async () => {
    await expectCaught(
      update(signed, (w, doc) => {
        const catalog = asDict(doc.catalog());
        const ocp = asDict(doc.resolve(catalog.get('OCProperties')));
        w.set(
          doc.trailer.get('Root') as PdfRef,
          catalog
            .clone()
            .set(
              'OCProperties',
              new PdfDict({ OCGs: ocp.get('OCGs') as PdfObject, D: new PdfDict({ ON: ocp.get('OCGs') as PdfObject }) }),
            ),
        );
      }),
    );
  });

  it('hide: the white overlay form XObject redefined as empty, uncovering the text beneath', async () => {
    await expectCaught(
      update(signed, (w) =>
        w.set(
          shadow.cover,
          stream({ Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 595, 842] }, ''),
        ),
      ),
    );
  });

  it('replace: the page font redefined with other glyphs for the digits', async () => {
    await expectCaught(
      update(signed, (w, doc) => {
        const { fontRef } = firstPage(doc);
        const font = asDict(doc.resolve(fontRef)).clone();
        font.set(
          'Encoding',
          new PdfDict({
            Type: PdfName.of('Encoding'),
            BaseEncoding: PdfName.of('WinAnsiEncoding'),
            Differences: [49, PdfName.of('nine'), PdfName.of('eight')],
          }),
        );
        w.set(fontRef, font);
      }),
    );
  });

  it('replace: the page content stream object redefined', async () => {
    await expectCaught(
      update(signed, (w, doc) => {
        const page = firstPage(doc);
        w.set(page.contents[0], stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 7/2026) Tj ET`));
      }),
    );
  });

  it('hide-and-replace: a new catalog in the trailer (/Root) with the hidden page tree', async () => {
    await expectCaught(
      update(signed, (w, doc) => {
        const catalog = asDict(doc.catalog()).clone().set('Pages', shadow.hiddenPages);
        w.setTrailer('Root', w.add(catalog));
      }),
    );
  });

  it('hide-and-replace: only the trailer /Root switched to a second catalog prepared in the signed revision, sharing its AcroForm (the update defines no object)', async () => {
    // The shadow document offers an empty signature field in an indirect AcroForm that both catalogs use; the
    // victim signs that field; the attacker's update then only names the other catalog in its trailer.
    const plain = await plainPdf();
    const doc = PdfDocument.load(plain);
    const w = doc.update();
    const page = firstPage(doc);
    const field = w.add(
      new PdfDict({
        Type: PdfName.of('Annot'),
        Subtype: PdfName.of('Widget'),
        FT: PdfName.of('Sig'),
        T: new PdfString(bytesOf('ChuKy')),
        Rect: [0, 0, 0, 0],
        F: 132,
        P: page.ref,
      }),
    );
    const acroForm = w.add(new PdfDict({ Fields: [field], SigFlags: 3 }));
    w.set(page.ref, page.dict.clone().set('Annots', [field]));
    w.set(doc.trailer.get('Root') as PdfRef, asDict(doc.catalog()).clone().set('AcroForm', acroForm));
    const hiddenContent = w.add(
      stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 1/2026 - HUY BO) Tj ET`),
    );
    const hiddenPages = w.allocate();
    const hiddenPage = w.add(
      new PdfDict({
        Type: PdfName.of('Page'),
        Parent: hiddenPages,
        MediaBox: [0, 0, 595, 842],
        Resources: page.dict.get('Resources') as PdfObject,
        Contents: hiddenContent,
        Annots: [field],
      }),
    );
    w.set(hiddenPages, new PdfDict({ Type: PdfName.of('Pages'), Kids: [hiddenPage], Count: 1 }));
    const hiddenCatalog = w.add(new PdfDict({ Type: PdfName.of('Catalog'), Pages: hiddenPages, AcroForm: acroForm }));
    const signedShadow = await kysoSign(w.write(), { fieldName: 'ChuKy' });
    const before = await firstSignature(signedShadow);
    expect(verdictOf(before), explain(before)).toBe('TOTAL-PASSED/-');

    const attacked = update(signedShadow, (u) => u.setTrailer('Root', hiddenCatalog));
    const reread = PdfDocument.load(attacked);
    expect(reread.latest.entries.size).toBe(0);
    expect(reread.pages()[0].ref.num).toBe(hiddenPage.num);
    const [s] = await neverPassed(attacked);
    expect(s.fieldName).toBe('ChuKy');
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(s.changes.find((c) => !c.allowed)?.reason, explain(s)).toMatch(
      /trailer \/Root switched to existing object \d+: catalog \/Pages changed/,
    );
  });

  it('hide-and-replace: the catalog redefined to use the hidden page tree', async () => {
    await expectCaught(
      update(signed, (w, doc) =>
        w.set(doc.trailer.get('Root') as PdfRef, asDict(doc.catalog()).clone().set('Pages', shadow.hiddenPages)),
      ),
    );
  });

  it('hide-and-replace: the page tree root redefined with the hidden page as its kid', async () => {
    await expectCaught(
      update(signed, (w, doc) => {
        const pagesRef = asDict(doc.catalog()).get('Pages') as PdfRef;
        w.set(pagesRef, asDict(doc.resolve(pagesRef)).clone().set('Kids', [shadow.hiddenPage]));
        w.set(shadow.hiddenPage, asDict(doc.resolve(shadow.hiddenPage)).clone().set('Parent', pagesRef));
      }),
    );
  });

  it('pdfsig calls the hide attack a valid signature over part of the document; kyso refuses it', async () => {
    const attacked = update(signed, (w) =>
      w.set(
        shadow.cover,
        stream({ Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 595, 842] }, ''),
      ),
    );
    const poppler = popplerSays('shadow-hide.pdf', attacked)[0];
    expect(poppler.valid).toBe(true);
    expect(poppler.totalDocumentSigned).toBe(false);
    expect((await firstSignature(attacked)).indication).toBe('TOTAL-FAILED');
  });
});

describe('other changes after signing', () => {
  it('the signed field’s own appearance redefined (the visible signature says something else) → DISALLOWED', async () => {
    const visible = await kysoSign(input, { visible: { page: 1, rect: [300, 50, 200, 60] } });
    const attacked = update(visible, (w, doc) => {
      const acro = asDict(doc.resolve(doc.catalog()?.get('AcroForm')));
      const widget = asDict(doc.resolve((doc.resolve(acro.get('Fields')) as PdfRef[])[0]));
      const apRef = asDict(doc.resolve(widget.get('AP'))).get('N') as PdfRef;
      w.set(
        apRef,
        stream(
          { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 200, 60] },
          'BT /Helv 12 Tf 5 20 Td (DA THU HOI) Tj ET',
        ),
      );
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  for (const [what, entry] of [
    [
      '/OpenAction with JavaScript',
      new PdfDict({ S: PdfName.of('JavaScript'), JS: new PdfString(bytesOf('app.alert(1)')) }),
    ],
    [
      '/Names /JavaScript',
      new PdfDict({
        JavaScript: new PdfDict({
          Names: [
            new PdfString(bytesOf('x')),
            new PdfDict({ S: PdfName.of('JavaScript'), JS: new PdfString(bytesOf('1')) }),
          ],
        }),
      }),
    ],
  ] as const) {
    it(`${what} added to the catalog → DISALLOWED`, async () => {
      const key = what.startsWith('/OpenAction') ? 'OpenAction' : 'Names';
      const attacked = update(approval, (w, doc) =>
        w.set(doc.trailer.get('Root') as PdfRef, asDict(doc.catalog()).clone().set(key, entry)),
      );
      const [s] = await neverPassed(attacked);
      expect(s.modifications, explain(s)).toBe('DISALLOWED');
    });
  }

  it('a later signature does not whitewash a content change made in the same update as it', async () => {
    const changed = update(approval, (w, doc) => {
      const page = firstPage(doc);
      w.set(page.contents[0], stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 9/2026) Tj ET`));
    });
    const [first, second] = (await validate(await kysoSign(changed, { p12: 'seal.p12' }))).signatures;
    expect(first.modifications, explain(first)).toBe('DISALLOWED');
    expect(verdictOf(first), explain(first)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(verdictOf(second), explain(second)).toBe('TOTAL-PASSED/-'); // the seal signed what it saw
  });

  describe('FieldMDP', () => {
    let locked: Uint8Array;
    beforeAll(async () => {
      const { PDFDocument, StandardFonts } = await import('pdf-lib');
      const pdf = await PDFDocument.create();
      const page = pdf.addPage([595, 842]);
      page.drawText('To khai', { x: 50, y: 780, size: 14, font: await pdf.embedFont(StandardFonts.Helvetica) });
      const form = pdf.getForm();
      form.createTextField('HoTen').addToPage(page, { x: 50, y: 700, width: 300, height: 20 });
      form.createTextField('GhiChu').addToPage(page, { x: 50, y: 650, width: 300, height: 20 });
      locked = await kysoSign(await pdf.save({ useObjectStreams: false }), {
        lock: { action: 'Include', fields: ['HoTen'] },
      });
    });

    function fill(bytes: Uint8Array, name: string, value: string): Uint8Array {
      return update(bytes, (w, doc) => {
        const acro = asDict(doc.resolve(doc.catalog()?.get('AcroForm')));
        for (const ref of doc.resolve(acro.get('Fields')) as PdfRef[]) {
          const field = asDict(doc.resolve(ref));
          const t = field.get('T');
          if (t instanceof PdfString && stringText(t) === name)
            w.set(ref, field.clone().set('V', new PdfString(bytesOf(value))));
        }
        expect(w.size, `field ${name} not found`).toBe(1);
      });
    }

    it('filling a field the signature locked → DISALLOWED', async () => {
      const [s] = await neverPassed(fill(locked, 'HoTen', 'Nguyen Van Gia'));
      expect(s.modifications, explain(s)).toBe('DISALLOWED');
      expect(s.changes.some((c) => c.kind === 'locked-field-changed')).toBe(true);
    });

    it('filling a field it did not lock → ALLOWED, still TOTAL-PASSED', async () => {
      const s = await firstSignature(fill(locked, 'GhiChu', 'Da nhan ho so'));
      expect(s.modifications, explain(s)).toBe('ALLOWED');
      expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
      expect(s.changes.map((c) => [c.kind, c.allowed])).toEqual([['form-filled', true]]);
    });
  });
});

describe('cross-reference tricks in the update', () => {
  /**
   * A hand-written incremental update: objects `num gen obj … endobj`, an xref table with them (and `free` entries),
   * a trailer with /Prev (the signed revision's xref unless told otherwise) and the signed file's /Root.
   */
  function rawUpdate(
    bytes: Uint8Array,
    options: { objects?: [number, number, string][]; free?: number[]; existing?: Map<number, number>; prev?: number },
  ): Uint8Array {
    const doc = PdfDocument.load(bytes);
    let body = '\n';
    const entries = new Map<number, string>();
    for (const [num, offset] of options.existing ?? [])
      entries.set(num, `${String(offset).padStart(10, '0')} 00000 n \n`);
    for (const [num, gen, text] of options.objects ?? []) {
      entries.set(num, `${String(bytes.length + body.length).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n`);
      body += `${num} ${gen} obj\n${text}\nendobj\n`;
    }
    for (const num of options.free ?? []) entries.set(num, `0000000000 00001 f \n`);
    const xrefAt = bytes.length + body.length;
    body += 'xref\n';
    for (const num of [...entries.keys()].sort((a, b) => a - b)) body += `${num} 1\n${entries.get(num)}`;
    const root = doc.trailer.get('Root') as PdfRef;
    body += `trailer\n<</Size ${doc.trailer.get('Size') as number}/Root ${root.num} ${root.gen} R/Prev ${options.prev ?? doc.latest.xrefOffset}>>\nstartxref\n${xrefAt}\n%%EOF\n`;
    return concat(bytes, body);
  }

  it('the page content stream freed in the update (an "f" entry): the text disappears → DISALLOWED', async () => {
    const page = firstPage(PdfDocument.load(approval));
    const [s] = await neverPassed(rawUpdate(approval, { free: [page.contents[0].num] }));
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('the content stream redefined under another generation number (6 1 obj for 6 0 R) → never TOTAL-PASSED', async () => {
    const page = firstPage(PdfDocument.load(approval));
    const text = `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 9/2026) Tj ET`;
    const [s] = await neverPassed(
      rawUpdate(approval, {
        objects: [[page.contents[0].num, 1, `<< /Length ${text.length} >>\nstream\n${text}\nendstream`]],
      }),
    );
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('an update whose /Prev skips the signed revision (the signature update left out of the chain) → TOTAL-FAILED, coverage PARTIAL', async () => {
    const doc = PdfDocument.load(approval);
    const page = firstPage(doc);
    const unsignedXref = doc.revisions[doc.revisions.length - 2].xrefOffset;
    // The signature update's objects stay listed at their old offsets (so the field is still found); the page text changes.
    const existing = new Map(
      [...doc.latest.entries].flatMap(([num, e]) => (e.type === 'offset' ? [[num, e.offset] as [number, number]] : [])),
    );
    const text = `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 9/2026) Tj ET`;
    const attacked = rawUpdate(approval, {
      existing,
      objects: [[page.contents[0].num, 0, `<< /Length ${text.length} >>\nstream\n${text}\nendstream`]],
      prev: unsignedXref,
    });
    const reread = PdfDocument.load(attacked);
    expect(reread.revisions.map((r) => r.xrefOffset)).not.toContain(doc.latest.xrefOffset); // the signed revision is gone from the chain
    expect(latin1(reread.decode(reread.resolve(page.contents[0]) as PdfStream))).toContain('9/2026');
    // The signed bytes now end inside a revision, not at one: the signature covers part of a revision only.
    const [s] = await neverPassed(attacked);
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(s.coverage).toBe('PARTIAL');
  });

  it('an appended redefinition behind a broken startxref (the reader must recover by scanning, and shows it) → TOTAL-FAILED', async () => {
    const page = firstPage(PdfDocument.load(approval));
    const text = `BT /${page.fontName} 28 Tf 50 600 Td (Da huy) Tj ET`;
    const attacked = concat(
      approval,
      `\n${page.contents[0].num} 0 obj\n<< /Length ${text.length} >>\nstream\n${text}\nendstream\nendobj\nstartxref\n999999\n%%EOF\n`,
    );
    const reread = PdfDocument.load(attacked);
    expect(reread.recovered).toBe(true);
    expect(latin1(reread.decode(reread.resolve(page.contents[0]) as PdfStream))).toContain('Da huy');
    const report = await validate(attacked);
    expect(report.recovered).toBe(true);
    const [s] = report.signatures;
    expect(s.indication, explain(s)).toBe('TOTAL-FAILED');
  });

  it('a hybrid update: an empty xref table whose trailer /XRefStm hides the redefinition in an xref stream → DISALLOWED', async () => {
    const doc = PdfDocument.load(approval);
    const page = firstPage(doc);
    const size = doc.trailer.get('Size') as number;
    const text = `BT /${page.fontName} 28 Tf 50 600 Td (Da huy) Tj ET`;
    let body = '\n';
    const objAt = approval.length + body.length;
    body += `${page.contents[0].num} 0 obj\n<< /Length ${text.length} >>\nstream\n${text}\nendstream\nendobj\n`;
    const streamAt = approval.length + body.length;
    const rows = Buffer.alloc(14);
    rows[0] = 1;
    rows.writeUInt32BE(objAt, 1);
    rows[7] = 1;
    rows.writeUInt32BE(streamAt, 8);
    body += `${size} 0 obj\n<< /Type /XRef /Size ${size + 1} /Index [${page.contents[0].num} 1 ${size} 1] /W [1 4 2] /Length 14 >>\nstream\n${rows.toString('latin1')}\nendstream\nendobj\n`;
    const xrefAt = approval.length + body.length;
    const root = doc.trailer.get('Root') as PdfRef;
    body += `xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size ${size + 1} /Root ${root.num} 0 R /Prev ${doc.latest.xrefOffset} /XRefStm ${streamAt} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const attacked = concat(approval, body);
    const reread = PdfDocument.load(attacked);
    expect(reread.latest.kind).toBe('hybrid');
    expect(latin1(reread.decode(reread.resolve(page.contents[0]) as PdfStream))).toContain('Da huy');
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('hide-and-replace written with an xref stream after the signed xref table → DISALLOWED', async () => {
    const doc = PdfDocument.load(approval);
    const w = doc.update();
    const page = firstPage(doc);
    const evilContent = w.add(stream({}, `BT /${page.fontName} 14 Tf 50 780 Td (Quyet dinh so 9/2026) Tj ET`));
    const evilPage = w.add(page.dict.clone().set('Contents', evilContent).set('Parent', w.allocate()));
    const pages = (evilPage as PdfRef).num + 1;
    w.set(new PdfRef(pages, 0), new PdfDict({ Type: PdfName.of('Pages'), Kids: [evilPage], Count: 1 }));
    w.setTrailer('Root', w.add(asDict(doc.catalog()).clone().set('Pages', new PdfRef(pages, 0))));
    const attacked = w.write({ xrefStyle: 'stream' });
    expect(PdfDocument.load(attacked).latest.kind).toBe('stream');
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });
});

describe('certification attacks', () => {
  let p2: Uint8Array;
  beforeAll(async () => {
    p2 = await kysoSign(input, { certify: 2 });
  });

  function addField(bytes: Uint8Array, field: (w: IncrementalWriter, page: PdfRef) => PdfDict): Uint8Array {
    return update(bytes, (w, doc) => {
      const page = firstPage(doc);
      const catalogRef = doc.trailer.get('Root') as PdfRef;
      const catalog = asDict(doc.catalog());
      const acro = asDict(doc.resolve(catalog.get('AcroForm')));
      const ref = w.add(field(w, page.ref));
      w.set(
        page.ref,
        page.dict.clone().set('Annots', [...((doc.resolve(page.dict.get('Annots')) as PdfObject[]) ?? []), ref]),
      );
      const fields = [...(doc.resolve(acro.get('Fields')) as PdfRef[]), ref];
      if (catalog.get('AcroForm') instanceof PdfRef)
        w.set(catalog.get('AcroForm') as PdfRef, acro.clone().set('Fields', fields));
      else w.set(catalogRef, catalog.clone().set('AcroForm', acro.clone().set('Fields', fields)));
    });
  }

  it('P=2: a new text field added after certification is DISALLOWED', async () => {
    const attacked = addField(
      p2,
      (_w, page) =>
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          FT: PdfName.of('Tx'),
          T: new PdfString(bytesOf('SoTien')),
          V: new PdfString(bytesOf('1.000.000.000')),
          Rect: [50, 600, 400, 630],
          P: page,
        }),
    );
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  /** An unsigned signature field whose widget covers the page with an appearance of the attacker's. */
  const sneakyField = (w: IncrementalWriter, page: PdfRef): PdfDict => {
    const ap = w.add(
      stream(
        { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 595, 842] },
        '1 1 1 rg 0 0 595 842 re f BT /Helv 30 Tf 50 600 Td (DA HUY) Tj ET',
      ),
    );
    return new PdfDict({
      Type: PdfName.of('Annot'),
      Subtype: PdfName.of('Widget'),
      FT: PdfName.of('Sig'),
      T: new PdfString(bytesOf('Signature2')),
      Rect: [0, 0, 595, 842],
      F: 4,
      P: page,
      AP: new PdfDict({ N: ap }),
    });
  };

  it('P=2: a new unsigned signature field whose widget paints over the page (sneaky signature) is DISALLOWED', async () => {
    const [s] = await neverPassed(addField(p2, sneakyField));
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
  });

  it('the same visible empty signature field on an approval-signed file counts as an annotation: ALLOWED', async () => {
    const s = await firstSignature(addField(approval, sneakyField));
    expect(s.modifications, explain(s)).toBe('ALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });

  it('P=2: an invisible empty signature field (preparing the next signature) is ALLOWED', async () => {
    const attacked = addField(
      p2,
      (_w, page) =>
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          FT: PdfName.of('Sig'),
          T: new PdfString(bytesOf('Signature2')),
          Rect: [0, 0, 0, 0],
          F: 132,
          P: page,
        }),
    );
    const s = await firstSignature(attacked);
    expect(s.modifications, explain(s)).toBe('ALLOWED');
    expect(verdictOf(s), explain(s)).toBe('TOTAL-PASSED/-');
  });

  it('P=1: a "document timestamp" whose widget paints over the page is not an LTA update → the certification is never TOTAL-PASSED', async () => {
    const p1 = await kysoSign(input, { certify: 1 });
    const attacked = addField(p1, (w, page) => {
      const ap = w.add(
        stream(
          { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 595, 842] },
          '1 1 1 rg 0 0 595 842 re f BT /Helv 30 Tf 50 600 Td (DA HUY) Tj ET',
        ),
      );
      const ts = w.add(
        new PdfDict({
          Type: PdfName.of('DocTimeStamp'),
          Filter: PdfName.of('Adobe.PPKLite'),
          SubFilter: PdfName.of('ETSI.RFC3161'),
          ByteRange: [0, 0, 0, 0],
          Contents: new PdfString(new Uint8Array(16), true),
        }),
      );
      return new PdfDict({
        Type: PdfName.of('Annot'),
        Subtype: PdfName.of('Widget'),
        FT: PdfName.of('Sig'),
        T: new PdfString(bytesOf('Timestamp1')),
        V: ts,
        Rect: [0, 0, 595, 842],
        F: 4,
        P: page,
        AP: new PdfDict({ N: ap }),
      });
    });
    const [certification] = await neverPassed(attacked);
    expect(certification.kind).toBe('certification');
    expect(certification.modifications, explain(certification)).toBe('DISALLOWED');
  });

  it('P=2: a bare widget (no field, only in the page /Annots) painting over the page is DISALLOWED', async () => {
    const attacked = update(p2, (w, doc) => {
      const page = firstPage(doc);
      const ap = w.add(
        stream(
          { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 595, 842] },
          '1 1 1 rg 0 0 595 842 re f',
        ),
      );
      const widget = w.add(
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          Rect: [0, 0, 595, 842],
          F: 4,
          P: page.ref,
          AP: new PdfDict({ N: ap }),
        }),
      );
      w.set(
        page.ref,
        page.dict.clone().set('Annots', [...((doc.resolve(page.dict.get('Annots')) as PdfObject[]) ?? []), widget]),
      );
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('P=2: a new visible signature field whose value is the certification’s own signature dictionary (no new signature) is DISALLOWED', async () => {
    const attacked = update(p2, (w, doc) => {
      const page = firstPage(doc);
      const catalog = asDict(doc.catalog());
      const acro = asDict(doc.resolve(catalog.get('AcroForm')));
      const fields = doc.resolve(acro.get('Fields')) as PdfRef[];
      const certValue = asDict(doc.resolve(fields[0])).get('V') as PdfRef;
      const widget = sneakyField(w, page.ref).set('V', certValue);
      const ref = w.add(widget);
      w.set(
        page.ref,
        page.dict.clone().set('Annots', [...((doc.resolve(page.dict.get('Annots')) as PdfObject[]) ?? []), ref]),
      );
      w.set(
        doc.trailer.get('Root') as PdfRef,
        catalog.clone().set('AcroForm', acro.clone().set('Fields', [...fields, ref])),
      );
    });
    const report = await validate(attacked);
    expect(report.signatures).toHaveLength(1); // the same signature dictionary, reported once
    const [s] = report.signatures;
    expect(s.indication, explain(s)).not.toBe('TOTAL-PASSED');
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  /** A P=2 certified file with an empty signature field "ChoKy" (no widget) prepared before certification. */
  async function certifiedWithEmptyField(): Promise<Uint8Array> {
    const prepared = update(input, (w, doc) => {
      const field = w.add(new PdfDict({ FT: PdfName.of('Sig'), T: new PdfString(bytesOf('ChoKy')) }));
      w.set(
        doc.trailer.get('Root') as PdfRef,
        asDict(doc.catalog())
          .clone()
          .set('AcroForm', new PdfDict({ Fields: [field] })),
      );
    });
    return kysoSign(prepared, { certify: 2 });
  }

  it('P=2: signing the empty field prepared before certification is ALLOWED (both TOTAL-PASSED)', async () => {
    const twice = await kysoSign(await certifiedWithEmptyField(), { p12: 'seal.p12', fieldName: 'ChoKy' });
    const [first, second] = (await validate(twice)).signatures;
    expect([first.fieldName, second.fieldName]).toEqual(['Signature1', 'ChoKy']);
    expect(first.modifications, explain(first)).toBe('ALLOWED');
    expect(verdictOf(first), explain(first)).toBe('TOTAL-PASSED/-');
    expect(verdictOf(second), explain(second)).toBe('TOTAL-PASSED/-');
  });

  it('P=2: an empty field given the certification’s signature dictionary as its value (a borrowed signature) is DISALLOWED', async () => {
    const attacked = update(await certifiedWithEmptyField(), (w, doc) => {
      const acro = asDict(doc.resolve(asDict(doc.catalog()).get('AcroForm')));
      const refs = doc.resolve(acro.get('Fields')) as PdfRef[];
      const named = (n: string) =>
        refs.find((r) => stringText(asDict(doc.resolve(r)).get('T') as PdfString) === n) as PdfRef;
      const certValue = asDict(doc.resolve(named('Signature1'))).get('V') as PdfRef;
      w.set(
        named('ChoKy'),
        asDict(doc.resolve(named('ChoKy')))
          .clone()
          .set('V', certValue),
      );
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(s.changes.find((c) => !c.allowed)?.kind, explain(s)).toBe('signature-reused');
  });

  it('P=2: a visible widget whose /Parent is the certification’s own (signed) field, added only to the page /Annots, is DISALLOWED', async () => {
    const attacked = update(p2, (w, doc) => {
      const page = firstPage(doc);
      const acro = asDict(doc.resolve(asDict(doc.catalog()).get('AcroForm')));
      const signedField = (doc.resolve(acro.get('Fields')) as PdfRef[])[0];
      const widget = sneakyField(w, page.ref);
      for (const k of ['FT', 'T']) widget.delete(k);
      widget.set('Parent', signedField);
      w.set(
        page.ref,
        page.dict
          .clone()
          .set('Annots', [...((doc.resolve(page.dict.get('Annots')) as PdfObject[]) ?? []), w.add(widget)]),
      );
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('P=2: a visible widget added as a kid of an empty signature field prepared before certification is DISALLOWED', async () => {
    const attacked = update(await certifiedWithEmptyField(), (w, doc) => {
      const page = firstPage(doc);
      const acro = asDict(doc.resolve(asDict(doc.catalog()).get('AcroForm')));
      const fieldRef = (doc.resolve(acro.get('Fields')) as PdfRef[]).find(
        (r) => stringText(asDict(doc.resolve(r)).get('T') as PdfString) === 'ChoKy',
      ) as PdfRef;
      const kid = sneakyField(w, page.ref);
      kid.delete('FT');
      kid.delete('T');
      kid.set('Parent', fieldRef);
      const kidRef = w.add(kid);
      w.set(fieldRef, asDict(doc.resolve(fieldRef)).clone().set('Kids', [kidRef]));
      w.set(
        page.ref,
        page.dict.clone().set('Annots', [...((doc.resolve(page.dict.get('Annots')) as PdfObject[]) ?? []), kidRef]),
      );
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('P=2: /Perms removed from the catalog is DISALLOWED', async () => {
    const attacked = update(p2, (w, doc) => {
      const catalog = asDict(doc.catalog()).clone();
      catalog.delete('Perms');
      w.set(doc.trailer.get('Root') as PdfRef, catalog);
    });
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('P=2: /Perms /DocMDP pointed at a new signature dictionary with P=3, then an annotation, is never TOTAL-PASSED', async () => {
    const attacked = update(p2, (w, doc) => {
      const catalog = asDict(doc.catalog());
      const docMdp = asDict(doc.resolve(asDict(doc.resolve(catalog.get('Perms'))).get('DocMDP')));
      const ref = asDict((doc.resolve(docMdp.get('Reference')) as PdfObject[])[0] as PdfDict);
      const laxer = docMdp
        .clone()
        .set('Reference', [ref.clone().set('TransformParams', asDict(ref.get('TransformParams')).clone().set('P', 3))]);
      w.set(doc.trailer.get('Root') as PdfRef, catalog.clone().set('Perms', new PdfDict({ DocMDP: w.add(laxer) })));
    });
    const [s] = await neverPassed(addTextAnnotation(attacked));
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });

  it('P=1: even an empty signature field added afterwards is DISALLOWED', async () => {
    const p1 = await kysoSign(input, { certify: 1 });
    const attacked = addField(
      p1,
      (_w, page) =>
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          FT: PdfName.of('Sig'),
          T: new PdfString(bytesOf('Signature2')),
          Rect: [0, 0, 0, 0],
          P: page,
        }),
    );
    const [s] = await neverPassed(attacked);
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
  });
});
