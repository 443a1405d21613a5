/**
 * Append-only writer: adds or replaces objects and writes one incremental update in the file's own style (an xref
 * stream after an xref stream, a table after a table or a hybrid file), with /Prev, /Size and /ID. The original
 * bytes are never touched: the update is returned separately so large files can be streamed, and `write()`
 * gives the whole file when it fits in memory.
 */
import type { PdfDocument } from './document.js';
import { PdfError } from './errors.js';
import { deflate } from './filters.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';
import { ByteWriter, ObjectSerializer } from './serializer.js';
import { randomBytes } from './random.js';

export type XrefStyle = 'table' | 'stream';

export interface BuildOptions {
  /** Override the style; by default the newest revision's style is kept. */
  xrefStyle?: XrefStyle;
  /** The second (changing) /ID element; random by default. */
  changingId?: Uint8Array;
}

export interface IncrementalUpdate {
  /** The bytes to append to the original file. */
  bytes: Uint8Array;
  /** Absolute offset (in the final file) of each placeholder written. */
  placeholders: Map<string, number>;
  /** Absolute offset of the new cross-reference section. */
  xrefOffset: number;
  /** Length of the final file. */
  totalLength: number;
  xrefStyle: XrefStyle;
}

export class IncrementalWriter {
  private readonly objects = new Map<number, { ref: PdfRef; value: PdfObject }>();
  private readonly trailerEntries = new Map<string, PdfObject>();
  private next: number;

  constructor(readonly doc: PdfDocument) {
    this.next = doc.nextObjectNumber;
  }

  /** A fresh object number (generation 0). */
  allocate(): PdfRef {
    return new PdfRef(this.next++, 0);
  }

  /** Adds a new object and returns its reference. */
  add(value: PdfObject): PdfRef {
    const ref = this.allocate();
    this.objects.set(ref.num, { ref, value });
    return ref;
  }

  /** Sets (adds or replaces) the object `ref`. */
  set(ref: PdfRef, value: PdfObject): void {
    if (ref.num <= 0) throw new PdfError('PDF_WRITE', { object: ref.num }, 'object number must be positive');
    this.objects.set(ref.num, { ref, value });
    if (ref.num >= this.next) this.next = ref.num + 1;
  }

  /** The value staged for `ref` in this update, if any. */
  staged(ref: PdfRef): PdfObject | undefined {
    return this.objects.get(ref.num)?.value;
  }

