/**
 * Comparing what kyso's direct DER readers make with what pkijs's own reading makes (the *-reader tests): JSON and
 * hex that never throw, and an extension's value as pkijs gives it when asked.
 */
import * as asn1js from 'asn1js';
import { expect } from 'vitest';
import type * as pkijs from 'pkijs';
import { extensionValueOf } from '../../src/revocation/extension-values.js';

export const hex = (b: Uint8Array | ArrayBuffer): string =>
  Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');

/** The JSON of a pkijs object, or what it throws (pkijs reads an unknown extension's value when asked, and may throw). */
export function json(x: { toJSON(): unknown } | undefined): string {
  try {
    return JSON.stringify(x?.toJSON());
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

/** An extension's value as JSON, or what reading it throws. */
export function parsedJson(ext: pkijs.Extension): string {
  try {
    return json(ext.parsedValue as { toJSON(): unknown } | undefined);
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

/** Sets the values kyso reads itself (extension-values.ts) on extensions pkijs read, as kyso's readers do. */
export function primeExtensions(extensions: readonly pkijs.Extension[] | undefined): void {
  for (const e of extensions ?? []) {
    const v = extensionValueOf(e.extnID, e.extnValue.valueBlock.valueHexView);
    if (v !== undefined) e.parsedValue = v;
  }
}

/** asn1js's tree of exactly `der`, or null when it cannot read all of it (it throws on some values, too). */
export function asn1Of(der: Uint8Array): asn1js.AsnType | null {
  try {
    const asn = asn1js.fromBER(new Uint8Array(der).buffer as ArrayBuffer);
    return asn.offset === der.length && !asn.result.error ? asn.result : null;
  } catch {
    return null;
  }
}

/** A signed structure read both ways (a certificate, a CRL) has the same JSON, encodings, own fields and signed part. */
export function expectSameSigned<T extends SignedObject>(mine: T, theirs: T, der: Uint8Array): void {
  expect(json(mine)).toBe(json(theirs));
  expect(hex(mine.toSchema(false).toBER(false))).toBe(hex(der));
  for (const encode of [false, true])
    expect(hex(mine.toSchema(encode).toBER(false))).toBe(hex(theirs.toSchema(encode).toBER(false)));
  expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
  expect(hex(mine.tbsView)).toBe(hex(theirs.tbsView));
}

interface SignedObject {
  toJSON(): unknown;
  toSchema(encodeFlag?: boolean): asn1js.AsnType;
  tbsView: Uint8Array;
}
