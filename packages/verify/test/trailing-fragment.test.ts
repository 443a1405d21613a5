/**
 * Real files must not fail: a cross-reference fragment appended after the last signed revision (as Vietnamese
 * signing products write it) gives each signature the verdict the same file has without it, with a warning that
 * says what was appended; qpdf and pdfsig read the same files. A fragment that redefines page content is still
 * DISALLOWED, whichever way its startxref or /Prev is broken.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfDocument, type PdfStream, type PdfRef } from '@kyso/pdf';
import type { SignatureReport } from '@kyso/verify';
import { parsePdfsig } from '../../../tests/helpers/nss.js';
import { pdfsig, qpdfCheck, scratch } from '../../../tests/helpers/tools.js';
import { REPO, bytesOf, concat, explain, kysoSign, latin1, plainPdf, validate } from './helpers/signed-pdfs.js';
import { appendXrefFragment, type FragmentOptions } from './helpers/xref-fragment.js';

const tmp = scratch('kyso-fragment-');
afterAll(() => tmp.cleanup());

/** What must not change when the fragment is appended (coverage: ENTIRE_FILE becomes ENTIRE_REVISION, which it is). */
const verdictFacts = (s: SignatureReport) => ({
  field: s.fieldName,
  indication: s.indication,
  subIndication: s.subIndication,
  intact: s.intact,
  revision: s.revision,
});

const files: Record<string, Uint8Array> = {};

beforeAll(async () => {
  const once = await kysoSign(await plainPdf(), { reason: 'Phê duyệt' });
  files['one kyso signature'] = once;
  files['two kyso signatures'] = await kysoSign(once, { p12: 'seal.p12' });
  files['a LibreOffice form signed by kyso'] = await kysoSign(
    new Uint8Array(readFileSync(`${REPO}tests/fixtures/libreoffice-form.pdf`)),
  );
});

// qpdf cannot find the catalog when the fragment has no /Prev (it reads the empty table alone); pdfsig reads all.
const variants: [string, FragmentOptions, { qpdf: boolean }][] = [
  ['an empty xref section, trailer with /Prev, exact startxref', {}, { qpdf: true }],
  ['no newline after %%EOF', { trailingNewline: false }, { qpdf: true }],
  ['startxref 2 bytes past the keyword', { startxrefOffBy: 2 }, { qpdf: true }],
  ['startxref 3 bytes before the keyword', { startxrefOffBy: -3 }, { qpdf: true }],
  ['/Prev missing', { prev: false }, { qpdf: false }],
  ['/Prev missing and startxref off', { prev: false, startxrefOffBy: 5 }, { qpdf: true }],
  ['the free entry of object 0', { entries: 'free-0' }, { qpdf: true }],
  ['an entry repeating the one in force (redefines nothing)', { entries: 'repeat' }, { qpdf: true }],
  ['CRLF line ends, /Prev missing', { eol: '\r\n', prev: false, entries: 'free-0' }, { qpdf: false }],
];

