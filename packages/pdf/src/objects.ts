/**
 * The PDF object model. Arrays are plain JS arrays; everything else is a small class so that a value's kind is
 * known without guessing. Names keep their decoded bytes as a binary (latin1) string so they round-trip exactly.
 */
import type { ByteSource } from './byte-source.js';

export type PdfObject =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfRef
  | PdfDict
  | PdfStream
  | PdfArray
  | PdfPlaceholder;
export type PdfArray = PdfObject[];

/** A byte span [start, end) in the source file. */
export interface Span {
  start: number;
  end: number;
}

const nameTable = new Map<string, PdfName>();

export class PdfName {
  private constructor(readonly name: string) {}
  /** Interned: `PdfName.of('Type') === PdfName.of('Type')`. */
  static of(name: string): PdfName {
    let n = nameTable.get(name);
    if (!n) {
      n = new PdfName(name);
      if (nameTable.size < 100_000) nameTable.set(name, n);
    }
    return n;
  }
  toString(): string {
    return '/' + this.name;
  }
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  get key(): string {
    return `${this.num} ${this.gen}`;
  }
  equals(other: PdfRef): boolean {
    return other.num === this.num && other.gen === this.gen;
  }
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfString {
  /** Where the string (with its delimiters) sits in the source file, when it was parsed from one. */
  span?: Span;
  constructor(
    readonly bytes: Uint8Array,
    readonly hex = false,
  ) {}
}

export class PdfDict {
  readonly map = new Map<string, PdfObject>();
  /** Where the dictionary (from `<<` to `>>`) sits in the source file, when parsed from one. */
  span?: Span;

  constructor(entries?: Iterable<[string, PdfObject]> | Record<string, PdfObject>) {
    if (!entries) return;
    const it = Symbol.iterator in entries ? (entries as Iterable<[string, PdfObject]>) : Object.entries(entries);
    for (const [k, v] of it) this.map.set(k, v);
  }
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }
  set(key: string, value: PdfObject): this {
    this.map.set(key, value);
    return this;
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
  get size(): number {
    return this.map.size;
  }
  /** A shallow copy: a new map holding the same values. */
  clone(): PdfDict {
    const d = new PdfDict(this.map);
    return d;
  }
  /** The value if it is a name, else undefined (no reference resolution). */
  getName(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
}

/** Where a stream's encoded bytes live: in the source file (read lazily) or in memory. */
export type StreamData =
  | { kind: 'source'; source: ByteSource; start: number; length: number }
  | { kind: 'bytes'; bytes: Uint8Array };

export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly data: StreamData,
  ) {}
  static fromBytes(dict: PdfDict, bytes: Uint8Array): PdfStream {
    return new PdfStream(dict, { kind: 'bytes', bytes });
  }
  /** The encoded (raw) bytes, as stored in the file. */
  raw(): Uint8Array {
    return this.data.kind === 'bytes'
      ? this.data.bytes
      : this.data.source.read(this.data.start, this.data.start + this.data.length);
  }
  get rawLength(): number {
    return this.data.kind === 'bytes' ? this.data.bytes.length : this.data.length;
  }
}

/**
 * Bytes the writer emits verbatim and whose absolute offset it reports under `id`; a signature's /Contents and
 * /ByteRange are written this way so they can be filled in after the digest is known.
 */
export class PdfPlaceholder {
  constructor(
    readonly id: string,
    readonly bytes: Uint8Array,
  ) {}
}

export const isDict = (o: unknown): o is PdfDict => o instanceof PdfDict;
export const isStream = (o: unknown): o is PdfStream => o instanceof PdfStream;
export const isName = (o: unknown, name?: string): o is PdfName =>
  o instanceof PdfName && (name === undefined || o.name === name);
export const isRef = (o: unknown): o is PdfRef => o instanceof PdfRef;
export const isNumber = (o: unknown): o is number => typeof o === 'number';
export const isInt = (o: unknown): o is number => typeof o === 'number' && Number.isInteger(o);
