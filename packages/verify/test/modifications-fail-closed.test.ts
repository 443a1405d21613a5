/**
 * The modification analysis fails closed (issue 13, class 5): every bound of modifications/ — the reference index's
 * objects, references and nesting, the field hierarchy walk, the appearance walk, an object that cannot be read —
 * is exceeded by a file built here, and each makes the change OTHER or the analysis DISALLOWED, never NONE or
 * allowed. A removed field is never an allowed change. Each case has a control: the same update on a file within
 * the bounds is ALLOWED.
 */
import { beforeAll, describe, expect, it } from 'vitest';
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
import { analyseModifications } from '../src/modifications/analyse.js';
import { REF_INDEX_LIMITS } from '../src/modifications/diff.js';
import { bytesOf, explain, kysoSign, plainPdf, validate, verdictOf } from './helpers/signed-pdfs.js';

const stream = (dict: Record<string, PdfObject>, text: string): PdfStream => {
  const data = bytesOf(text);
  return PdfStream.fromBytes(new PdfDict({ ...dict, Length: data.length }), data);
};
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

/** A permitted change (ANNOTATIONS): a text annotation added to the first page. */
function addTextAnnotation(bytes: Uint8Array): Uint8Array {
  return update(bytes, (w, doc) => {
    const { ref, dict } = doc.pages()[0];
    const annot = w.add(
      new PdfDict({
        Type: PdfName.of('Annot'),
        Subtype: PdfName.of('Text'),
        Rect: [100, 100, 120, 120],
        Contents: new PdfString(bytesOf('Da xem')),
      }),
    );
    const old = doc.resolve(dict.get('Annots'));
    w.set(ref, dict.clone().set('Annots', [...(Array.isArray(old) ? old : []), annot]));
  });
}

/** The catalog gains a private entry /Junk with `value` (an update before the "signed" revision). */
function withJunk(bytes: Uint8Array, value: (w: IncrementalWriter) => PdfObject): Uint8Array {
  return update(bytes, (w, doc) =>
    w.set(doc.trailer.get('Root') as PdfRef, asDict(doc.catalog()).clone().set('Junk', value(w))),
  );
}

/** The analysis of the newest revision's changes, the one before it taken as signed. */
function analyseLast(bytes: Uint8Array): ReturnType<typeof analyseModifications> {
  const doc = PdfDocument.load(bytes);
  return analyseModifications(doc, doc.revisions.length - 2);
}

let plain: Uint8Array;
beforeAll(async () => {
  plain = await plainPdf();
});

describe('the reference index: bounds reached mean DISALLOWED', () => {
  it('control: an annotation added is ALLOWED', () => {
    const a = analyseLast(addTextAnnotation(withJunk(plain, () => [new PdfRef(1, 0)])));
    expect(a.verdict).toBe('ALLOWED');
    expect(a.incomplete).toEqual([]);
  });

  it(`more than ${REF_INDEX_LIMITS.maxObjects} objects to visit: the index is incomplete, nothing is judged, DISALLOWED`, () => {
    // references to objects that do not exist still have to be visited: a cheap way past the bound
    const many = Array.from({ length: REF_INDEX_LIMITS.maxObjects + 1 }, (_, i) => new PdfRef(1_000_000 + i, 0));
    const a = analyseLast(addTextAnnotation(withJunk(plain, (w) => w.add(many))));
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.incomplete.join('\n')).toMatch(new RegExp(`more than ${REF_INDEX_LIMITS.maxObjects} objects`));
    expect(a.changes.filter((c) => c.change === 'replaced').map((c) => [c.kind, c.level, c.allowed])).toEqual([
      ['not-judged', 'OTHER', false],
    ]);
  });

  it(`more than ${REF_INDEX_LIMITS.maxReferences} references: the index is incomplete, DISALLOWED`, () => {
    const info = PdfDocument.load(plain).trailer.get('Info') as PdfRef;
    const a = analyseLast(
      addTextAnnotation(
        withJunk(plain, (w) => w.add(new Array<PdfObject>(REF_INDEX_LIMITS.maxReferences + 1).fill(info))),
      ),
    );
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.incomplete.join('\n')).toMatch(/more than \d+ references/);
  });

  it(`a reference nested deeper than ${REF_INDEX_LIMITS.maxDepth}: the index is incomplete, DISALLOWED`, () => {
    let deep: PdfObject = [new PdfRef(1, 0)];
    for (let i = 0; i < REF_INDEX_LIMITS.maxDepth + 2; i++) deep = [deep];
    const a = analyseLast(addTextAnnotation(withJunk(plain, () => deep)));
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.incomplete.join('\n')).toMatch(/nesting deeper than/);
  });

  it('an object of the signed revision that cannot be read (nested past the parser limit), then replaced: OTHER, never "new"', () => {
    // The page's content stream is, in the "signed" revision, an object the parser refuses; the update makes it a
    // content stream. Before, the unreadable old value read as absent: the change was "new" and neutral.
    const c = PdfDocument.load(plain).pages()[0].dict.get('Contents');
    const contents = (Array.isArray(c) ? c[0] : c) as PdfRef;
    const signed = rawUpdate(plain, [[contents.num, `<< /Deep ${'['.repeat(300)}${']'.repeat(300)} >>`]]);
    expect(() => PdfDocument.load(signed).getObject(contents.num)).toThrow(/PDF_TOO_DEEP/);
    const forged = update(signed, (w) => w.set(contents, stream({}, 'BT /F1 24 Tf 50 700 Td (Da huy) Tj ET')));
    const a = analyseLast(forged);
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => c.object === contents.num)).toMatchObject({
      kind: 'unreadable',
      level: 'OTHER',
      allowed: false,
    });
  });
});