describe('a trailing xref fragment: the verdict of the file without it', () => {
  for (const [variant, options, tools] of variants) {
    it(`${variant}: the same verdicts on every file, a warning naming the fragment; pdfsig valid, qpdf ${tools.qpdf ? 'accepts' : 'does not'}`, async () => {
      for (const [name, signed] of Object.entries(files)) {
        const withFragment = appendXrefFragment(signed, options);
        const doc = PdfDocument.load(withFragment);
        const base = PdfDocument.load(signed);
        expect(doc.recovered, name).toBe(false);
        expect(doc.revisions.length, name).toBe(base.revisions.length + 1);
        expect(doc.revisions[base.revisions.length - 1].end, 'the signed revision ends where it did').toBe(
          base.latest.end,
        );
        expect(doc.trailingBytes(), name).toBeNull();

        const [before, after] = [await validate(signed), await validate(withFragment)];
        expect(after.recovered).toBe(false);
        expect(after.signatures.map(verdictFacts), `${name}: ${after.signatures.map(explain).join(' | ')}`).toEqual(
          before.signatures.map(verdictFacts),
        );
        for (const s of after.signatures) {
          const w = s.warnings.find((x) => x.code === 'XREF_FRAGMENT_APPENDED');
          expect(w, `${name}: ${explain(s)}`).toBeDefined();
          expect(w!.detail).toContain(
            `revision ${base.revisions.length}: ${withFragment.length - signed.length} bytes at offset ${signed.length}`,
          );
          expect(w!.en).toContain('they change no object');
        }
        // the newest signature had no later change: the fragment is not called a permitted change either
        expect(after.signatures.at(-1)!.warnings.map((x) => x.code)).not.toContain('MODIFIED_ALLOWED');
        expect(after.signatures.map((s) => s.coverage)).toEqual(after.signatures.map(() => 'ENTIRE_REVISION'));

        const path = tmp.file(`${name}-${variant}.pdf`.replace(/[^\w.-]+/g, '_'), withFragment);
        const poppler = parsePdfsig(pdfsig(path).stdout).filter((p) => p.signed); // the LibreOffice form has an empty field too
        expect(poppler.length, name).toBe(before.signatures.length);
        expect(
          poppler.every((p) => p.valid),
          name,
        ).toBe(true);
        const qpdf = qpdfCheck(path);
        expect(qpdf.status === 0 || qpdf.status === 3, `${name}: qpdf ${qpdf.stdout}${qpdf.stderr}`).toBe(tools.qpdf);
      }
    });
  }

  it('the reader says where it read the fragment by its keyword (startxref off, /Prev missing)', async () => {
    const signed = files['one kyso signature'];
    for (const options of [{ startxrefOffBy: 2 }, { prev: false }] as FragmentOptions[]) {
      const doc = PdfDocument.load(appendXrefFragment(signed, options));
      const w = doc.warnings.find((x) => x.code === 'XREF_FRAGMENT');
      expect(w?.offset).toBe(signed.length);
      const s = (await validate(appendXrefFragment(signed, options))).signatures[0];
      expect(s.warnings.find((x) => x.code === 'XREF_FRAGMENT_APPENDED')?.detail).toContain(
        'startxref/Prev do not lead to it',
      );
    }
    expect(PdfDocument.load(appendXrefFragment(signed)).warnings.map((x) => x.code)).not.toContain('XREF_FRAGMENT');
  });
});

describe('a fragment that changes objects is judged like any update', () => {
  const redefinitions: [string, FragmentOptions][] = [
    ['with /Prev and an exact startxref', {}],
    ['with startxref off', { startxrefOffBy: 2 }],
    ['without /Prev', { prev: false }],
  ];
  for (const [variant, options] of redefinitions) {
    it(`page content redefined in the fragment, ${variant}: the reader shows it, the signature is DISALLOWED`, async () => {
      const signed = files['two kyso signatures'];
      const page = PdfDocument.load(signed).pages()[0];
      const c = page.dict.get('Contents');
      const contents = (Array.isArray(c) ? c[0] : c) as PdfRef;
      const attacked = appendXrefFragment(signed, {
        ...options,
        redefine: { num: contents.num, text: 'BT /F1 28 Tf 50 600 Td (Da huy) Tj ET' },
      });
      const doc = PdfDocument.load(attacked);
      expect(latin1(doc.decode(doc.resolve(contents) as PdfStream))).toContain('Da huy');
      const report = await validate(attacked);
      expect(report.signatures).toHaveLength(2);
      for (const s of report.signatures) {
        expect(s.indication, explain(s)).toBe('TOTAL-FAILED');
        expect(s.modifications, explain(s)).toBe('DISALLOWED');
        expect(s.warnings.map((w) => w.code)).not.toContain('XREF_FRAGMENT_APPENDED');
      }
    });
  }

  it('bytes after the last %%EOF that hold no xref section are no fragment: recovered by scanning, TOTAL-FAILED', async () => {
    const signed = files['one kyso signature'];
    const attacked = concat(signed, bytesOf('xerf\n0 0\ntrailer\n<< >>\nstartxref\n0\n%%EOF\n'));
    const report = await validate(attacked);
    expect(report.recovered).toBe(true);
    const [s] = report.signatures;
    expect(s.indication, explain(s)).toBe('TOTAL-FAILED');
    expect(s.warnings.map((w) => w.code)).not.toContain('XREF_FRAGMENT_APPENDED');
  });
});
