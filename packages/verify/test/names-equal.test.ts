/**
 * namesEqual gives pkijs's verdict (RelativeDistinguishedNames.isEqual: string preparation, then localeCompare)
 * without loading the collator when it need not: the same answer on names of ASCII, Vietnamese letters (composed and
 * decomposed), other scripts, spaces, combining and ignorable characters, different types and value kinds.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { namesEqual } from '../src/revocation/certificates.js';

const CN = '2.5.4.3';
const O = '2.5.4.10';
const PIECES = [
  'a',
  'A',
  'b',
  'z',
  '1',
  ' ',
  '  ',
  '-',
  ',',
  'đ',
  'Đ',
  'ủ',
  'Ủ',
  'ệ',
  'e\u0323\u0302',
  'u\u0309',
  'ư',
  'ơ',
  'ß',
  'ﬁ',
  'fi',
  'Ａ',
  'İ',
  'i\u0307',
  '\u0001',
  '\u200d',
  '\u00ad',
  'Ω',
  'Ω',
  'Å',
  'Å',
  'ж',
  'Ж',
  '中',
  '\u034f',
];

type Atv = { type: string; kind: 'utf8' | 'printable' | 'octets'; value: string };
const atv = fc.record({
  type: fc.constantFrom(CN, O),
  kind: fc.constantFrom<Atv['kind']>('utf8', 'utf8', 'printable', 'octets'),
  value: fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join('')),
});

function rdn(list: Atv[]): pkijs.RelativeDistinguishedNames {
  const typesAndValues = list.map(({ type, kind, value }) => {
    const v =
      kind === 'utf8'
        ? new asn1js.Utf8String({ value })
        : kind === 'printable'
          ? new asn1js.PrintableString({ value })
          : new asn1js.OctetString({ valueHex: new TextEncoder().encode(value) });
    return new pkijs.AttributeTypeAndValue({ type, value: v });
  });
  const built = new pkijs.RelativeDistinguishedNames({ typesAndValues });
  // as parsed from a certificate (valueBeforeDecode set)
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(built.toSchema().toBER()).result });
}

const pkijsVerdict = (a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames) => {
  try {
    return a.isEqual(b);
  } catch {
    return false;
  }
};

describe('namesEqual', () => {
  it('agrees with pkijs on random names, and on each name against a variant of itself', () => {
    const variant = (list: Atv[], spaces: boolean, upper: boolean, nfd: boolean) =>
      list.map((x) => {
        let value = x.value;
        if (spaces) value = `  ${value.replaceAll(' ', '   ')} `;
        if (upper) value = value.toUpperCase();
        if (nfd) value = value.normalize('NFD');
        return { ...x, value };
      });
    fc.assert(
      fc.property(
        fc.array(atv, { minLength: 1, maxLength: 3 }),
        fc.array(atv, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (x, y, spaces, upper, nfd) => {
          const a = rdn(x);
          for (const b of [rdn(y), rdn(variant(x, spaces, upper, nfd))])
            expect(namesEqual(a, b)).toBe(pkijsVerdict(a, b));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('Vietnamese names equal up to case, spaces and composition; different names different', () => {
    const name = (o: string, cn: string) =>
      rdn([
        { type: O, kind: 'utf8', value: o },
        { type: CN, kind: 'utf8', value: cn },
      ]);
    const a = name('Ủy ban nhân dân phường Kinh Bắc', 'Nguyễn Thị Lấp Lánh Ánh');
    expect(namesEqual(a, name('  ủy ban   NHÂN DÂN phường kinh bắc', 'nguyễn thị lấp lánh ánh'))).toBe(true);
    expect(namesEqual(a, name('Ủy ban nhân dân phường Kinh Bắc'.normalize('NFD'), 'Nguyễn Thị Lấp Lánh Ánh'))).toBe(
      true,
    );
    expect(namesEqual(a, name('Ủy ban nhân dân phường Kinh Bắc', 'Nguyễn Thị Lấp Lánh Anh'))).toBe(false);
  });
});
