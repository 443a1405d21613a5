/**
 * Hidden signatures (issue 13, forgery class 2): a signature an earlier revision had and a later update made
 * unreachable from the newest AcroForm is still found, reported in revision order with `hidden` (the update and how),
 * never TOTAL-PASSED, and the hiding update is a disallowed change for every signature made before it. Each variant
 * is built here on a file kyso signs twice, one on a LibreOffice form, one on a document timestamp.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampPdf, tsaTimestamper } from '@kyso/core';
import {
  ByteWriter,
  ObjectSerializer,
  PdfDict,
  PdfDocument,
  PdfName,
  PdfRef,
  PdfString,
  type IncrementalWriter,
  type PdfObject,
} from '@kyso/pdf';
import {
  analyseModifications,
  findSignatures,
  humanReport,
  withHidingChanges,
  type SignatureReport,
  type ValidationReport,
} from '@kyso/verify';
import { startTsa, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import {
  REPO,
  bytesOf,
  concat,
  explain,
  kysoSign,
  latin1,
  plainPdf,
  validate,
  verdictOf,
} from './helpers/signed-pdfs.js';

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

interface Form {
  catalog: PdfDict;
  acroRef: PdfObject | undefined;
  acro: PdfDict;
  fields: PdfRef[];
}

function formOf(doc: PdfDocument): Form {
  const catalog = asDict(doc.catalog());
  const acroRef = catalog.get('AcroForm');
  const acro = asDict(doc.resolve(acroRef));
  return { catalog, acroRef, acro, fields: doc.resolve(acro.get('Fields')) as PdfRef[] };
}

/** Writes a new AcroForm dictionary where the old one lives (indirect, or inside the catalog). */
function setAcroForm(w: IncrementalWriter, doc: PdfDocument, f: Form, acro: PdfDict): void {
  if (f.acroRef instanceof PdfRef) w.set(f.acroRef, acro);
  else w.set(doc.trailer.get('Root') as PdfRef, f.catalog.clone().set('AcroForm', acro));
}

/** The field of a signature by its name (kyso's fields are indirect). */
function fieldRef(doc: PdfDocument, name: string): PdfRef {
  const ref = formOf(doc).fields.find(
    (r) =>
      (asDict(doc.resolve(r)).get('T') as PdfString | undefined)?.bytes &&
      new TextDecoder().decode((asDict(doc.resolve(r)).get('T') as PdfString).bytes) === name,
  );
  if (!ref) throw new Error(`no field ${name}`);
  return ref;
}

/** Frees objects with a hand-written classic xref update (the writer only adds and replaces). */
function freeObjects(bytes: Uint8Array, nums: number[]): Uint8Array {
  const doc = PdfDocument.load(bytes);
  const root = doc.trailer.get('Root') as PdfRef;
  const size = doc.nextObjectNumber;
  const rows = ['0 1', '0000000000 65535 f ', ...nums.flatMap((n) => [`${n} 1`, '0000000000 00001 f '])];
  const xrefAt = bytes.length + 1;
  return concat(
    bytes,
    `\nxref\n${rows.join('\n')}\ntrailer\n<< /Size ${size} /Root ${root.num} ${root.gen} R /Prev ${doc.latest.xrefOffset} >>\nstartxref\n${xrefAt}\n%%EOF\n`,
  );
}