/** A hand-written update: objects `num 0 obj … endobj` and a classic table, /Prev and /Root from the file. */
function rawUpdate(bytes: Uint8Array, objects: [number, string][]): Uint8Array {
  const doc = PdfDocument.load(bytes);
  let body = '\n';
  let xref = 'xref\n';
  for (const [num, text] of objects) {
    xref += `${num} 1\n${String(bytes.length + body.length).padStart(10, '0')} 00000 n \n`;
    body += `${num} 0 obj\n${text}\nendobj\n`;
  }
  const root = doc.trailer.get('Root') as PdfRef;
  const at = bytes.length + body.length;
  body += `${xref}trailer\n<< /Size ${doc.nextObjectNumber} /Root ${root.num} 0 R /Prev ${doc.latest.xrefOffset} >>\nstartxref\n${at}\n%%EOF\n`;
  const out = new Uint8Array(bytes.length + body.length);
  out.set(bytes);
  out.set(bytesOf(body), bytes.length);
  return out;
}

/**
 * A page with 64 text fields whose widgets share one appearance stream, which the page also draws itself
 * (/Resources /XObject /Stamp). The catalog lists /AcroForm before /Pages, so the widgets' 64 /AP references are
 * indexed before the page's: under the old cap of 64 incoming references per object the page's use was dropped,
 * and redefining the stream looked like form filling.
 */
async function sharedStampPdf(): Promise<Uint8Array> {
  return update(await plainPdf(), (w, doc) => {
    const { ref, dict } = doc.pages()[0];
    const res = asDict(doc.resolve(dict.get('Resources'))).clone();
    const [font] = asDict(doc.resolve(res.get('Font'))).keys();
    const stamp = w.add(
      stream(
        { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 100, 20], Resources: res.clone() },
        `BT /${font} 10 Tf 2 6 Td (Hop le) Tj ET`,
      ),
    );
    res.set('XObject', new PdfDict({ Stamp: stamp }));
    const widgets: PdfRef[] = [];
    for (let i = 0; i < 64; i++) {
      widgets.push(
        w.add(
          new PdfDict({
            Type: PdfName.of('Annot'),
            Subtype: PdfName.of('Widget'),
            FT: PdfName.of('Tx'),
            T: new PdfString(bytesOf(`o${i}`)),
            Rect: [10 + (i % 8) * 60, 100 + Math.floor(i / 8) * 30, 60 + (i % 8) * 60, 120 + Math.floor(i / 8) * 30],
            F: 4,
            P: ref,
            AP: new PdfDict({ N: stamp }),
          }),
        ),
      );
    }
    const draw = w.add(stream({}, 'q 1 0 0 1 300 700 cm /Stamp Do Q'));
    const old = dict.get('Contents');
    w.set(
      ref,
      dict
        .clone()
        .set('Resources', res)
        .set('Contents', [...(Array.isArray(old) ? old : [old as PdfRef]), draw])
        .set('Annots', widgets),
    );
    const catalog = asDict(doc.catalog());
    const reordered = new PdfDict({ Type: PdfName.of('Catalog'), AcroForm: new PdfDict({ Fields: widgets }) });
    for (const [k, v] of catalog.map) if (!reordered.has(k)) reordered.set(k, v);
    w.set(doc.trailer.get('Root') as PdfRef, reordered);
  });
}

