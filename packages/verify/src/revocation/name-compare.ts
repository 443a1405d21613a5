/**
 * Name equality as pkijs's `RelativeDistinguishedNames.isEqual` decides it (RFC 5280 §7.1 string preparation: trim,
 * fold inner spaces, lower case; then `localeCompare`), answered without `localeCompare` where the answer is
 * certain. The first `localeCompare` of a process loads ICU's collation data (about 30 ms, most of a one-page
 * validation in a fresh `kyso verify`), and path building compares many names that plainly differ.
 *
 * Certain without a collator: attribute types that differ (pkijs: not equal), non-string values (pkijs compares
 * their bytes), prepared strings that are identical (`localeCompare` is 0) or that differ and are both printable
 * ASCII (no two different printable-ASCII strings collate equal: none of those characters is ignorable in the root
 * collation). Anything else — another script, where canonically equivalent spellings collate equal — is left to
 * pkijs.
 */
import type { AttributeTypeAndValue, RelativeDistinguishedNames } from 'pkijs';

/** pkijs's string types for an attribute value (AttributeTypeAndValue.isEqual). */
const STRING_BLOCKS = new Set([
  'UTF8String',
  'BMPString',
  'UniversalString',
  'NumericString',
  'PrintableString',
  'TeletexString',
  'VideotexString',
  'IA5String',
  'GraphicString',
  'VisibleString',
  'GeneralString',
  'CharacterString',
]);

/** pkijs's stringPrep: trimmed, runs of spaces as one, lower case. */
function stringPrep(input: string): string {
  let space = false;
  let out = '';
  const s = input.trim();
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 32) space = true;
    else {
      if (space) {
        out += ' ';
        space = false;
      }
      out += s[i];
    }
  }
  return out.toLowerCase();
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

type Value = { constructor: { blockName?: () => string }; valueBlock?: { value?: unknown }; valueBeforeDecodeView?: Uint8Array };

function blockName(v: Value): string | undefined {
  return typeof v.constructor?.blockName === 'function' ? v.constructor.blockName() : undefined;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One attribute pair: true or false when certain, undefined when only a collator can tell. */
function attributeEqual(x: AttributeTypeAndValue, y: AttributeTypeAndValue): boolean | undefined {
  if (x.type !== y.type) return false;
  const a = x.value as unknown as Value;
  const b = y.value as unknown as Value;
  const stringA = STRING_BLOCKS.has(blockName(a) ?? '');
  const stringB = STRING_BLOCKS.has(blockName(b) ?? '');
  if (stringA !== stringB) return false;
  if (!stringA) return sameBytes(a.valueBeforeDecodeView, b.valueBeforeDecodeView);
  const va = a.valueBlock?.value;
  const vb = b.valueBlock?.value;
  if (typeof va !== 'string' || typeof vb !== 'string') return undefined;
  const pa = stringPrep(va);
  const pb = stringPrep(vb);
  if (pa === pb) return true;
  return PRINTABLE_ASCII.test(pa) && PRINTABLE_ASCII.test(pb) ? false : undefined;
}

/** pkijs's answer to `a.isEqual(b)` for two Names; undefined when it takes a collator. */
export function namesEqualWithoutCollator(a: RelativeDistinguishedNames, b: RelativeDistinguishedNames): boolean | undefined {
  if (a.typesAndValues.length !== b.typesAndValues.length) return false;
  let unsure = false;
  for (const [i, x] of a.typesAndValues.entries()) {
    const y = b.typesAndValues[i];
    if (!y) return undefined;
    const eq = attributeEqual(x, y);
    if (eq === false) return false;
    if (eq === undefined) unsure = true;
  }
  return unsure ? undefined : true;
}

/** `a.isEqual(b)` as pkijs answers it (throwing where it throws), without a collator when the answer is certain. */
export function rdnIsEqual(a: RelativeDistinguishedNames, b: RelativeDistinguishedNames): boolean {
  try {
    const certain = namesEqualWithoutCollator(a, b);
    if (certain !== undefined) return certain;
  } catch {
    /* pkijs decides (and throws) below */
  }
  return a.isEqual(b);
}