/** No signature passes, every one before the hiding update is DISALLOWED, and the hidden ones say so first. */
function expectHidden(report: ValidationReport, expected: Record<string, string>, hidingRevision: number): void {
  const byName = (n: string): SignatureReport[] => report.signatures.filter((s) => s.fieldName === n);
  for (const [name, cause] of Object.entries(expected)) {
    const hidden = byName(name).find((s) => s.hidden);
    expect(hidden, `${name} must be reported as hidden: ${report.signatures.map(explain).join(' | ')}`).toBeDefined();
    expect(hidden!.hidden).toMatchObject({ revision: hidingRevision, cause });
    expect(hidden!.hidden!.detail).toContain(`hidden by revision ${hidingRevision}`);
    expect(hidden!.indication, explain(hidden!)).not.toBe('TOTAL-PASSED');
    expect(hidden!.reasons.map((r) => r.code)).toContain('SIGNATURE_HIDDEN');
    expect(
      hidden!.changes.some((c) => c.kind === 'signature-hidden' && c.revision === hidingRevision && !c.allowed),
    ).toBe(true);
  }
  for (const s of report.signatures) {
    expect(s.indication, explain(s)).not.toBe('TOTAL-PASSED');
    if (s.revision < hidingRevision) expect(s.modifications, explain(s)).toBe('DISALLOWED');
  }
  // revision order: every signature after the one before it
  const revisions = report.signatures.map((s) => s.revision);
  expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
}

let two: Uint8Array;
let tsa: TsaServer;

beforeAll(async () => {
  const once = await kysoSign(await plainPdf(), { reason: 'Phê duyệt' });
  two = await kysoSign(once, { p12: 'seal.p12', reason: 'Đóng dấu' });
  tsa = await startTsa();
});
afterAll(async () => {
  await tsa?.stop();
});

describe('the baseline', () => {
  it('a file kyso signed twice: two reachable signatures, both TOTAL-PASSED, none hidden', async () => {
    const report = await validate(two);
    expect(report.signatures.map((s) => [s.fieldName, verdictOf(s), s.hidden])).toEqual([
      ['Signature1', 'TOTAL-PASSED/-', null],
      ['Signature2', 'TOTAL-PASSED/-', null],
    ]);
    expect(PdfDocument.load(two).revisions).toHaveLength(3);
  });
});

