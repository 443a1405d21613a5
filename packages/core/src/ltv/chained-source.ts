/** A file followed by in-memory updates, read as one ByteSource: how each augmentation step sees the previous ones. */
import type { ByteSource } from '@kyso/pdf';

export class ChainedSource implements ByteSource {
  private readonly parts: { start: number; source: ByteSource | Uint8Array }[] = [];
  readonly length: number;

  constructor(base: ByteSource, updates: readonly Uint8Array[]) {
    let at = 0;
    for (const p of [base, ...updates]) {
      this.parts.push({ start: at, source: p });
      at += p.length;
    }
    this.length = at;
  }

  read(start: number, end: number): Uint8Array {
    start = Math.max(0, start);
    end = Math.min(this.length, end);
    if (end <= start) return new Uint8Array(0);
    const pieces: Uint8Array[] = [];
    for (const { start: s, source } of this.parts) {
      const e = s + source.length;
      if (e <= start || s >= end) continue;
      const a = Math.max(start, s) - s;
      const b = Math.min(end, e) - s;
      pieces.push(source instanceof Uint8Array ? source.subarray(a, b) : source.read(a, b));
    }
    if (pieces.length === 1 && pieces[0]) return pieces[0];
    const out = new Uint8Array(end - start);
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
