/** Writes PDF objects as bytes, recording where placeholders land. */
import { PdfError } from './errors.js';
import { DELIM } from './lexer.js';
import { PdfDict, PdfName, PdfPlaceholder, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

/** A growable byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(1 << 12);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    // Twice the size, or room for this write and a few objects more: a signature's update is small objects around
    // one placeholder of several KB, which then fits with what follows it, without a second growth.
    const size = Math.max(this.buf.length * 2, this.length + n + (1 << 13));
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  ascii(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i) & 0xff;
    return this;
  }
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
  /** The bytes written, without a copy: a view that later writes may change or leave behind. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new PdfError('PDF_WRITE', {}, 'number is not finite');
  if (Number.isInteger(n)) return Object.is(n, -0) ? '0' : String(n);
  let s = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s;
}

// A document's names are a few dozen keys and values written over and over: each is escaped once.
const formattedNames = new Map<string, string>();

export function formatName(name: string): string {
  let s = formattedNames.get(name);
  if (s === undefined) {
    s = escapeName(name);
    if (name.length <= 64 && formattedNames.size < 4096) formattedNames.set(name, s);
  }
  return s;
}

function escapeName(name: string): string {
  let s = '/';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i) & 0xff;
    if (c < 0x21 || c > 0x7e || c === 0x23 || DELIM[c]) s += '#' + c.toString(16).padStart(2, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

const HEX = '0123456789ABCDEF';

export interface SerializeResult {
  /** Offsets of placeholders, relative to the start of the writer. */
  placeholders: Map<string, number>;
}

export class ObjectSerializer {
  constructor(
    readonly out: ByteWriter,
    /** Absolute offset of the writer's first byte in the final file. */
    readonly base: number,
    readonly placeholders: Map<string, number> = new Map(),
  ) {}

  write(o: PdfObject, depth = 0): void {
    if (depth > 256) throw new PdfError('PDF_TOO_DEEP', {}, 'object too deep to write');
    const w = this.out;
    if (o === null) w.ascii('null');
    else if (typeof o === 'boolean') w.ascii(o ? 'true' : 'false');
    else if (typeof o === 'number') w.ascii(formatNumber(o));
    else if (o instanceof PdfName) w.ascii(formatName(o.name));
    else if (o instanceof PdfRef) w.ascii(`${o.num} ${o.gen} R`);
    else if (o instanceof PdfString) this.string(o);
    else if (o instanceof PdfPlaceholder) {
      if (this.placeholders.has(o.id)) throw new PdfError('PDF_WRITE', { id: o.id }, 'placeholder written twice');
      this.placeholders.set(o.id, this.base + w.length);
      w.bytes(o.bytes);
    } else if (Array.isArray(o)) {
      w.ascii('[');
      o.forEach((v, i) => {
        if (i) w.ascii(' ');
        this.write(v, depth + 1);
      });
      w.ascii(']');
    } else if (o instanceof PdfDict) this.dict(o, depth);
    else if (o instanceof PdfStream) {
      const data = o.raw();
      const d = o.dict.clone();
      d.set('Length', data.length);
      this.dict(d, depth);
      w.ascii('\nstream\n').bytes(data).ascii('\nendstream');
    } else throw new PdfError('PDF_WRITE', {}, 'unknown object kind');
  }

  private dict(d: PdfDict, depth: number): void {
    const w = this.out;
    w.ascii('<<');
    for (const [k, v] of d.map) {
      w.ascii(formatName(k));
      if (!(v instanceof PdfName || v instanceof PdfString || v instanceof PdfDict || Array.isArray(v))) w.ascii(' ');
      this.write(v, depth + 1);
    }
    w.ascii('>>');
  }

  private string(s: PdfString): void {
    const w = this.out;
    const b = s.bytes;
    let printable = !s.hex;
    if (printable)
      for (const c of b)
        if (c < 0x20 || c > 0x7e) {
          printable = false;
          break;
        }
    if (!printable) {
      let h = '<';
      for (const c of b) h += HEX.charAt(c >> 4) + HEX.charAt(c & 15);
      w.ascii(h + '>');
      return;
    }
    let t = '(';
    for (const c of b) {
      if (c === 0x28 || c === 0x29 || c === 0x5c) t += '\\';
      t += String.fromCharCode(c);
    }
    w.ascii(t + ')');
  }

  /** Writes "num gen obj\n<object>\nendobj\n" and returns its absolute offset. */
  indirect(ref: PdfRef, o: PdfObject): number {
    const offset = this.base + this.out.length;
    this.out.ascii(`${ref.num} ${ref.gen} obj\n`);
    this.write(o);
    this.out.ascii('\nendobj\n');
    return offset;
  }
}