describe('every way of hiding a signature: still reported, never passed', () => {
  const variants: [string, () => Uint8Array, Record<string, string>][] = [
    [
      'the second field dropped from /Fields',
      () =>
        update(two, (w, doc) => {
          const f = formOf(doc);
          setAcroForm(w, doc, f, f.acro.clone().set('Fields', f.fields.slice(0, 1)));
        }),
      { Signature2: 'field-removed' },
    ],
    [
      'the first field dropped from /Fields',
      () =>
        update(two, (w, doc) => {
          const f = formOf(doc);
          setAcroForm(w, doc, f, f.acro.clone().set('Fields', f.fields.slice(1)));
        }),
      { Signature1: 'field-removed' },
    ],
    [
      '/Fields emptied',
      () =>
        update(two, (w, doc) => {
          const f = formOf(doc);
          setAcroForm(w, doc, f, f.acro.clone().set('Fields', []));
        }),
      { Signature1: 'field-removed', Signature2: 'field-removed' },
    ],
    [
      '/Fields replaced by garbage (a string)',
      () =>
        update(two, (w, doc) => {
          const f = formOf(doc);
          setAcroForm(w, doc, f, f.acro.clone().set('Fields', new PdfString(bytesOf('rac'))));
        }),
      { Signature1: 'field-removed', Signature2: 'field-removed' },
    ],
    [
      '/Fields a reference to an object that does not exist',
      () =>
        update(two, (w, doc) => {
          const f = formOf(doc);
          setAcroForm(w, doc, f, f.acro.clone().set('Fields', new PdfRef(9999, 0)));
        }),
      { Signature1: 'field-removed', Signature2: 'field-removed' },
    ],
    [
      'the AcroForm dropped from the catalog',
      () =>
        update(two, (w, doc) => {
          const c = formOf(doc).catalog.clone();
          c.delete('AcroForm');
          w.set(doc.trailer.get('Root') as PdfRef, c);
        }),
      { Signature1: 'acroform-removed', Signature2: 'acroform-removed' },
    ],
    [
      'a new catalog in the trailer without an AcroForm',
      () =>
        update(two, (w, doc) => {
          const c = formOf(doc).catalog.clone();
          c.delete('AcroForm');
          w.setTrailer('Root', w.add(c));
        }),
      { Signature1: 'acroform-removed', Signature2: 'acroform-removed' },
    ],
    [
      '/V removed from the second field',
      () =>
        update(two, (w, doc) => {
          const r = fieldRef(doc, 'Signature2');
          const d = asDict(doc.resolve(r)).clone();
          d.delete('V');
          w.set(r, d);
        }),
      { Signature2: 'value-removed' },
    ],
    [
      "the second field's /V pointed at the first signature's dictionary",
      () =>
        update(two, (w, doc) => {
          const r = fieldRef(doc, 'Signature2');
          w.set(
            r,
            asDict(doc.resolve(r))
              .clone()
              .set('V', asDict(doc.resolve(fieldRef(doc, 'Signature1'))).get('V') as PdfRef),
          );
        }),
      { Signature2: 'value-replaced' },
    ],
    [
      "the second field's /V pointed at a new, unsigned dictionary",
      () =>
        update(two, (w, doc) => {
          const r = fieldRef(doc, 'Signature2');
          const blank = w.add(
            new PdfDict({
              Type: PdfName.of('Sig'),
              Filter: PdfName.of('Adobe.PPKLite'),
              SubFilter: PdfName.of('ETSI.CAdES.detached'),
            }),
          );
          w.set(r, asDict(doc.resolve(r)).clone().set('V', blank));
        }),
      { Signature2: 'value-replaced' },
    ],
    [
      "the second signature's dictionary redefined with another /Reason and its /Contents zeroed",
      () =>
        update(two, (w, doc) => {
          const v = asDict(doc.resolve(fieldRef(doc, 'Signature2'))).get('V') as PdfRef;
          const sig = asDict(doc.resolve(v)).clone();
          const contents = sig.get('Contents') as PdfString;
          w.set(
            v,
            sig
              .set('Reason', new PdfString(bytesOf('Huy bo')))
              .set('Contents', new PdfString(new Uint8Array(contents.bytes.length), true)),
          );
        }),
      { Signature2: 'signature-redefined' },
    ],
    [
      "the first signature's dictionary freed",
      () => {
        const doc = PdfDocument.load(two);
        return freeObjects(two, [(asDict(doc.resolve(fieldRef(doc, 'Signature1'))).get('V') as PdfRef).num]);
      },
      { Signature1: 'signature-freed' },
    ],
    [
      'the widget unlinked from the page and the field dropped from /Fields',
      () =>
        update(two, (w, doc) => {
          const f = formOf(doc);
          const page = doc.pages()[0];
          const target = fieldRef(doc, 'Signature2');
          const annots = (doc.resolve(page.dict.get('Annots')) as PdfRef[] | undefined) ?? [];
          w.set(
            page.ref,
            page.dict.clone().set(
              'Annots',
              annots.filter((a) => !a.equals(target)),
            ),
          );
          setAcroForm(
            w,
            doc,
            f,
            f.acro.clone().set(
              'Fields',
              f.fields.filter((x) => !x.equals(target)),
            ),
          );
        }),
      { Signature2: 'field-removed' },
    ],
  ];

  for (const [name, build, expected] of variants) {
    it(`${name} → ${Object.entries(expected)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`, async () => {
      const attacked = build();
      expect(PdfDocument.load(attacked).revisions).toHaveLength(4);
      const report = await validate(attacked);
      expect(report.signatures.length, 'every signature the file ever held is reported').toBeGreaterThanOrEqual(2);
      expect(
        report.signatures
          .filter((s) => s.fieldName === 'Signature1' || s.fieldName === 'Signature2')
          .map((s) => s.fieldName),
      ).toEqual(expect.arrayContaining(['Signature1', 'Signature2']));
      expectHidden(report, expected, 3);
      // The whitelisting rules alone (without the hiding change) also refuse the update: two independent reasons.
      expect(analyseModifications(PdfDocument.load(attacked), 1).verdict).toBe('DISALLOWED');
    });
  }

  it('the widget only unlinked from the page: the form still reaches the signature (not hidden), the change is DISALLOWED', async () => {
    const attacked = update(two, (w, doc) => {
      const page = doc.pages()[0];
      const target = fieldRef(doc, 'Signature2');
      const annots = (doc.resolve(page.dict.get('Annots')) as PdfRef[] | undefined) ?? [];
      expect(
        annots.some((a) => a.equals(target)),
        'kyso puts its widget on the page',
      ).toBe(true);
      w.set(
        page.ref,
        page.dict.clone().set(
          'Annots',
          annots.filter((a) => !a.equals(target)),
        ),
      );
    });
    const report = await validate(attacked);
    expect(report.signatures.map((s) => [s.fieldName, s.hidden])).toEqual([
      ['Signature1', null],
      ['Signature2', null],
    ]);
    for (const s of report.signatures) {
      expect(s.indication, explain(s)).not.toBe('TOTAL-PASSED');
      expect(s.modifications).toBe('DISALLOWED');
    }
  });

  it('the redefined dictionary is reported too, next to the original it hides', async () => {
    const attacked = update(two, (w, doc) => {
      const v = asDict(doc.resolve(fieldRef(doc, 'Signature2'))).get('V') as PdfRef;
      w.set(v, asDict(doc.resolve(v)).clone().set('ByteRange', [0, 10, 20, 30]));
    });
    const report = await validate(attacked);
    const second = report.signatures.filter((s) => s.fieldName === 'Signature2');
    expect(second.map((s) => s.hidden?.cause ?? null)).toEqual(['signature-redefined', null]);
    expect(second[0].intact, 'the original, read as signed, is intact').toBe(true);
    expect(second[1].intact).toBe(false);
  });

  it('hidden and then signed again: the new signature passes, the hidden one fails, the first is DISALLOWED', async () => {
    const hidden = update(two, (w, doc) => {
      const f = formOf(doc);
      setAcroForm(w, doc, f, f.acro.clone().set('Fields', f.fields.slice(0, 1)));
    });
    const resigned = await kysoSign(hidden, { reason: 'Ký lại' });
    const report = await validate(resigned);
    expect(report.signatures).toHaveLength(3);
    const [first, hiddenOne, last] = report.signatures;
    expect(hiddenOne.hidden).toMatchObject({ revision: 3, cause: 'field-removed' });
    expect(verdictOf(hiddenOne), explain(hiddenOne)).toBe('TOTAL-FAILED/FORMAT_FAILURE');
    expect(hiddenOne.reasons[0].code).toBe('SIGNATURE_HIDDEN');
    expect(first.modifications).toBe('DISALLOWED');
    expect(first.indication).not.toBe('TOTAL-PASSED');
    expect(last.hidden).toBeNull();
    expect(verdictOf(last), explain(last)).toBe('TOTAL-PASSED/-');
    expect(last.revision).toBe(4);
  });

  it('the hiding rule stands on its own: an analysis the rules called ALLOWED becomes DISALLOWED with a signature-hidden change', () => {
    const attacked = update(two, (w, doc) => {
      const f = formOf(doc);
      setAcroForm(w, doc, f, f.acro.clone().set('Fields', f.fields.slice(0, 1)));
    });
    const found = findSignatures(PdfDocument.load(attacked));
    const allowed = {
      level: 'FORM_FILLING' as const,
      verdict: 'ALLOWED' as const,
      permitted: 'ANNOTATIONS' as const,
      changes: [],
      trailingBytes: null,
      unreferencedObjects: [],
    };
    const first = withHidingChanges(allowed, 1, found, found[0]);
    expect(first.verdict).toBe('DISALLOWED');
    expect(first.changes).toEqual([
      {
        revision: 3,
        object: found[1].ref!.num,
        kind: 'signature-hidden',
        change: 'replaced',
        level: 'OTHER',
        allowed: false,
        reason: 'Signature2 (revision 2) hidden by revision 3: its field was removed from the form',
      },
    ]);
    // the hidden signature itself, even with a ByteRange naming no revision before the update
    expect(withHidingChanges(allowed, 5, found, found[1]).verdict).toBe('DISALLOWED');
    // a signature made after the hiding update is not concerned
    expect(withHidingChanges(allowed, 3, found, found[0])).toBe(allowed);
  });

  it('findSignatures reads a hidden signature as of the last revision that reached it (the one it signed)', () => {
    const attacked = update(two, (w, doc) => {
      const f = formOf(doc);
      setAcroForm(w, doc, f, f.acro.clone().set('Fields', []));
    });
    const found = findSignatures(PdfDocument.load(attacked));
    expect(found.map((s) => [s.fieldName, s.revision, s.hidden])).toEqual([
      ['Signature1', 1, { revision: 3, cause: 'field-removed' }],
      ['Signature2', 2, { revision: 3, cause: 'field-removed' }],
    ]);
    expect(found.every((s) => s.contents !== null && s.byteRange?.length === 4)).toBe(true);
  });

  it('the human report names the hidden signature and the update that hid it (vi and en)', async () => {
    const attacked = update(two, (w, doc) => {
      const f = formOf(doc);
      setAcroForm(w, doc, f, f.acro.clone().set('Fields', f.fields.slice(0, 1)));
    });
    const report = await validate(attacked);
    const vi = humanReport(report, 'vi');
    const en = humanReport(report, 'en');
    expect(vi).toContain('CHỮ KÝ BỊ CHE GIẤU');
    expect(vi).toContain('Chữ ký này đã bị một lần cập nhật sau đó che giấu');
    expect(vi).toContain(
      'CHỮ KÝ BỊ CHE GIẤU: bản cập nhật ở phiên bản 3 (đánh số từ 0) đã gỡ trường chữ ký khỏi biểu mẫu.',
    );
    expect(en).toContain(
      'HIDDEN SIGNATURE: the update at revision 3 (counted from 0) removed its field from the form.',
    );
    expect(en).toContain('A later update hid this signature');
  });
});

