import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PDFDocument } from 'pdf-lib';
import {
  PdfDict,
  PdfDocument,
  PdfName,
  PdfPlaceholder,
  type PdfRef,
  PdfStream,
  PdfString,
  stringText,
  textString,
} from '@kyso/pdf';
import { corpusBytes, corpusFiles, pdfLibDoc, producerSamples } from '../../../tests/helpers/producers.js';
import { pdfsig, qpdfCheck, run, scratch } from '../../../tests/helpers/tools.js';

const tmp = scratch('kyso-writer-');
afterAll(() => tmp.cleanup());

const TITLE = 'Giấy xác nhận — Ủy ban nhân dân phường Kinh Bắc';

/** A typical update: a new Info dictionary with a Vietnamese title, a new object, and a replaced catalog. */
function typicalUpdate(bytes: Uint8Array): { doc: PdfDocument; out: Uint8Array } {
  const doc = PdfDocument.load(bytes);
  const w = doc.update();
  const info = w.add(new PdfDict({ Title: textString(TITLE), Producer: textString('kyso') }));
  w.setTrailer('Info', info);
  const rootRef = doc.trailer.get('Root') as PdfRef;
  const catalog = (doc.getObject(rootRef) as PdfDict).clone();
  catalog.set('Lang', textString('vi-VN'));
  w.set(rootRef, catalog);
  w.add(PdfStream.fromBytes(new PdfDict({ Type: PdfName.of('Metadata') }), new TextEncoder().encode('<x/>')));
  return { doc, out: w.write() };
}

const prefixEqual = (a: Uint8Array, prefix: Uint8Array): boolean =>
  a.length >= prefix.length && Buffer.compare(Buffer.from(a.subarray(0, prefix.length)), Buffer.from(prefix)) === 0;

describe('append-only updates on PDFs from several producers', async () => {
  const samples = await producerSamples();
  const corpus = corpusFiles().filter((f) => !f.includes('coverage-anomalies'));
  const inputs: [string, Uint8Array][] = [
    ...samples.map((s) => [s.name, s.bytes] as [string, Uint8Array]),
    ...corpus.map((f) => [`corpus ${f}`, corpusBytes(f)] as [string, Uint8Array]),
  ];

  it.each(inputs)('%s: prefix unchanged, qpdf --check passes, pdf-lib and pdfsig read it', async (name, bytes) => {
    const { doc, out } = typicalUpdate(bytes);
    expect(prefixEqual(out, bytes)).toBe(true);
    const path = tmp.file(`${name.replace(/[^a-z0-9]+/gi, '_')}.pdf`, out);
    const before = qpdfCheck(tmp.file(`${name.replace(/[^a-z0-9]+/gi, '_')}-in.pdf`, bytes));
    const after = qpdfCheck(path);
    // The update adds no warning of its own: the result is as clean as the input was.
    if (before.status === 0) expect(after.status, after.stdout + after.stderr).toBe(0);
    else expect(after.status).not.toBe(2);
    const lib = await PDFDocument.load(out, { updateMetadata: false, ignoreEncryption: true });
    expect(lib.getPageCount()).toBe(doc.pages().length);
    const sig = pdfsig(path, ['-nocert']);
    expect(sig.stderr).not.toMatch(/error|Syntax/i);
    // signatures already in the file stay exactly as valid as they were
    const validation = (out: string): string[] => out.split('\n').filter((l) => l.includes('Signature Validation'));
    const sigBefore = pdfsig(tmp.file(`${name.replace(/[^a-z0-9]+/gi, '_')}-in.pdf`), ['-nocert']);
    // (pdf-eof.pdf's ByteRange runs one byte past its end, so pdfsig cannot verify it before; the EOL the update
    // starts with brings that byte into being, so only verdicts pdfsig could reach before are compared.)
    if (!sigBefore.stdout.includes('not yet been verified'))
      expect(validation(sig.stdout)).toEqual(validation(sigBefore.stdout));
    const reread = PdfDocument.load(out);
    expect(reread.revisions).toHaveLength(doc.revisions.length + 1);
    expect(reread.recovered).toBe(doc.recovered);
    const info = reread.resolve(reread.trailer.get('Info')) as PdfDict;
    expect(stringText(info.get('Title') as PdfString)).toBe(TITLE);
    const cat = reread.catalog() as PdfDict;
    expect(stringText(cat.get('Lang') as PdfString)).toBe('vi-VN');
    // the file's own style is kept: a table after a table (or hybrid), a stream after a stream
    expect(reread.latest.kind).toBe(doc.latest.kind === 'stream' ? 'stream' : 'table');
    expect(reread.latest.trailer.get('Prev')).toBe(doc.latest.xrefOffset);
    const id = reread.latest.trailer.get('ID') as PdfString[];
    const oldId = doc.trailer.get('ID');
    if (Array.isArray(oldId)) expect(Buffer.from(id[0].bytes)).toEqual(Buffer.from((oldId[0] as PdfString).bytes));
    expect(Buffer.from(id[1].bytes)).not.toEqual(Buffer.from(id[0].bytes));
    expect(reread.trailer.get('Size')).toBeGreaterThanOrEqual(doc.nextObjectNumber + 2);
  });

  it('pdftotext shows the same page text before and after', async () => {
    const bytes = await pdfLibDoc({ pages: 2, objectStreams: true, text: 'Kinh Bac ward' });
    const { out } = typicalUpdate(bytes);
    const a = run('pdftotext', [tmp.file('t-in.pdf', bytes), '-']).stdout;
    const b = run('pdftotext', [tmp.file('t-out.pdf', out), '-']).stdout;
    expect(b).toBe(a);
    expect(b).toContain('Kinh Bac ward');
  });

  it('writes non-ASCII text strings as UTF-16BE with a BOM, read back by pdfinfo', async () => {
    const { out } = typicalUpdate(await pdfLibDoc({ objectStreams: false }));
    const raw = Buffer.from(out).toString('latin1');
    expect(raw).toContain('/Title<FEFF');
    expect(run('pdfinfo', [tmp.file('info.pdf', out)]).stdout).toContain(TITLE);
  });

  it('chains several updates, each readable by qpdf', async () => {
    let bytes = await pdfLibDoc({ objectStreams: true });
    const lens: number[] = [];
    for (let i = 0; i < 4; i++) {
      const doc = PdfDocument.load(bytes);
      const w = doc.update();
      w.add(new PdfDict({ Step: i }));
      const next = w.write();
      expect(prefixEqual(next, bytes)).toBe(true);
      lens.push(next.length);
      bytes = next;
    }
    const doc = PdfDocument.load(bytes);
    expect(doc.revisions).toHaveLength(5);
    expect(qpdfCheck(tmp.file('chain.pdf', bytes)).status).toBe(0);
  });

  it('reports placeholder offsets so signature values can be filled in later', async () => {
    const bytes = await pdfLibDoc({ objectStreams: false });
    const doc = PdfDocument.load(bytes);
    const w = doc.update();
    const contents = new PdfPlaceholder('contents', new TextEncoder().encode('<' + '0'.repeat(64) + '>'));
    w.add(new PdfDict({ Type: PdfName.of('Sig'), Contents: contents }));
    const update = w.build();
    const at = update.placeholders.get('contents')!;
    const whole = w.write();
    expect(Buffer.from(whole.subarray(at, at + 3)).toString('latin1')).toBe('<00');
    expect(whole[at + 65]).toBe(0x3e);
    expect(update.totalLength).toBe(bytes.length + update.bytes.length);
  });
});