describe('no cap on incoming references grants a role', () => {
  it('a stream used by 64 widget appearances and drawn by the page, redefined after signing → TOTAL-FAILED, DISALLOWED', async () => {
    const signed = await kysoSign(await sharedStampPdf());
    const [before] = (await validate(signed)).signatures;
    expect(verdictOf(before), explain(before)).toBe('TOTAL-PASSED/-');
    const doc = PdfDocument.load(signed);
    const xo = asDict(doc.resolve(asDict(doc.pageAttribute(doc.pages()[0].dict, 'Resources')).get('XObject')));
    const stamp = xo.get('Stamp') as PdfRef;
    const forged = update(signed, (w) =>
      w.set(
        stamp,
        stream(
          { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 100, 20] },
          'BT /F1 10 Tf 2 6 Td (Da huy) Tj ET',
        ),
      ),
    );
    const [s] = (await validate(forged)).signatures;
    expect(s.indication, explain(s)).toBe('TOTAL-FAILED');
    expect(s.modifications, explain(s)).toBe('DISALLOWED');
    expect(s.changes.find((c) => !c.allowed)?.reason).toMatch(new RegExp(`object ${stamp.num} .*redefined`));
  });
});

/** A text field at the end of a /Parent chain `depth` fields deep whose top field is a signed signature field. */
function deepFieldPdf(base: Uint8Array, depth: number): Uint8Array {
  return update(base, (w, doc) => {
    const { ref, dict } = doc.pages()[0];
    const sig = w.add(
      new PdfDict({
        Type: PdfName.of('Sig'),
        Filter: PdfName.of('Adobe.PPKLite'),
        ByteRange: [0, 10, 20, 10],
        Contents: new PdfString(new Uint8Array(8), true),
      }),
    );
    const top = w.allocate();
    let parent = top;
    const chain: [PdfRef, PdfDict][] = [];
    for (let i = 0; i < depth; i++) {
      const node = w.allocate();
      chain.push([node, new PdfDict({ Parent: parent, T: new PdfString(bytesOf(`n${i}`)) })]);
      parent = node;
    }
    const ap = w.add(
      stream(
        { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 100, 20] },
        '0 0 1 rg 0 0 100 20 re f',
      ),
    );
    const leaf = chain[chain.length - 1];
    leaf[1]
      .set('Subtype', PdfName.of('Widget'))
      .set('Type', PdfName.of('Annot'))
      .set('Rect', [50, 50, 150, 70])
      .set('P', ref)
      .set('AP', new PdfDict({ N: ap }));
    chain.forEach(([node, d], i) => w.set(node, i + 1 < chain.length ? d.set('Kids', [chain[i + 1][0]]) : d));
    w.set(top, new PdfDict({ FT: PdfName.of('Sig'), T: new PdfString(bytesOf('Ky')), V: sig, Kids: [chain[0][0]] }));
    w.set(ref, dict.clone().set('Annots', [leaf[0]]));
    w.set(
      doc.trailer.get('Root') as PdfRef,
      asDict(doc.catalog())
        .clone()
        .set('AcroForm', new PdfDict({ Fields: [top], SigFlags: 3 })),
    );
  });
}