describe('history cut off by an update without /Prev', () => {
  /** Appends a new catalog (its AcroForm's /Fields cut) and a whole new xref table, every object at its current offset, with no /Prev. */
  function freshTable(bytes: Uint8Array, keep: (fields: PdfRef[]) => PdfRef[]): Uint8Array {
    const doc = PdfDocument.load(bytes);
    const f = formOf(doc);
    const root = doc.trailer.get('Root') as PdfRef;
    const out = new ByteWriter();
    new ObjectSerializer(out, 0).write(f.catalog.clone().set('AcroForm', f.acro.clone().set('Fields', keep(f.fields))));
    const catalog = `\n${root.num} ${root.gen} obj\n${latin1(out.toBytes())}\nendobj\n`;
    const size = doc.nextObjectNumber;
    const rows = ['0000000000 65535 f '];
    for (let num = 1; num < size; num++) {
      const e = doc.entry(num)?.entry;
      if (num === root.num)
        rows.push(`${String(bytes.length + 1).padStart(10, '0')} ${String(root.gen).padStart(5, '0')} n `);
      else if (e?.type === 'offset')
        rows.push(`${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n `);
      else rows.push('0000000000 00001 f ');
    }
    const xrefAt = bytes.length + catalog.length;
    return concat(
      bytes,
      catalog,
      `xref\n0 ${size}\n${rows.join('\n')}\ntrailer\n<< /Size ${size} /Root ${root.num} ${root.gen} R >>\nstartxref\n${xrefAt}\n%%EOF\n`,
    );
  }

  it('a whole new table without /Prev that drops the second signature: the earlier revisions are read, the signature found hidden', async () => {
    const attacked = freshTable(two, (f) => f.slice(0, 1));
    expect(PdfDocument.load(attacked).revisions, 'the chain alone shows one revision').toHaveLength(1);
    const full = PdfDocument.load(attacked, { fullHistory: true });
    expect(full.revisions).toHaveLength(4);
    expect(full.warnings.map((w) => w.code)).toContain('XREF_CHAIN_CUT');
    expectHidden(await validate(attacked), { Signature2: 'field-removed' }, 3);
  });

  it('the same, every signature dropped: both reported hidden — never "no signature"', async () => {
    const report = await validate(freshTable(two, () => []));
    expect(report.signatures.map((s) => s.hidden?.cause)).toEqual(['field-removed', 'field-removed']);
    expectHidden(report, { Signature1: 'field-removed', Signature2: 'field-removed' }, 3);
  });

  it('a file with one revision is read as before (no earlier %%EOF)', () => {
    const doc = PdfDocument.load(two, { fullHistory: true });
    expect(doc.revisions).toHaveLength(3);
    expect(doc.warnings.map((w) => w.code)).not.toContain('XREF_CHAIN_CUT');
  });
});

