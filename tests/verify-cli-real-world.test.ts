/**
 * `kyso verify` through the built CLI on real-world shapes (issue 13): a file with the trailing xref fragment
 * Vietnamese signing products append gets the verdict and exit code of the same file without it (with a warning
 * that names the fragment); a signature a later update hid is reported — JSON, human report and ETSI XML — and the
 * exit code is 1 (never 0, never 3 "no signature"), even when every signature of the file was hidden.
 */
import { runKyso, type CliRun } from './helpers/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PdfDict, PdfDocument, PdfRef, type PdfObject } from '@kyso/pdf';
import { repoRoot } from './helpers/producers.js';
import { scratch } from './helpers/tools.js';
import { kysoSign, plainPdf } from '../packages/verify/test/helpers/signed-pdfs.js';
import { appendXrefFragment, type FragmentOptions } from '../packages/verify/test/helpers/xref-fragment.js';

const ROOT = join(repoRoot, 'test-certs/root-ca.pem');
const tmp = scratch('kyso-verify-real-');
afterAll(() => tmp.cleanup());

type Run = CliRun;

const kyso = (...args: string[]): Promise<Run> => runKyso(['verify', ...args]);

interface JsonSignature {
  fieldName: string | null;
  kind: string;
  indication: string;
  subIndication: string | null;
  intact: boolean;
  revision: number;
  modifications: string;
  hidden: { revision: number; cause: string; detail: string } | null;
  reasons: { code: string }[];
  warnings: { code: string; detail?: string }[];
}

async function json(...args: string[]): Promise<{ run: Run; signatures: JsonSignature[] }> {
  const run = await kyso(...args, '--json');
  return { run, signatures: JSON.parse(run.stdout).signatures };
}

const asDict = (o: PdfObject | undefined): PdfDict => {
  if (!(o instanceof PdfDict)) throw new Error('expected a dictionary');
  return o;
};

/** One update that sets the AcroForm's /Fields to `keep` of the current ones. */
function keepFields(bytes: Uint8Array, keep: (fields: PdfRef[]) => PdfRef[]): Uint8Array {
  const doc = PdfDocument.load(bytes);
  const w = doc.update();
  const catalog = asDict(doc.catalog());
  const acroRef = catalog.get('AcroForm');
  const acro = asDict(doc.resolve(acroRef));
  const next = acro.clone().set('Fields', keep(doc.resolve(acro.get('Fields')) as PdfRef[]));
  if (acroRef instanceof PdfRef) w.set(acroRef, next);
  else w.set(doc.trailer.get('Root') as PdfRef, catalog.clone().set('AcroForm', next));
  return w.write();
}

const files: Record<string, string> = {};
const FRAGMENTS: [string, FragmentOptions][] = [
  ['exact', {}],
  ['no-newline', { trailingNewline: false }],
  ['startxref-off', { startxrefOffBy: 2 }],
  ['no-prev', { prev: false }],
];

beforeAll(async () => {
  const unsigned = await plainPdf();
  const one = await kysoSign(unsigned, { reason: 'Phê duyệt' });
  const two = await kysoSign(one, { p12: 'seal.p12' });
  const out: Record<string, Uint8Array> = { 'unsigned.pdf': unsigned, 'one.pdf': one, 'two.pdf': two };
  for (const [name, options] of FRAGMENTS) {
    out[`one-fragment-${name}.pdf`] = appendXrefFragment(one, options);
    out[`two-fragment-${name}.pdf`] = appendXrefFragment(two, options);
  }
  out['two-second-hidden.pdf'] = keepFields(two, (f) => f.slice(0, 1));
  out['two-all-hidden.pdf'] = keepFields(two, () => []);
  out['one-all-hidden.pdf'] = keepFields(one, () => []);
  for (const [name, bytes] of Object.entries(out)) files[name] = tmp.file(name, bytes);
});

