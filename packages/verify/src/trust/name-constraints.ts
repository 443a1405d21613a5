/**
 * RFC 5280 §4.2.1.10 name constraints: whether a certificate's names (subject DN, emailAddress attributes, subject
 * alternative names) fall inside a CA's permitted subtrees and outside its excluded ones. Name forms this module
 * cannot compare (otherName, x400Address, ediPartyName, registeredID) fail closed when a constraint of that form
 * exists.
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

const EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

enum Form {
  Rfc822 = 1,
  Dns = 2,
  Directory = 4,
  Uri = 6,
  Ip = 7,
}

interface Name {
  type: number;
  value: unknown;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : String(v ?? '');
}

function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const b = base.toLowerCase().replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

function emailWithin(name: string, base: string): boolean {
  const at = name.lastIndexOf('@');
  if (at < 0) return false;
  const host = name.slice(at + 1).toLowerCase();
  const b = base.toLowerCase();
  if (b.includes('@'))
    return name.slice(0, at) === base.slice(0, base.lastIndexOf('@')) && host === b.slice(b.lastIndexOf('@') + 1);
  if (b.startsWith('.')) return host.endsWith(b);
  return host === b;
}

function uriHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  return m?.[1]?.toLowerCase() ?? null;
}

function uriWithin(name: string, base: string): boolean {
  const host = uriHost(name);
  if (host === null) return false;
  const b = base.toLowerCase();
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

function ipWithin(name: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== name.length * 2) return false;
  // base is the network then the mask, each name.length bytes long (checked above)
  return name.every((byte, i) => {
    const mask = base[name.length + i]!;
    return (byte & mask) === (base[i]! & mask);
  });
}

function dnWithin(name: pkijs.RelativeDistinguishedNames, base: pkijs.RelativeDistinguishedNames): boolean {
  const n = name.typesAndValues;
  const b = base.typesAndValues;
  if (b.length > n.length) return false;
  return b.every((atv, i) => {
    try {
      return atv.isEqual(n[i]!); // b.length <= n.length
    } catch {
      return false;
    }
  });
}

function octets(v: unknown): Uint8Array {
  return v instanceof asn1js.OctetString ? new Uint8Array(v.valueBlock.valueHexView) : new Uint8Array(0);
}

/** true: within; false: outside; null: this module cannot compare the forms. */
function within(name: Name, base: pkijs.GeneralName): boolean | null {
  switch (base.type) {
    case Form.Rfc822:
      return emailWithin(text(name.value), text(base.value));
    case Form.Dns:
      return dnsWithin(text(name.value), text(base.value));
    case Form.Directory:
      return dnWithin(name.value as pkijs.RelativeDistinguishedNames, base.value as pkijs.RelativeDistinguishedNames);
    case Form.Uri:
      return uriWithin(text(name.value), text(base.value));
    case Form.Ip:
      return ipWithin(octets(name.value), octets(base.value));
    default:
      return null;
  }
}

/** The names a certificate asserts, as general names: subject DN (when not empty), emailAddress attributes, SANs. */
export function certificateNames(cert: pkijs.Certificate, altNames: readonly pkijs.GeneralName[]): Name[] {
  const out: Name[] = [];
  if (cert.subject.typesAndValues.length > 0) out.push({ type: Form.Directory, value: cert.subject });
  for (const atv of cert.subject.typesAndValues) {
    if (atv.type === EMAIL_ADDRESS) out.push({ type: Form.Rfc822, value: String(atv.value.valueBlock.value ?? '') });
  }
  for (const gn of altNames) out.push({ type: gn.type, value: gn.value });
  return out;
}

/** A description of the first name that violates the constraints, or null when every name satisfies them. */
export function nameConstraintViolation(
  names: readonly Name[],
  constraints: { permitted: readonly pkijs.GeneralSubtree[]; excluded: readonly pkijs.GeneralSubtree[] },
): string | null {
  for (const name of names) {
    const permitted = constraints.permitted.filter((s) => s.base.type === name.type);
    if (permitted.length > 0) {
      const results = permitted.map((s) => within(name, s.base));
      if (results.includes(null)) return `name form ${name.type} cannot be checked against permitted subtrees`;
      if (!results.includes(true)) return `${describe(name)} is outside the permitted subtrees`;
    }
    for (const s of constraints.excluded.filter((e) => e.base.type === name.type)) {
      const r = within(name, s.base);
      if (r === null) return `name form ${name.type} cannot be checked against excluded subtrees`;
      if (r) return `${describe(name)} is in an excluded subtree`;
    }
  }
  return null;
}

function describe(name: Name): string {
  if (name.type === Form.Directory) return 'the subject name';
  if (name.type === Form.Ip) return 'an IP address';
  return `"${text(name.value)}"`;
}
