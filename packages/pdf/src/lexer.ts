/** Byte classes and a tokenizer over one window of a file (absolute offsets = base + index). */

import { latin1 } from './byte-source.js';

export const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
export const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;
/** The value of a hex digit by byte, -1 for any other byte (a table: a signature's /Contents is thousands of digits). */
export const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

// The classes take `undefined` (a read past the end of a buffer) and answer false: callers may test b[i] unchecked.
export const isWs = (c: number | undefined): boolean => c !== undefined && WS[c] === 1;
export const isRegular = (c: number | undefined): boolean => c !== undefined && !WS[c] && !DELIM[c];
export const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;

/** Thrown when a token runs off the end of the window; the caller retries with a larger window. */
export class EndOfWindow extends Error {
  constructor() {
    super('end of window');
  }
}

export type Token =
  | { t: 'num'; v: number; int: boolean; start: number }
  | { t: 'name'; v: string; start: number }
  | { t: 'str'; v: Uint8Array; hex: boolean; start: number; end: number }
  | { t: 'kw'; v: string; start: number }
  | { t: 'punct'; v: '[' | ']' | '<<' | '>>' | '{' | '}'; start: number }
  | { t: 'eof'; start: number };

export class Lexer {
  pos: number;
  /** True when the window ends at the end of the file (no more data can be had). */
  constructor(
    readonly buf: Uint8Array,
    readonly base: number,
    start: number,
    readonly final: boolean,
  ) {
    this.pos = start - base;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  private more(): never | void {
    if (!this.final) throw new EndOfWindow();
  }

  skipWs(): void {
    const b = this.buf;
    for (;;) {
      while (this.pos < b.length && isWs(b[this.pos])) this.pos++;
      if (this.pos < b.length && b[this.pos] === 37 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
        if (this.pos >= b.length) this.more();
        continue;
      }
      if (this.pos >= b.length) this.more();
      return;
    }
  }

  peekByte(): number {
    return this.buf[this.pos] ?? -1;
  }

  next(): Token {
    this.skipWs();
    const b = this.buf;
    const start = this.base + this.pos;
    if (this.pos >= b.length) return { t: 'eof', start };
    const c = b[this.pos];
    switch (c) {
      case 91:
        this.pos++;
        return { t: 'punct', v: '[', start };
      case 93:
        this.pos++;
        return { t: 'punct', v: ']', start };
      case 123:
        this.pos++;
        return { t: 'punct', v: '{', start };
      case 125:
        this.pos++;
        return { t: 'punct', v: '}', start };
      case 60: // <
        if (this.pos + 1 >= b.length) this.more();
        if (b[this.pos + 1] === 60) {
          this.pos += 2;
          return { t: 'punct', v: '<<', start };
        }
        return this.hexString(start);
      case 62: // >
        if (this.pos + 1 >= b.length) this.more();
        if (b[this.pos + 1] === 62) {
          this.pos += 2;
          return { t: 'punct', v: '>>', start };
        }
        this.pos++;
        return { t: 'kw', v: '>', start };
      case 40:
        return this.literalString(start);
      case 47:
        return this.name(start);
      case 41:
        this.pos++;
        return { t: 'kw', v: ')', start };
    }
    if (isDigit(c) || c === 43 || c === 45 || c === 46) return this.number(start);
    // keyword: a run of regular characters
    let e = this.pos;
    while (e < b.length && isRegular(b[e])) e++;
    if (e >= b.length) this.more();
    if (e === this.pos) e++; // a stray delimiter byte; consume it as a one-byte keyword
    const v = latin1(b.subarray(this.pos, Math.min(e, this.pos + 64)));
    this.pos = e;
    return { t: 'kw', v, start };
  }

  private number(start: number): Token {
    const b = this.buf;
    let e = this.pos;
    while (e < b.length && (isDigit(b[e]) || b[e] === 43 || b[e] === 45 || b[e] === 46)) e++;
    if (e >= b.length) this.more();
    // Object numbers, generations, offsets and lengths: plain digits, read without a string or a regular expression
    if (e - this.pos <= 15) {
      let v = 0;
      let k = this.pos;
      while (k < e && b[k]! >= 48 && b[k]! <= 57) v = v * 10 + (b[k++]! - 48);
      if (k === e) {
        this.pos = e;
        return { t: 'num', v, int: true, start };
      }
    }
    const s = latin1(b.subarray(this.pos, Math.min(e, this.pos + 64)));
    this.pos = e;
    // Lenient like other readers: "--5", "5-" and "." read as the number they start with, else 0.
    const m = /^[+-]*(\d*\.?\d*)/.exec(s.replace(/^([+-])[+-]+/, '$1'));
    const neg = s.startsWith('-');
    let v = m?.[1] && m[1] !== '.' ? Number(m[1]) : 0;
    if (!Number.isFinite(v)) v = 0;
    if (neg) v = -v;
    return { t: 'num', v, int: !s.includes('.'), start };
  }

  private name(start: number): Token {
    const b = this.buf;
    let e = this.pos + 1;
    while (e < b.length && isRegular(b[e])) e++;
    if (e >= b.length) this.more();
    let v = '';
    for (let i = this.pos + 1; i < e; i++) {
      const c = b[i]!; // i < e <= b.length
      if (c === 35 /* # */ && i + 2 < e) {
        const h = hexVal(b[i + 1]) * 16 + hexVal(b[i + 2]);
        if (h >= 0 && hexVal(b[i + 1]) >= 0 && hexVal(b[i + 2]) >= 0) {
          v += String.fromCharCode(h);
          i += 2;
          continue;
        }
      }
      v += String.fromCharCode(c);
    }
    this.pos = e;
    return { t: 'name', v, start };
  }

  private hexString(start: number): Token {
    const b = this.buf;
    let e = b.indexOf(62, this.pos + 1);
    if (e < 0) {
      e = b.length;
      this.more();
    }
    const out = new Uint8Array((e - this.pos) >> 1);
    let n = 0;
    let hi = -1;
    for (let i = this.pos + 1; i < e; i++) {
      const h = HEX[b[i]!]!; // i < e <= b.length; the table covers every byte
      if (h < 0) continue;
      if (hi < 0) hi = h;
      else {
        out[n++] = (hi << 4) | h;
        hi = -1;
      }
    }
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = e + 1;
    return { t: 'str', v: out.subarray(0, n), hex: true, start, end: this.base + this.pos };
  }

  private literalString(start: number): Token {
    const b = this.buf;
    const out: number[] = [];
    let depth = 1;
    let i = this.pos + 1;
    while (true) {
      if (i >= b.length) {
        this.more();
        break;
      }
      const c = b[i++]!;
      if (c === 92 /* \ */) {
        if (i >= b.length) {
          this.more();
          break;
        }
        const d = b[i++]!;
        switch (d) {
          case 110:
            out.push(10);
            break;
          case 114:
            out.push(13);
            break;
          case 116:
            out.push(9);
            break;
          case 98:
            out.push(8);
            break;
          case 102:
            out.push(12);
            break;
          case 13:
            if (b[i] === 10) i++;
            break; // line continuation
          case 10:
            break;
          default:
            if (d >= 48 && d <= 55) {
              let v = d - 48;
              for (let k = 0; k < 2; k++) {
                const o = b[i];
                if (o === undefined || o < 48 || o > 55) break;
                v = v * 8 + (o - 48);
                i++;
              }
              out.push(v & 0xff);
            } else out.push(d);
        }
        continue;
      }
      if (c === 40) depth++;
      else if (c === 41 && --depth === 0) break;
      out.push(c);
    }
    this.pos = i;
    return { t: 'str', v: Uint8Array.from(out), hex: false, start, end: this.base + this.pos };
  }
}

export function hexVal(c: number | undefined): number {
  return c === undefined ? -1 : (HEX[c] ?? -1);
}