describe('kyso verify: a trailing xref fragment changes neither verdict nor exit code', () => {
  for (const [name] of FRAGMENTS) {
    for (const base of ['one', 'two']) {
      it(`${base} signature(s) + fragment (${name}): same verdicts and exit code as without, trusted and untrusted`, async () => {
        for (const trust of [['--trust', ROOT], []]) {
          const [plain, withFragment] = await Promise.all([
            json(files[`${base}.pdf`], ...trust),
            json(files[`${base}-fragment-${name}.pdf`], ...trust),
          ]);
          expect(withFragment.run.code, withFragment.run.stderr).toBe(plain.run.code);
          const facts = (s: JsonSignature) => [s.fieldName, s.indication, s.subIndication, s.intact, s.revision];
          expect(withFragment.signatures.map(facts)).toEqual(plain.signatures.map(facts));
          if (trust.length) {
            expect(plain.run.code).toBe(0);
            for (const s of withFragment.signatures)
              expect(s.warnings.map((w) => w.code)).toContain('XREF_FRAGMENT_APPENDED');
          }
        }
      });
    }
  }

  it('the human report says what was appended, in Vietnamese and English', async () => {
    const [vi, en] = await Promise.all([
      kyso(files['one-fragment-no-prev.pdf'], '--trust', ROOT),
      kyso(files['one-fragment-no-prev.pdf'], '--trust', ROOT, '--lang', 'en'),
    ]);
    expect(vi.code).toBe(0);
    expect(vi.stdout).toContain('Kết quả: Chữ ký hợp lệ (TOTAL-PASSED)');
    expect(vi.stdout).toContain(
      'Sau phiên bản đã ký có thêm một đoạn bảng tham chiếu chéo (xref) và trailer, không thay đổi đối tượng nào.',
    );
    expect(en.stdout).toContain(
      'A cross-reference section and trailer were appended after the signed revision; they change no object.',
    );
    expect(en.stdout).toMatch(/revision 2: \d+ bytes at offset \d+, 0 xref entries, startxref\/Prev do not lead to it/);
  });
});

describe('kyso verify: hidden signatures', () => {
  it('the second signature dropped from the form: both reported, the hidden one TOTAL-FAILED with its cause, exit 1', async () => {
    const { run, signatures } = await json(files['two-second-hidden.pdf'], '--trust', ROOT);
    expect(run.code).toBe(1);
    expect(signatures.map((s) => [s.fieldName, s.hidden?.cause ?? null, s.indication])).toEqual([
      ['Signature1', null, 'TOTAL-FAILED'],
      ['Signature2', 'field-removed', 'TOTAL-FAILED'],
    ]);
    expect(signatures[1].hidden).toMatchObject({ revision: 3 });
    expect(signatures[1].reasons[0].code).toBe('SIGNATURE_HIDDEN');
    expect(signatures.every((s) => s.modifications === 'DISALLOWED')).toBe(true);
  });

  it('every signature hidden: exit 1, never 3 "no signature" (3 stays for a file that never held one)', async () => {
    const [allTwo, allOne, unsigned, untrusted] = await Promise.all([
      json(files['two-all-hidden.pdf'], '--trust', ROOT),
      json(files['one-all-hidden.pdf'], '--trust', ROOT),
      kyso(files['unsigned.pdf'], '--trust', ROOT),
      json(files['one-all-hidden.pdf']),
    ]);
    expect(allTwo.run.code).toBe(1);
    expect(allTwo.signatures.map((s) => s.hidden?.cause)).toEqual(['field-removed', 'field-removed']);
    expect(allOne.run.code).toBe(1);
    expect(allOne.signatures).toHaveLength(1);
    expect(untrusted.run.code, 'a hidden signature fails before trust is asked').toBe(1);
    expect(unsigned.code).toBe(3);
  });

  it('the human report (vi, en) and the ETSI XML name the hidden signature; the exit code is 1 in each', async () => {
    const [vi, en, xml] = await Promise.all([
      kyso(files['two-second-hidden.pdf'], '--trust', ROOT),
      kyso(files['two-second-hidden.pdf'], '--trust', ROOT, '--lang', 'en'),
      kyso(files['two-second-hidden.pdf'], '--trust', ROOT, '--xml'),
    ]);
    for (const r of [vi, en, xml]) expect(r.code, r.stderr).toBe(1);
    expect(vi.stdout).toContain('CHỮ KÝ BỊ CHE GIẤU');
    expect(vi.stdout).toContain('Chữ ký này đã bị một lần cập nhật sau đó che giấu');
    expect(vi.stdout).toContain(
      'CHỮ KÝ BỊ CHE GIẤU: bản cập nhật ở phiên bản 3 (đánh số từ 0) đã gỡ trường chữ ký khỏi biểu mẫu.',
    );
    expect(en.stdout).toContain(
      'HIDDEN SIGNATURE: the update at revision 3 (counted from 0) removed its field from the form.',
    );
    expect(en.stdout).toContain('Signature2 (revision 2) hidden by revision 3: its field was removed from the form'); // the reason's detail
    expect(xml.stdout).toContain('hiddenByRevision="3"');
    expect(xml.stdout).toContain('SIGNATURE_HIDDEN');
  });
});