describe('a hidden certification signature', () => {
  it('certified (P=2), then the certification field and /Perms removed and a text annotation added: still reported as the certification, hidden, failed', async () => {
    const certified = await kysoSign(await plainPdf(), { certify: 2 });
    const attacked = update(certified, (w, doc) => {
      const f = formOf(doc);
      const catalog = f.catalog.clone().set('AcroForm', f.acro.clone().set('Fields', []));
      catalog.delete('Perms');
      w.set(doc.trailer.get('Root') as PdfRef, catalog);
      const page = doc.pages()[0];
      const note = w.add(
        new PdfDict({
          Type: PdfName.of('Annot'),
          Subtype: PdfName.of('Text'),
          Rect: [10, 10, 30, 30],
          Contents: new PdfString(bytesOf('Da sua')),
        }),
      );
      const annots = (doc.resolve(page.dict.get('Annots')) as PdfRef[] | undefined) ?? [];
      w.set(page.ref, page.dict.clone().set('Annots', [...annots, note]));
    });
    const resigned = await kysoSign(attacked, { p12: 'seal.p12' });
    const report = await validate(resigned);
    const [cert, later] = report.signatures;
    expect(cert.kind).toBe('certification');
    expect(cert.hidden?.cause).toBe('field-removed');
    expect(cert.indication, explain(cert)).toBe('TOTAL-FAILED');
    expect(cert.reasons[0].code).toBe('SIGNATURE_HIDDEN');
    // the later signature signed the altered document as it is: it is judged on its own revision
    expect(later.hidden).toBeNull();
    expect(report.signatures.some((s) => s.indication === 'TOTAL-PASSED' && s.hidden)).toBe(false);
  });
});