  /** Sets a trailer entry such as /Info for the new revision. */
  setTrailer(key: string, value: PdfObject): void {
    if (['Size', 'Prev', 'Root', 'ID', 'XRefStm', 'Encrypt'].includes(key) && key !== 'Root') {
      throw new PdfError('PDF_WRITE', { key }, 'trailer entry is managed by the writer');
    }
    this.trailerEntries.set(key, value);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Builds the update. The document's bytes are not read beyond what the trailer needs. */
  build(options: BuildOptions = {}): IncrementalUpdate {
    const doc = this.doc;
    const base = doc.length;
    const latest = doc.latest;
    const style: XrefStyle = options.xrefStyle ?? (latest.kind === 'stream' ? 'stream' : 'table');
    const out = new ByteWriter();
    const tail = doc.source.read(base - 1, base);
    if (tail[0] !== 10 && tail[0] !== 13) out.ascii('\n');
    const ser = new ObjectSerializer(out, base);
    const offsets = new Map<number, { offset: number; gen: number }>();
    for (const num of [...this.objects.keys()].sort((a, b) => a - b)) {
      const { ref, value } = this.objects.get(num)!;
      offsets.set(num, { offset: ser.indirect(ref, value), gen: ref.gen });
    }

    const trailer = new PdfDict();
    const old = latest.trailer;
    const root = this.trailerEntries.get('Root') ?? old.get('Root');
    if (!(root instanceof PdfRef)) throw new PdfError('PDF_WRITE', {}, 'the trailer has no /Root reference');
    trailer.set('Root', root);
    const info = this.trailerEntries.get('Info') ?? old.get('Info');
    if (info instanceof PdfRef) trailer.set('Info', info);
    for (const [k, v] of this.trailerEntries) if (k !== 'Root' && k !== 'Info') trailer.set(k, v);
    trailer.set('ID', [permanentId(old), new PdfString(options.changingId ?? randomId(), true)]);
    const prev = latest.kind === 'recovered' ? undefined : latest.xrefOffset;

    let xrefOffset: number;
    if (style === 'stream') {
      const xref = this.allocate();
      xrefOffset = base + out.length;
      offsets.set(xref.num, { offset: xrefOffset, gen: 0 });
      const size = Math.max(this.next, doc.nextObjectNumber);
      const nums = [...offsets.keys()].sort((a, b) => a - b);
      const maxOff = Math.max(...[...offsets.values()].map((o) => o.offset));
      let w2 = 1;
      while (maxOff >= 2 ** (8 * w2)) w2++;
      const rowLen = 1 + w2 + 2;
      const rows = new Uint8Array(nums.length * rowLen);
      nums.forEach((num, i) => {
        const { offset, gen } = offsets.get(num)!;
        const p = i * rowLen;
        rows[p] = 1;
        for (let k = 0; k < w2; k++) rows[p + 1 + k] = Math.floor(offset / 2 ** (8 * (w2 - 1 - k))) & 0xff;
        rows[p + 1 + w2] = (gen >> 8) & 0xff;
        rows[p + 2 + w2] = gen & 0xff;
      });
      const d = new PdfDict();
      d.set('Type', PdfName.of('XRef'));
      d.set('Size', size);
      d.set(
        'Index',
        subsections(nums).flatMap((s) => [s.first, s.count]),
      );
      d.set('W', [1, w2, 2]);
      if (prev !== undefined) d.set('Prev', prev);
      for (const [k, v] of trailer.map) d.set(k, v);
      d.set('Filter', PdfName.of('FlateDecode'));
      ser.indirect(xref, PdfStream.fromBytes(d, deflate(rows)));
    } else {
      xrefOffset = base + out.length;
      const nums = [...offsets.keys()].sort((a, b) => a - b);
      out.ascii('xref\n');
      for (const s of subsections(nums)) {
        out.ascii(`${s.first} ${s.count}\n`);
        for (let n = s.first; n < s.first + s.count; n++) {
          const { offset, gen } = offsets.get(n)!;
          out.ascii(`${String(offset).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`);
        }
      }
      const t = new PdfDict();
      t.set('Size', Math.max(this.next, doc.nextObjectNumber));
      if (prev !== undefined) t.set('Prev', prev);
      for (const [k, v] of trailer.map) t.set(k, v);
      out.ascii('trailer\n');
      ser.write(t);
      out.ascii('\n');
    }
    out.ascii(`startxref\n${xrefOffset}\n%%EOF\n`);
    const bytes = out.view(); // the writer is dropped here: its buffer is the update's
    return { bytes, placeholders: ser.placeholders, xrefOffset, totalLength: base + bytes.length, xrefStyle: style };
  }

  /** The whole updated file: the original bytes, unchanged, then the update. */
  write(options?: BuildOptions): Uint8Array {
    const update = this.build(options);
    const out = new Uint8Array(update.totalLength);
    out.set(this.doc.source.read(0, this.doc.length), 0);
    out.set(update.bytes, this.doc.length);
    return out;
  }
}

function subsections(nums: number[]): { first: number; count: number }[] {
  const out: { first: number; count: number }[] = [];
  for (const n of nums) {
    const last = out[out.length - 1];
    if (last && last.first + last.count === n) last.count++;
    else out.push({ first: n, count: 1 });
  }
  return out;
}

function permanentId(trailer: PdfDict): PdfString {
  const id = trailer.get('ID');
  if (Array.isArray(id) && id[0] instanceof PdfString) return new PdfString(id[0].bytes, true);
  return new PdfString(randomId(), true);
}

// Random bytes are drawn a pool at a time: one getRandomValues call per ID cost more than the rest of the trailer.
const ID_POOL = 1024;
let idPool = new Uint8Array(0);
let idAt = 0;

function randomId(): Uint8Array {
  if (idAt + 16 > idPool.length) {
    idPool = randomBytes(ID_POOL);
    idAt = 0;
  }
  idAt += 16;
  return idPool.slice(idAt - 16, idAt);
}
