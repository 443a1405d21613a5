import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  PdfDict,
  PdfDocument,
  PdfName,
  type PdfRef,
  PdfStream,
  PdfString,
  stringText,
  type PdfObject,
} from '@kyso/pdf';
import { analyseModifications, type ModificationAnalysis } from '../src/modifications/analyse.js';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));

interface Sig {
  name: string;
  byteRange: number[];
  revision: number;
  docMdp?: 1 | 2 | 3;
  locks: string[] | 'All' | null;
}

const dictOf = (o: PdfObject | undefined): PdfDict | undefined =>
  o instanceof PdfDict ? o : o instanceof PdfStream ? o.dict : undefined;

/** Signatures in ByteRange order, each with the revision it covers and its DocMDP / FieldMDP transforms. */
function signatures(doc: PdfDocument): Sig[] {
  const out: Sig[] = [];
  const walk = (arr: PdfObject | undefined, prefix: string, depth: number): void => {
    const a = doc.resolve(arr);
    if (!Array.isArray(a) || depth > 8) return;
    for (const r of a) {
      const f = dictOf(doc.resolve(r));
      if (!f) continue;
      const t = f.get('T');
      const name = t instanceof PdfString ? (prefix ? `${prefix}.` : '') + stringText(t) : prefix;
      const v = dictOf(doc.resolve(f.get('V')));
      const br = v ? doc.resolve(v.get('ByteRange')) : undefined;
      if (v && Array.isArray(br) && br.length === 4 && br.every((x) => typeof x === 'number')) {
        const end = (br[2] as number) + (br[3] as number);
        let revision = 0;
        for (const rev of doc.revisions) if (rev.end <= end + 2) revision = rev.index;
        let docMdp: Sig['docMdp'];
        let locks: Sig['locks'] = null;
        const refs = doc.resolve(v.get('Reference'));
        for (const x of Array.isArray(refs) ? refs : []) {
          const sr = dictOf(doc.resolve(x));
          const params = dictOf(doc.resolve(sr?.get('TransformParams')));
          if (sr?.getName('TransformMethod') === 'DocMDP') {
            const p = doc.resolve(params?.get('P'));
            docMdp = p === 1 || p === 3 ? p : 2;
          } else if (sr?.getName('TransformMethod') === 'FieldMDP') {
            const action = params?.getName('Action');
            const fields = doc.resolve(params?.get('Fields'));
            if (action === 'All') locks = 'All';
            else if (action === 'Include' && Array.isArray(fields))
              locks = fields.filter((x): x is PdfString => x instanceof PdfString).map(stringText);
          }
        }
        out.push({ name, byteRange: br as number[], revision, docMdp, locks });
      }
      walk(f.get('Kids'), name, depth + 1);
    }
  };
  walk(doc.getDict(doc.catalog(), 'AcroForm')?.get('Fields'), '', 0);
  return out.sort((a, b) => a.byteRange[2] + a.byteRange[3] - (b.byteRange[2] + b.byteRange[3]));
}

/** Runs the analysis for every signature, with the certification level and field locks in force at its revision. */
function analyseAll(bytes: Uint8Array): { sig: Sig; result: ModificationAnalysis }[] {
  const doc = PdfDocument.load(bytes);
  const sigs = signatures(doc);
  const certifying = sigs.find((s) => s.docMdp !== undefined);
  return sigs.map((sig) => {
    const earlier = sigs.filter((s) => s.revision <= sig.revision);
    const lockedFields = new Set<string>();
    for (const s of earlier) {
      if (s.locks === 'All') for (const o of sigs) lockedFields.add(o.name);
      else for (const n of s.locks ?? []) lockedFields.add(n);
    }
    const result = analyseModifications(doc, sig.revision, { docMdp: certifying?.docMdp, lockedFields });
    return { sig, result };
  });
}