describe('properties', () => {
  it('for any set of added and replaced objects: the input is a prefix and every value reads back', async () => {
    const base = await pdfLibDoc({ pages: 2, objectStreams: true });
    const scalar = fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 30 }).map((s) => textString(s)),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9#_.-]{0,12}$/).map((s) => PdfName.of(s)),
      fc.uint8Array({ maxLength: 40 }).map((b) => new PdfString(b, true)),
    );
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('v'), { maxLength: 4 }),
        fc
          .dictionary(fc.stringMatching(/^[A-Z][a-z]{0,6}$/), tie('v'), { maxKeys: 4 })
          .map((o) => new PdfDict(o as Record<string, never>)),
      ),
    })).v;
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 8 }), fc.boolean(), async (values, asTable) => {
        const doc = PdfDocument.load(base);
        const w = doc.update();
        const refs = values.map((v) => w.add(v as never));
        const out = w.write({ xrefStyle: asTable ? 'table' : 'stream' });
        expect(prefixEqual(out, base)).toBe(true);
        const re = PdfDocument.load(out);
        expect(re.recovered).toBe(false);
        refs.forEach((r, i) => expect(normalise(re.getObject(r))).toEqual(normalise(values[i] as never)));
      }),
      { numRuns: 60 },
    );
  });
});

/** A comparable shape of an object (strings by bytes, names by value). */
function normalise(o: unknown): unknown {
  if (o instanceof PdfDict) return Object.fromEntries([...o.map].map(([k, v]) => [k, normalise(v)]));
  if (Array.isArray(o)) return o.map(normalise);
  if (o instanceof PdfString) return { s: Buffer.from(o.bytes).toString('hex') };
  if (o instanceof PdfName) return { n: o.name };
  if (typeof o === 'number') return Math.round(o * 1e6) / 1e6;
  return o;
}