/** The deep field's widget gets another appearance (what a form filler does to a field it may fill). */
function repaintLeaf(bytes: Uint8Array): Uint8Array {
  return update(bytes, (w, doc) => {
    const leaf = doc.resolve(doc.pages()[0].dict.get('Annots')) as PdfObject[];
    const ref = leaf[0] as PdfRef;
    const ap = w.add(
      stream(
        { Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 100, 20] },
        '1 0 0 rg 0 0 100 20 re f',
      ),
    );
    w.set(
      ref,
      asDict(doc.resolve(ref))
        .clone()
        .set('AP', new PdfDict({ N: ap })),
    );
  });
}

describe('the field hierarchy walk', () => {
  it('control: the widget of a signed signature field 5 levels down repainted → OTHER (signed field)', () => {
    const a = analyseLast(repaintLeaf(deepFieldPdf(plain, 5)));
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)?.kind).toBe('signed-field-changed');
  });

  it('the same 40 levels down (past the walk of 32): not judged, OTHER — before, the signature was not seen and it was form filling', () => {
    const a = analyseLast(repaintLeaf(deepFieldPdf(plain, 40)));
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)).toMatchObject({ kind: 'field-not-judged', level: 'OTHER' });
  });
});

describe('a removed field is never allowed', () => {
  /** An unsigned signature field with two widgets on the page. */
  function twoWidgetSigField(base: Uint8Array): Uint8Array {
    return update(base, (w, doc) => {
      const { ref, dict } = doc.pages()[0];
      const field = w.allocate();
      const widgets = [0, 1].map((i) =>
        w.add(
          new PdfDict({
            Type: PdfName.of('Annot'),
            Subtype: PdfName.of('Widget'),
            Rect: [0, 0, 0, 0],
            F: 132,
            P: ref,
            Parent: field,
            T: new PdfString(bytesOf(`w${i}`)),
          }),
        ),
      );
      w.set(field, new PdfDict({ FT: PdfName.of('Sig'), T: new PdfString(bytesOf('KyDuyet')), Kids: widgets }));
      w.set(ref, dict.clone().set('Annots', widgets));
      w.set(
        doc.trailer.get('Root') as PdfRef,
        asDict(doc.catalog())
          .clone()
          .set('AcroForm', new PdfDict({ Fields: [field], SigFlags: 3 })),
      );
    });
  }
  const fieldOf = (doc: PdfDocument): [PdfRef, PdfDict] => {
    const f = (asDict(doc.resolve(asDict(doc.catalog()).get('AcroForm'))).get('Fields') as PdfRef[])[0];
    return [f, asDict(doc.resolve(f))];
  };

  it("a signature field's second kid dropped from its /Kids → OTHER (before: ignored for signature fields, FORM_FILLING)", () => {
    const forged = update(twoWidgetSigField(plain), (w, doc) => {
      const [ref, d] = fieldOf(doc);
      w.set(ref, d.clone().set('Kids', [(d.get('Kids') as PdfRef[])[0]]));
    });
    const a = analyseLast(forged);
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)).toMatchObject({ kind: 'field-removed', level: 'OTHER' });
  });

  it('control: a widget added to the signature field is FORM_FILLING, allowed', () => {
    const grown = update(twoWidgetSigField(plain), (w, doc) => {
      const [ref, d] = fieldOf(doc);
      const extra = w.add(
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          Rect: [0, 0, 0, 0],
          F: 132,
          Parent: ref,
        }),
      );
      w.set(ref, d.clone().set('Kids', [...(d.get('Kids') as PdfRef[]), extra]));
    });
    expect(analyseLast(grown).verdict).toBe('ALLOWED');
  });

  it("a text field slipped in among a signature field's /Kids → OTHER (before: ignored for signature fields, FORM_FILLING)", () => {
    const grown = update(twoWidgetSigField(plain), (w, doc) => {
      const [ref, d] = fieldOf(doc);
      const text = w.add(
        new PdfDict({
          FT: PdfName.of('Tx'),
          T: new PdfString(bytesOf('soTien')),
          V: new PdfString(bytesOf('1.000.000')),
        }),
      );
      w.set(ref, d.clone().set('Kids', [...(d.get('Kids') as PdfRef[]), text]));
    });
    const a = analyseLast(grown);
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)).toMatchObject({ kind: 'field-added', level: 'OTHER' });
  });

  it("control: a bare widget (no /Parent, /FT or /T) added to the signature field's /Kids is allowed", () => {
    const grown = update(twoWidgetSigField(plain), (w, doc) => {
      const [ref, d] = fieldOf(doc);
      const bare = w.add(
        new PdfDict({ Type: PdfName.of('Annot'), Subtype: PdfName.of('Widget'), Rect: [0, 0, 0, 0], F: 132 }),
      );
      w.set(ref, d.clone().set('Kids', [...(d.get('Kids') as PdfRef[]), bare]));
    });
    expect(analyseLast(grown).verdict).toBe('ALLOWED');
  });

  it('the field dropped from /AcroForm /Fields → OTHER', () => {
    const forged = update(twoWidgetSigField(plain), (w, doc) => {
      const catalog = asDict(doc.catalog());
      w.set(
        doc.trailer.get('Root') as PdfRef,
        catalog.clone().set('AcroForm', new PdfDict({ Fields: [], SigFlags: 3 })),
      );
    });
    const a = analyseLast(forged);
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)?.reason).toMatch(/field was removed/);
  });
});