const rows = readFileSync(`${CORPUS}/MANIFEST.tsv`, 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((l) => l.split('\t'))
  .filter(([, , expected]) => /modified-after-signing|attack|undefined changes/.test(expected ?? ''));

/** Rows the analysis does not yet get right (it.fails: turns red once they pass, so the list stays honest). */
const KNOWN_GAPS = new Set<string>([]);

describe('modification analysis: corpus', () => {
  for (const [path, , expected] of rows) {
    (KNOWN_GAPS.has(path) ? it.fails : it)(`${path}: ${expected}`, () => {
      const res = analyseAll(new Uint8Array(readFileSync(`${CORPUS}/${path}`)));
      const dump = res
        .map(
          (r) =>
            `${r.sig.name}@${r.sig.revision}: ${r.result.verdict} ${r.result.changes
              .filter((c) => !c.allowed)
              .map((c) => `${c.revision}:${c.object} ${c.kind} ${c.reason}`)
              .join(' | ')}`,
        )
        .join('\n');
      if (path.endsWith('annotation-and-visible-change.pdf')) {
        expect(res.map((r) => r.result.verdict).sort(), dump).toEqual(['ALLOWED', 'DISALLOWED', 'NONE']);
        return;
      }
      const words = expected.split(' ; ');
      words.forEach((w, i) => {
        const r = res[i];
        // signatures outside the field tree (e.g. a /Perms /UR3 usage-rights signature) are not analysed here
        if (!r && !/modified-after-signing|^attack/.test(w)) return;
        expect(r, dump).toBeDefined();
        if (/modified-after-signing-disallowed|^attack/.test(w)) expect(r.result.verdict, dump).toBe('DISALLOWED');
        else if (/modified-after-signing-allowed/.test(w)) expect(r.result.verdict, dump).toBe('ALLOWED');
        else if (/^valid/.test(w)) expect(r.result.verdict, dump).not.toBe('DISALLOWED');
      });
    });
  }
});

describe('modification analysis: files built here', async () => {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const { Pkcs12Signer, signPdf } = await import('@kyso/core');
  const p12 = (name: string) =>
    Pkcs12Signer.open(new Uint8Array(readFileSync(`/work/main/test-certs/${name}`)), 'kyso-test');
  const signer = p12('signer.p12');
  const seal = p12('seal.p12');
  const check = { certificateCheck: false as const };

  async function blank(): Promise<Uint8Array> {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    page.drawText('Hop dong so 01', { x: 50, y: 780, size: 14, font: await pdf.embedFont(StandardFonts.Helvetica) });
    return pdf.save({ useObjectStreams: false });
  }

  /** The first signature's analysis, with the DocMDP level read from the file. */
  function first(bytes: Uint8Array): ModificationAnalysis {
    return analyseAll(bytes)[0].result;
  }

  function addAnnotation(bytes: Uint8Array): Uint8Array {
    const doc = PdfDocument.load(bytes);
    const w = doc.update();
    const page = doc.pages()[0];
    const annot = w.add(
      new PdfDict({
        Type: PdfName.of('Annot'),
        Subtype: PdfName.of('Text'),
        Rect: [100, 100, 120, 120],
        Contents: new PdfString(new TextEncoder().encode('note')),
      }),
    );
    const old = doc.resolve(page.dict.get('Annots'));
    const annots = [...(Array.isArray(old) ? old : []), annot];
    w.set(page.ref, page.dict.clone().set('Annots', annots));
    return w.write();
  }

  it('a second signature is ALLOWED', async () => {
    const once = await signPdf(await blank(), signer, check);
    const twice = await signPdf(once, seal, check);
    const res = analyseAll(twice);
    expect(res).toHaveLength(2);
    expect(res[0].result.verdict).toBe('ALLOWED');
    expect(res[0].result.level).toBe('FORM_FILLING');
    expect(res[1].result.verdict).toBe('NONE');
  });

  it('a page content change is DISALLOWED', async () => {
    const signed = await signPdf(await blank(), signer, check);
    const doc = PdfDocument.load(signed);
    const w = doc.update();
    const page = doc.pages()[0];
    const content = w.add(
      PdfStream.fromBytes(new PdfDict({ Length: 27 }), new TextEncoder().encode('BT /F1 40 Tf 50 50 Td ET\n\n')),
    );
    w.set(page.ref, page.dict.clone().set('Contents', [page.dict.get('Contents') as PdfRef, content]));
    const res = first(w.write());
    expect(res.verdict).toBe('DISALLOWED');
    expect(res.changes.some((c) => c.kind === 'page-content' && !c.allowed)).toBe(true);
  });

  it('redefining a signed content stream (shadow replace) is DISALLOWED', async () => {
    const signed = await signPdf(await blank(), signer, check);
    const doc = PdfDocument.load(signed);
    const w = doc.update();
    const contents = doc.pages()[0].dict.get('Contents');
    const ref = Array.isArray(contents) ? (contents[0] as PdfRef) : (contents as PdfRef);
    w.set(ref, PdfStream.fromBytes(new PdfDict({ Length: 0 }), new Uint8Array()));
    expect(first(w.write()).verdict).toBe('DISALLOWED');
  });

  for (const [certify, verdict] of [
    [1, 'DISALLOWED'],
    [2, 'DISALLOWED'],
    [3, 'ALLOWED'],
    [undefined, 'ALLOWED'],
  ] as const) {
    it(`an annotation added ${certify ? `under certification P=${certify}` : 'to an approval-signed file'} is ${verdict}`, async () => {
      const signed = await signPdf(await blank(), signer, { ...check, ...(certify ? { certify } : {}) });
      const sigs = analyseAll(signed);
      expect(sigs[0].sig.docMdp).toBe(certify);
      const res = first(addAnnotation(signed));
      expect(res.verdict).toBe(verdict);
      expect(res.level).toBe('ANNOTATIONS');
    });
  }

  it('bytes appended without an update are flagged', async () => {
    const signed = await signPdf(await blank(), signer, check);
    const tail = new TextEncoder().encode('\n99 0 obj\n<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] >>\nendobj\n');
    const bytes = new Uint8Array(signed.length + tail.length);
    bytes.set(signed);
    bytes.set(tail, signed.length);
    const res = first(bytes);
    expect(res.trailingBytes).not.toBeNull();
    expect(res.verdict).toBe('DISALLOWED');
    expect(first(signed).verdict).toBe('NONE');
  });

  it('an object hidden inside a later revision (no xref entry) is flagged', async () => {
    const signed = await signPdf(await blank(), signer, check);
    const tail = new TextEncoder().encode('\n99 0 obj\n<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] >>\nendobj\n');
    const bytes = new Uint8Array(signed.length + tail.length);
    bytes.set(signed);
    bytes.set(tail, signed.length);
    const res = first(addAnnotation(bytes));
    expect(res.trailingBytes).toBeNull();
    expect(res.unreferencedObjects.map((o) => o.num)).toContain(99);
    expect(res.verdict).toBe('DISALLOWED');
  });
});