describe('another producer and document timestamps', () => {
  it('a LibreOffice form signed twice by kyso, the second field dropped: reported hidden, other form fields untouched', async () => {
    const form = new Uint8Array(readFileSync(`${REPO}tests/fixtures/libreoffice-form.pdf`));
    const twice = await kysoSign(await kysoSign(form), { p12: 'seal.p12' });
    const base = await validate(twice);
    expect(base.signatures.map(verdictOf)).toEqual(['TOTAL-PASSED/-', 'TOTAL-PASSED/-']);
    const names = base.signatures.map((s) => s.fieldName!);
    const revisions = PdfDocument.load(twice).revisions.length;
    const attacked = update(twice, (w, doc) => {
      const f = formOf(doc);
      const target = fieldRef(doc, names[1]);
      expect(f.fields.length, 'the LibreOffice form has its own fields').toBeGreaterThan(2);
      setAcroForm(
        w,
        doc,
        f,
        f.acro.clone().set(
          'Fields',
          f.fields.filter((x) => !x.equals(target)),
        ),
      );
    });
    expectHidden(await validate(attacked), { [names[1]]: 'field-removed' }, revisions);
  });

  it('a document timestamp whose field is dropped: reported as a hidden doc-timestamp, not passed', async () => {
    const once = await kysoSign(await plainPdf());
    const stamped = await timestampPdf(once, { timestamper: tsaTimestamper(tsa.url) });
    const base = await validate(stamped);
    expect(base.signatures.map((s) => [s.kind, verdictOf(s)])).toEqual([
      ['approval', 'TOTAL-PASSED/-'],
      ['doc-timestamp', 'TOTAL-PASSED/-'],
    ]);
    const tsName = base.signatures[1].fieldName!;
    const attacked = update(stamped, (w, doc) => {
      const f = formOf(doc);
      setAcroForm(
        w,
        doc,
        f,
        f.acro.clone().set(
          'Fields',
          f.fields.filter((x) => !x.equals(fieldRef(doc, tsName))),
        ),
      );
    });
    const report = await validate(attacked);
    expect(report.signatures.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp']);
    expectHidden(report, { [tsName]: 'field-removed' }, 3);
  });

  it('a document timestamp whose dictionary is freed: reported hidden', async () => {
    const stamped = await timestampPdf(await kysoSign(await plainPdf()), { timestamper: tsaTimestamper(tsa.url) });
    const doc = PdfDocument.load(stamped);
    const ts = findSignatures(doc).find((s) => s.kind === 'doc-timestamp')!;
    const attacked = freeObjects(stamped, [ts.ref!.num]);
    const report = await validate(attacked);
    expectHidden(report, { [ts.fieldName!]: 'signature-freed' }, 3);
    expect(report.signatures.find((s) => s.hidden)?.kind).toBe('doc-timestamp');
  });
});

describe('bounded work cannot push a signature out of sight', () => {
  it('a 3,000-field form over 200 later revisions, then the signature dropped: still found and hidden (targeted walk past the visit budget)', async () => {
    const withForm = update(await plainPdf(), (w, doc) => {
      const fields = Array.from({ length: 3000 }, (_, i) =>
        w.add(new PdfDict({ FT: PdfName.of('Tx'), T: new PdfString(bytesOf(`o${i}`)) })),
      );
      w.set(
        doc.trailer.get('Root') as PdfRef,
        asDict(doc.catalog())
          .clone()
          .set('AcroForm', w.add(new PdfDict({ Fields: fields }))),
      );
    });
    const signed = await kysoSign(withForm);
    // 200 updates that list object 0 only (hand-written: each is still a revision walked whole)
    const base = PdfDocument.load(signed);
    const root = base.trailer.get('Root') as PdfRef;
    let prev = base.latest.xrefOffset;
    let tail = '';
    for (let k = 0; k < 200; k++) {
      const at = signed.length + tail.length;
      tail += `xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size ${base.nextObjectNumber} /Root ${root.num} ${root.gen} R /Prev ${prev} >>\nstartxref\n${at}\n%%EOF\n`;
      prev = at;
    }
    const bytes = concat(signed, tail);
    const hidden = update(bytes, (w, doc) => {
      const f = formOf(doc);
      const target = f.fields[f.fields.length - 1]; // kyso appends its field
      expect(asDict(doc.resolve(target)).has('V')).toBe(true);
      setAcroForm(w, doc, f, f.acro.clone().set('Fields', f.fields.slice(0, -1)));
    });
    const doc = PdfDocument.load(hidden);
    expect(doc.revisions).toHaveLength(204);
    const t0 = performance.now();
    const found = findSignatures(doc);
    const ms = performance.now() - t0;
    expect(found.map((s) => [s.fieldName, s.revision, s.hidden?.cause])).toEqual([['Signature1', 2, 'field-removed']]);
    console.log(`findSignatures over 204 revisions of a 3,000-field form: ${ms.toFixed(0)} ms`);
  });
});