describe('the appearance walk', () => {
  it("a widget's old appearance nested deeper than the walk follows counts as shared: replacing it is OTHER", () => {
    // /AP /N is a chain of dictionaries 8 deep ending in a stream: what it reaches is not checked, so not cleared
    const base = update(plain, (w, doc) => {
      const { ref, dict } = doc.pages()[0];
      const ap = w.add(
        stream({ Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 10, 10] }, '0 g'),
      );
      let n: PdfObject = ap;
      for (let i = 0; i < 8; i++) n = new PdfDict({ X: n });
      const field = w.add(
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Widget'),
          FT: PdfName.of('Tx'),
          T: new PdfString(bytesOf('ten')),
          Rect: [10, 10, 20, 20],
          P: ref,
          AP: new PdfDict({ N: n }),
        }),
      );
      w.set(ref, dict.clone().set('Annots', [field]));
      w.set(
        doc.trailer.get('Root') as PdfRef,
        asDict(doc.catalog())
          .clone()
          .set('AcroForm', new PdfDict({ Fields: [field] })),
      );
    });
    const forged = update(base, (w, doc) => {
      const field = (doc.resolve(doc.pages()[0].dict.get('Annots')) as PdfRef[])[0];
      const ap = w.add(
        stream({ Type: PdfName.of('XObject'), Subtype: PdfName.of('Form'), BBox: [0, 0, 10, 10] }, '1 g'),
      );
      w.set(
        field,
        asDict(doc.resolve(field))
          .clone()
          .set('AP', new PdfDict({ N: ap })),
      );
    });
    const a = analyseLast(forged);
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)?.kind).toBe('appearance-clobbered');
  });
});

describe('the walk up to the catalog', () => {
  /** The catalog's /DSS leads through a chain of `length` indirect dictionaries to a leaf the update rewrites. */
  function dssChain(length: number): Uint8Array {
    const base = update(plain, (w, doc) => {
      let next: PdfObject = w.add(new PdfDict({ Leaf: 0 }));
      for (let i = 0; i < length; i++) next = w.add(new PdfDict({ Next: next }));
      w.set(doc.trailer.get('Root') as PdfRef, asDict(doc.catalog()).clone().set('DSS', next));
    });
    return update(base, (w, doc) => {
      let d = asDict(doc.resolve(asDict(doc.catalog()).get('DSS')));
      let ref = asDict(doc.catalog()).get('DSS') as PdfRef;
      while (d.has('Next')) {
        ref = d.get('Next') as PdfRef;
        d = asDict(doc.resolve(ref));
      }
      w.set(ref, new PdfDict({ Leaf: 1 }));
    });
  }

  it('control: an object 5 links under /DSS rewritten is a DSS update (LTA_UPDATES), allowed', () => {
    const a = analyseLast(dssChain(5));
    expect(a.verdict).toBe('ALLOWED');
    expect(a.changes.map((c) => c.kind)).toEqual(['dss']);
  });

  it('the same 300 links down (past the walk of 256): no role, OTHER', () => {
    const a = analyseLast(dssChain(300));
    expect(a.verdict).toBe('DISALLOWED');
    expect(a.changes.find((c) => !c.allowed)?.level).toBe('OTHER');
  });
});
