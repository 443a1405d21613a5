/**
 * extension-values.ts reads common certificate extension values without pkijs's schema matching: whenever it reads a
 * value, pkijs's own reading (Extension.parsedValue) must give the same value — on real certificates (the bundled
 * Vietnamese trust data, the test PKI), on mutated values, and on the forms it leaves to pkijs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { extensionValueOf } from '../src/revocation/extension-values.js';
import { toCertificate } from '../src/revocation/certificates.js';
import { readExtensions } from '../src/trust/extensions.js';
import { pemOrDer } from '../src/revocation/bytes.js';
import { VN_TRUST_DATA } from '../src/trust-profiles/vn-data.generated.js';

const testCerts = ['root-ca.pem', 'intermediate-ca.pem'].map((f) =>
  pemOrDer(readFileSync(fileURLToPath(new URL(`../../../test-certs/${f}`, import.meta.url)))),
);
const DERS: Uint8Array[] = [...VN_TRUST_DATA.map((r) => Uint8Array.from(Buffer.from(r.der, 'base64'))), ...testCerts];

/** pkijs's own parse, with nothing read directly. */
function pkijsCertificate(der: Uint8Array): pkijs.Certificate {
  return new pkijs.Certificate({ schema: asn1js.fromBER(der.slice().buffer as ArrayBuffer).result });
}

/** What a reader can see of a value: asn1js blocks by kind and bytes, pkijs objects by their fields. */
function view(v: unknown): unknown {
  if (v instanceof asn1js.BaseBlock) {
    const vb = v.valueBlock as { valueHexView?: Uint8Array; unusedBits?: number };
    return {
      block: (v.constructor as typeof asn1js.BaseBlock).blockName(),
      hex: Buffer.from(vb.valueHexView ?? []).toString('hex'),
      unusedBits: vb.unusedBits,
    };
  }
  if (Array.isArray(v)) return v.map(view);
  if (v && typeof v === 'object') {
    return {
      class: v.constructor.name,
      ...Object.fromEntries(Object.entries(v).map(([k, x]) => [k, view(x)])),
    };
  }
  return v;
}

function pkijsValue(oid: string, der: Uint8Array): unknown {
  return new pkijs.Extension({ extnID: oid, critical: false, extnValue: der.slice().buffer as ArrayBuffer })
    .parsedValue;
}

function encoding(v: object): Uint8Array {
  const schema = v instanceof asn1js.BaseBlock ? v : (v as { toSchema(): asn1js.BaseBlock }).toSchema();
  return new Uint8Array(schema.toBER(false));
}

/** The direct reading, when there is one, equals pkijs's and encodes back to the same bytes. */
function expectAgreement(oid: string, der: Uint8Array): boolean {
  const direct = extensionValueOf(oid, der);
  if (direct === undefined) return false;
  const theirs = pkijsValue(oid, der);
  expect(theirs).toBeDefined();
  expect((theirs as { parsingError?: string }).parsingError).toBeUndefined();
  expect(view(direct)).toEqual(view(theirs));
  expect(Buffer.from(encoding(direct)).toString('hex')).toBe(Buffer.from(der).toString('hex'));
  return true;
}

const extensionsOf = (der: Uint8Array) =>
  (pkijsCertificate(der).extensions ?? []).map((e) => ({
    oid: e.extnID,
    der: new Uint8Array(e.extnValue.valueBlock.valueHexView),
  }));
const ALL = DERS.flatMap(extensionsOf);

describe('extension values read directly', () => {
  it('agree with pkijs on every extension of the bundled and test certificates', () => {
    let read = 0;
    for (const { oid, der } of ALL) if (expectAgreement(oid, der)) read++;
    // the plain forms are most of them (qualifiers, issuer-and-serial AKIs and the like are left to pkijs)
    expect(read).toBeGreaterThan(ALL.length / 2);
    for (const oid of ['2.5.29.14', '2.5.29.15', '2.5.29.19', '2.5.29.35', '2.5.29.31', '1.3.6.1.5.5.7.1.1'])
      expect(ALL.some((e) => e.oid === oid && extensionValueOf(oid, e.der) !== undefined)).toBe(true);
  });

  it('give readExtensions the same facts as pkijs does', () => {
    for (const der of DERS) {
      const primed = toCertificate(der);
      expect(primed.extensions?.some((e) => extensionValueOf(e.extnID, e.extnValue.valueBlock.valueHexView))).toBe(
        true,
      );
      expect(readExtensions(primed)).toEqual(readExtensions(pkijsCertificate(der)));
    }
  });

  it('agree with pkijs or decline on mutated values', () => {
    const seeds = ALL.filter((e) => extensionValueOf(e.oid, e.der) !== undefined);
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (i, edits) => {
          const seed = seeds[i]!;
          let b = [...seed.der];
          for (const [at, x, kind] of edits) {
            const p = at % (b.length + 1);
            if (kind === 0 && p < b.length) b[p] = x;
            else if (kind === 1) b.splice(p, 0, x);
            else if (kind === 2) b.splice(p, 1);
            else b = b.slice(0, p);
          }
          expectAgreement(seed.oid, Uint8Array.from(b));
        },
      ),
      { numRuns: 3000, seed: 20261204 },
    );
  });

  it('leave other forms to pkijs', () => {
    const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));
    const declined: Array<[string, string]> = [
      ['2.5.29.19', '30 03 01 01 01'], // BER TRUE
      ['2.5.29.19', '30 03 01 01 00'], // an explicit DEFAULT FALSE
      ['2.5.29.19', '30 06 01 01 ff 02 01 80'], // a negative pathLen
      ['2.5.29.19', '30 03 02 01 00'], // a pathLen without cA
      ['2.5.29.19', '30 81 03 01 01 ff'], // a non-minimal length
      ['2.5.29.14', '04 02 01 02 00'], // trailing bytes
      ['2.5.29.15', '03 02 08 80'], // more than 7 unused bits
      ['2.5.29.35', '30 08 80 02 01 02 82 02 01 02'], // with a serial
      ['2.5.29.37', '30 00'], // no purpose
      ['2.5.29.37', '30 04 06 02 80 01'], // a non-minimal sub-identifier
      ['1.3.6.1.5.5.7.1.1', '30 0c 30 0a 06 03 2b 06 01 86 03 61 20 62'], // a space in the URI
      ['1.3.6.1.5.5.7.1.1', '30 0a 30 08 06 03 2b 06 01 82 01 61'], // a DNS name
      ['2.5.29.31', '30 0b 30 09 a0 07 a0 05 86 01 61 81 00'], // reasons... inside the names: not a URI list
      ['2.5.29.31', '30 0c 30 0a a0 05 a0 03 86 01 61 81 01 00'], // with reasons
      ['2.5.29.32', '30 0f 30 0d 06 04 55 1d 20 00 30 05 30 03 06 01 01'], // with a qualifier
    ];
    for (const [oid, value] of declined) expect(extensionValueOf(oid, hex(value)), value).toBeUndefined();
    expect(extensionValueOf('2.5.29.17', hex('30 03 82 01 61'))).toBeUndefined(); // subjectAltName: pkijs's
  });
});
