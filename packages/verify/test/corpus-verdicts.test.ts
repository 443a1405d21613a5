/**
 * Every row of the shared corpus (public signed PDFs from pyHanko's and EU DSS's own test suites) gets the verdict
 * its expected column maps to (corpus README), validated at its validation_time with its trust_root, offline.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { validatePdf, type SignatureReport } from '@kyso/verify';

const CORPUS = fileURLToPath(new URL('../../../tests/fixtures/corpus', import.meta.url));

interface Row {
  path: string;
  expected: string[];
  trustRoot: string;
  validationTime: string;
}

const rows: Row[] = readFileSync(`${CORPUS}/MANIFEST.tsv`, 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => {
    const [path, , expected, trustRoot, validationTime] = line.split('\t');
    return { path, expected: expected.split(' ; ').map((e) => e.trim()), trustRoot, validationTime };
  });

/** The corpus README's table: what each expected word requires of the signature's report. */
function check(word: string, s: SignatureReport, trusted: boolean): void {
  const w = word.split(/[\s(]/)[0];
  const where = `${w} → ${s.indication}/${s.subIndication} (${s.reasons.map((r) => r.detail ?? r.code).join('; ')})`;
  switch (w) {
    case 'valid':
      expect(s.indication, where).toBe('TOTAL-PASSED');
      break;
    case 'valid-untrusted':
      // The source tests (pyHanko's val_untrusted, DSS's checkBLevelValid) assert intact and cryptographically valid,
      // not distrust: with no root it is NO_CERTIFICATE_CHAIN_FOUND; where the row's root does certify the signer it
      // passes (valid at validation_time) or is out of bounds (expired at "now", no proof of existence).
      expect(s.intact, where).toBe(true);
      if (trusted)
        expect(['TOTAL-PASSED/null', 'INDETERMINATE/OUT_OF_BOUNDS_NO_POE'], where).toContain(
          `${s.indication}/${s.subIndication}`,
        );
      else expect([s.indication, s.subIndication], where).toEqual(['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
      break;
    case 'modified-after-signing-allowed':
      expect(s.modifications, where).toBe('ALLOWED');
      expect(s.intact, where).toBe(true);
      expect(s.indication === 'TOTAL-PASSED' || s.subIndication === 'NO_CERTIFICATE_CHAIN_FOUND', where).toBe(true);
      break;
    case 'modified-after-signing-disallowed':
      expect(s.modifications, where).toBe('DISALLOWED');
      expect(s.indication, where).not.toBe('TOTAL-PASSED');
      break;
    case 'invalid-coverage':
    case 'invalid-integrity':
    case 'invalid-cms-format':
      expect(s.indication, where).toBe('TOTAL-FAILED');
      expect(['FORMAT_FAILURE', 'HASH_FAILURE'], where).toContain(s.subIndication);
      break;
    case 'invalid-crypto-constraints':
      expect(s.indication, where).not.toBe('TOTAL-PASSED');
      expect(s.subIndication, where).toBe('CRYPTO_CONSTRAINTS_FAILURE');
      break;
    default:
      if (w.startsWith('attack-')) {
        expect(s.indication, where).not.toBe('TOTAL-PASSED');
        break;
      }
      throw new Error(`unknown expected word ${word}`);
  }
}

describe('corpus: the expected verdict of every MANIFEST row', () => {
  it('has the 46 rows', () => expect(rows).toHaveLength(46));

  for (const row of rows) {
    it(row.path, async () => {
      const bytes = new Uint8Array(readFileSync(`${CORPUS}/${row.path}`));
      const report = await validatePdf(bytes, {
        trustAnchors: row.trustRoot === 'none' ? [] : [readFileSync(`${CORPUS}/${row.trustRoot}`, 'utf8')],
        at: row.validationTime === 'now' ? undefined : new Date(row.validationTime),
      });
      const sigs = report.signatures;
      expect(sigs.length).toBeGreaterThan(0);
      if (row.path.endsWith('annotation-and-visible-change.pdf')) {
        // 3 signatures, all intact: one with undefined changes, one with signature/form-fill changes only, one unmodified.
        expect(sigs).toHaveLength(3);
        expect(sigs.every((s) => s.intact)).toBe(true);
        expect(sigs.map((s) => s.modifications).sort()).toEqual(['ALLOWED', 'DISALLOWED', 'NONE']);
        expect(sigs.find((s) => s.modifications === 'DISALLOWED')?.indication).not.toBe('TOTAL-PASSED');
        return;
      }
      if (row.path.endsWith('pdf-byterange-overlap.pdf')) {
        // One valid signature (untrusted here: no root given) and one whose ByteRange overlaps.
        expect(sigs).toHaveLength(2);
        expect(sigs.filter((s) => s.intact)).toHaveLength(1);
        const bad = sigs.find((s) => !s.intact) as SignatureReport;
        expect([bad.indication, bad.subIndication]).toEqual(['TOTAL-FAILED', 'FORMAT_FAILURE']);
        return;
      }
      if (row.expected[0].startsWith('attack-')) {
        for (const s of sigs) expect(s.indication).not.toBe('TOTAL-PASSED');
        if (/modified-after-signing-disallowed/.test(row.expected[0]))
          expect(sigs.some((s) => s.modifications === 'DISALLOWED')).toBe(true);
        return;
      }
      // A row with more words than the file has signatures (dss/pades-signed-filled-form.pdf: one signature,
      // "modified-after-signing-allowed ; valid-untrusted") describes its last signature with the extra words.
      row.expected.forEach((word, k) =>
        check(
          word,
          sigs[Math.min(k, sigs.length - 1)],
          row.trustRoot !== 'none' && sigs[Math.min(k, sigs.length - 1)].trustedChain,
        ),
      );
    });
  }
});
