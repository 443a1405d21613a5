/** saveRestoreBalanced: q/Q counted as operators only, never inside strings, names, comments or inline images. */
import { describe, expect, it } from 'vitest';
import { saveRestoreBalanced } from '../src/ecopy/save-restore.js';

const ok = (s: string | Uint8Array) => saveRestoreBalanced(typeof s === 'string' ? new TextEncoder().encode(s) : s);

describe('saveRestoreBalanced', () => {
  it('balanced content, nested, and none at all', () => {
    expect(ok('q 1 0 0 1 0 0 cm q /Im0 Do Q Q')).toBe(true);
    expect(ok('')).toBe(true);
    expect(ok('BT /F1 12 Tf (Q) Tj ET')).toBe(true);
  });

  it('an extra Q, a Q before its q, an unclosed q', () => {
    expect(ok('q Q Q')).toBe(false);
    expect(ok('Q q')).toBe(false);
    expect(ok('q q Q')).toBe(false);
    expect(ok('q\nQ\nQ 0 g 0 0 5000 5000 re f\n')).toBe(false);
  });

  it('Q and q inside strings, hex strings, names, dictionaries and comments are not operators', () => {
    expect(ok('q (a Q \\) (Q) q) Tj <51> Tj /Q gs /q1 Do << /Q 1 >> BDC EMC % Q Q Q\nQ')).toBe(true);
    expect(ok('q [(Q) 10 (q)] TJ Q')).toBe(true);
    expect(ok('qQ')).toBe(true); // "qQ" is one (unknown) token, not q then Q
  });

  it('inline image data is skipped up to EI, whatever bytes it holds', () => {
    const head = new TextEncoder().encode('q BI /W 2 /H 1 /BPC 8 /CS /G ID ');
    const data = new Uint8Array([0x51, 0x20, 0x51]); // "Q Q" as pixel bytes
    const tail = new TextEncoder().encode(' EI Q');
    expect(ok(new Uint8Array([...head, ...data, ...tail]))).toBe(true);
  });
});
