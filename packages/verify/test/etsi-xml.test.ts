/**
 * The ETSI TS 119 102-2 XML report: well-formed (a strict checker below, or xmllint when installed), one
 * SignatureValidationReport per signature in revision order, indications equal to the JSON report's, certificates
 * that decode to the signer's, Vietnamese text intact, hostile PDF strings escaped; and `kyso verify --xml`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdf, tsaTimestamper } from '@kyso/core';
import {
  escapeXmlText,
  etsiValidationReportXml,
  validatePdfDetailed,
  validatePdfEtsiXml,
  type SignatureReport,
  type ValidationResult,
} from '@kyso/verify';
import { startTsa, TEST_CERTS, type TsaServer } from '../../../tests/helpers/pki-servers.js';
import { openSigner } from '../../../tests/helpers/keys.js';
import { corpusDir, pdfLibDoc, repoRoot } from '../../../tests/helpers/producers.js';

// ------------------------------------------------------------------------------------------------------------
// A strict, small XML 1.0 + namespaces checker: throws on anything not well-formed; returns the element tree.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  ns: Record<string, string>;
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decodeEntities(s: string, where: number): string {
  if (BAD_CHAR.test(s)) throw new Error(`character not allowed in XML near ${where}`);
  return s.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & near ${where}`);
    if (body === 'lt') return '<';
    if (body === 'gt') return '>';
    if (body === 'amp') return '&';
    if (body === 'quot') return '"';
    if (body === 'apos') return "'";
    const num = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(body);
    if (!num) throw new Error(`unknown entity &${body}; near ${where}`);
    return String.fromCodePoint(num[1][0] === 'x' ? parseInt(num[1].slice(1), 16) : parseInt(num[1], 10));
  });
}

function parseXml(xml: string): XmlElement {
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>/.exec(xml);
  if (!decl) throw new Error('missing XML declaration');
  i = decl[0].length;
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i])) i++;
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const resolve = (el: XmlElement, qname: string, isAttr: boolean) => {
    if (!qname.includes(':')) return;
    const prefix = qname.split(':')[0];
    if (prefix === 'xml' || (isAttr && prefix === 'xmlns')) return;
    if (!(prefix in el.ns)) throw new Error(`undeclared prefix ${prefix} on ${qname}`);
  };
  skipSpace();
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      const name = xml.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`mismatched </${name}> at ${i}, open ${open?.name}`);
      i = end + 1;
    } else if (xml[i] === '<') {
      if (root && stack.length === 0) throw new Error('content after the root element');
      i++;
      const nameMatch = /^[^\s/>]+/.exec(xml.slice(i, i + 200));
      if (!nameMatch || !NAME.test(nameMatch[0])) throw new Error(`bad element name at ${i}`);
      const el: XmlElement = {
        name: nameMatch[0],
        attrs: {},
        children: [],
        text: '',
        ns: { ...(stack.at(-1)?.ns ?? {}) },
      };
      i += nameMatch[0].length;
      for (;;) {
        const before = i;
        skipSpace();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        if (i === before) throw new Error(`attributes need whitespace at ${i}`);
        const attr = /^([^\s=/>]+)="([^"<]*)"/.exec(xml.slice(i, i + 100_000));
        if (!attr || !NAME.test(attr[1])) throw new Error(`bad attribute at ${i}: ${xml.slice(i, i + 40)}`);
        if (attr[1] in el.attrs) throw new Error(`duplicate attribute ${attr[1]}`);
        el.attrs[attr[1]] = decodeEntities(attr[2], i);
        if (attr[1].startsWith('xmlns:')) el.ns[attr[1].slice(6)] = el.attrs[attr[1]];
        i += attr[0].length;
      }
      resolve(el, el.name, false);
      for (const a of Object.keys(el.attrs)) resolve(el, a, true);
      if (stack.length) stack.at(-1)!.children.push(el);
      else root = el;
      if (xml.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (stack.length === 0) {
        if (raw.trim()) throw new Error(`text outside the root at ${i}`);
      } else {
        if (raw.includes(']]>')) throw new Error(`]]> in text at ${i}`);
        stack.at(-1)!.text += decodeEntities(raw, i);
      }
      i = end < 0 ? xml.length : end;
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

const kids = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c) => c.name === name);
const kid = (e: XmlElement, name: string): XmlElement => {
  const k = kids(e, name);
  if (k.length !== 1) throw new Error(`${e.name} has ${k.length} <${name}>`);
  return k[0];
};
const descendants = (e: XmlElement, name: string): XmlElement[] =>
  e.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);

function wellFormed(xml: string): XmlElement {
  const root = parseXml(xml);
  if (existsSync('/usr/bin/xmllint')) {
    const r = spawnSync('/usr/bin/xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }
  return root;
}

const INDICATION_URI: Record<string, string> = {
  'TOTAL-PASSED': 'urn:etsi:019102:mainindication:total-passed',
  'TOTAL-FAILED': 'urn:etsi:019102:mainindication:total-failed',
  INDETERMINATE: 'urn:etsi:019102:mainindication:indeterminate',
};

/** The XML's reports against the JSON report's signatures: count, order, indications. */
function checkAgainstJson(root: XmlElement, signatures: SignatureReport[]): XmlElement[] {
  expect(root.name).toBe('vr:ValidationReport');
  expect(root.attrs['xmlns:vr']).toBe('http://uri.etsi.org/19102/v1.2.1#');
  expect(root.attrs['xmlns:ds']).toBe('http://www.w3.org/2000/09/xmldsig#');
  const reports = kids(root, 'vr:SignatureValidationReport');
  expect(reports).toHaveLength(signatures.length);
  for (const [k, s] of signatures.entries()) {
    const status = kid(reports[k], 'vr:SignatureValidationStatus');
    expect(kid(status, 'vr:MainIndication').text).toBe(INDICATION_URI[s.indication]);
    expect(kids(status, 'vr:SubIndication').map((x) => x.text)).toEqual(
      s.subIndication ? [`urn:etsi:019102:subindication:${s.subIndication}`] : [],
    );
    const identifier = kid(reports[k], 'vr:SignatureIdentifier');
    expect(kids(identifier, 'vr:DAIdentifier').map((x) => x.text)).toEqual(s.fieldName === null ? [] : [s.fieldName]);
  }
  return reports;
}

function objectsById(root: XmlElement): Map<string, XmlElement> {
  const list = kid(root, 'vr:SignatureValidationObjects');
  return new Map(kids(list, 'vr:ValidationObject').map((o) => [o.attrs.id, o]));
}

/** Every VOReference points at an id the document defines. */
function referencesResolve(root: XmlElement): void {
  const ids = new Set(
    [...descendants(root, 'vr:ValidationObject'), ...descendants(root, 'vr:SignatureIdentifier')].map(
      (e) => e.attrs.id,
    ),
  );
  const walk = (e: XmlElement) => {
    if (e.attrs.VOReference !== undefined)
      for (const r of e.attrs.VOReference.split(' ')) expect(ids, `${e.name} → ${r}`).toContain(r);
    e.children.forEach(walk);
  };
  walk(root);
}

function signerCertificateDer(report: XmlElement, objects: Map<string, XmlElement>): Uint8Array {
  const id = kid(kid(report, 'vr:SignerInformation'), 'vr:SignerCertificate').attrs.VOReference;
  const o = objects.get(id)!;
  expect(kid(o, 'vr:ObjectType').text).toBe('urn:etsi:019102:validationObject:certificate');
  return new Uint8Array(Buffer.from(kid(kid(o, 'vr:ValidationObjectRepresentation'), 'vr:base64').text, 'base64'));
}

// ------------------------------------------------------------------------------------------------------------

const root = readFileSync(join(TEST_CERTS, 'root-ca.pem'), 'utf8');
const HOSTILE_REASON = 'Phê duyệt <b>kết quả</b> & "đóng dấu" ]]> <!-- x --> \u0001 end';
const LOCATION = 'Ủy ban nhân dân phường Hàng Bạc, Hà Nội';

let tsa: TsaServer;
let work: string;
beforeAll(async () => {
  tsa = await startTsa();
  work = mkdtempSync(join(tmpdir(), 'kyso-etsi-xml-'));
});
afterAll(async () => {
  await tsa?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('escaping', () => {
  it('escapes markup, keeps Vietnamese, and replaces characters XML cannot carry', () => {
    expect(escapeXmlText('a<b>&c ]]> Nguyễn')).toBe('a&lt;b&gt;&amp;c ]]&gt; Nguyễn');
    expect(escapeXmlText('x\u0000y\uD800z')).toBe('x\uFFFDy\uFFFDz');
    expect(escapeXmlText('🙂')).toBe('🙂');
  });
});

describe('a kyso-signed PDF', () => {
  it('B-B: one report, indication as in the JSON, the signer certificate, Vietnamese text, hostile /Reason escaped', async () => {
    const signer = openSigner();
    const pdf = await signPdf(await pdfLibDoc({ objectStreams: true }), signer, {
      reason: HOSTILE_REASON,
      location: LOCATION,
    });
    const { report, xml } = await validatePdfEtsiXml(pdf, { trustAnchors: [root] });
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED']);
    const doc = wellFormed(xml);
    const [svr] = checkAgainstJson(doc, report.signatures);
    referencesResolve(doc);
    const objects = objectsById(doc);
    expect(Buffer.from(signerCertificateDer(svr, objects)).equals(Buffer.from(signer.certificate))).toBe(true);

    // Vietnamese survives, as UTF-8 text.
    const cn = report.signatures[0].signer!.commonName!;
    expect(cn).toMatch(/[^\x00-\x7F]/);
    expect(kid(kid(svr, 'vr:SignerInformation'), 'vr:Signer').text).toBe(cn);
    expect(Buffer.from(xml, 'utf8').includes(Buffer.from(cn, 'utf8'))).toBe(true);
    const attrs = kid(svr, 'vr:SignatureAttributes');
    expect(kid(kid(attrs, 'vr:SignatureProductionPlace'), 'vr:AddressString').text).toBe(LOCATION);

    // The hostile reason reads back as written (the one control character replaced), and never as markup.
    const reason = kid(kid(attrs, 'vr:Reason'), 'vr:ReasonElement').text;
    expect(reason).toBe(report.signatures[0].reason!.replace('\u0001', '\uFFFD'));
    expect(reason).toContain(']]> <!-- x -->');
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('<!--');

    // Structure: identifier, time info (no timestamp: the validation time), process and the reasons in both languages.
    const identifier = kid(svr, 'vr:SignatureIdentifier');
    expect(kid(kid(identifier, 'vr:DigestAlgAndValue'), 'ds:DigestMethod').attrs.Algorithm).toBe(
      'http://www.w3.org/2001/04/xmlenc#sha256',
    );
    expect(kid(identifier, 'ds:SignatureValue').text.length).toBeGreaterThan(300);
    const best = kid(kid(svr, 'vr:ValidationTimeInfo'), 'vr:BestSignatureTime');
    expect(kid(best, 'vr:TypeOfProof').text).toBe('urn:etsi:019102:poetype:validation');
    expect(kids(best, 'vr:POEObject')).toHaveLength(0);
    expect(kid(kid(svr, 'vr:SignatureValidationProcess'), 'vr:SignatureValidationProcessID').text).toBe(
      'urn:etsi:019102:validationprocess:Basic',
    );
    const chain = descendants(svr, 'vr:CertificateChain')[0];
    expect(kid(chain, 'vr:TrustAnchor').attrs.VOReference).toMatch(/^C-/);
    const reasons = descendants(svr, 'kyso:Finding').filter((f) => f.attrs.code === 'TRUSTED');
    expect(kids(reasons[0], 'kyso:Message').map((m) => m.attrs['xml:lang'])).toEqual(['vi', 'en']);
    expect(kids(reasons[0], 'kyso:Message')[0].text).toContain('Chữ ký toàn vẹn');
    const crypto = descendants(svr, 'vr:CryptoInformation')[0];
    expect(kid(crypto, 'vr:Algorithm').text).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(kid(crypto, 'vr:SecureAlgorithm').text).toBe('true');
  });

  it('B-T: the signature timestamp is an attribute, a validation object and the proof of the best signature time', async () => {
    const pdf = await signPdf(await pdfLibDoc({ objectStreams: false }), openSigner(), {
      level: 'B-T',
      timestamper: tsaTimestamper(tsa.url),
      reason: 'Cấp bản sao',
    });
    const { report, xml } = await validatePdfEtsiXml(pdf, { trustAnchors: [root] });
    expect(report.signatures[0]).toMatchObject({
      indication: 'TOTAL-PASSED',
      level: 'B-T',
      signingTimeSource: 'timestamp',
    });
    const doc = wellFormed(xml);
    const [svr] = checkAgainstJson(doc, report.signatures);
    referencesResolve(doc);
    const objects = objectsById(doc);
    const stamp = kid(kid(svr, 'vr:SignatureAttributes'), 'vr:SignatureTimeStamp');
    const tsId = kid(stamp, 'vr:AttributeObject').attrs.VOReference;
    expect(kid(stamp, 'vr:TimeStampValue').text).toBe(report.signatures[0].timestamps[0].time);
    const best = kid(kid(svr, 'vr:ValidationTimeInfo'), 'vr:BestSignatureTime');
    expect(kid(best, 'vr:POETime').text).toBe(report.signatures[0].signingTime);
    expect(kid(best, 'vr:POEObject').attrs.VOReference).toBe(tsId);
    const token = objects.get(tsId)!;
    expect(kid(token, 'vr:ObjectType').text).toBe('urn:etsi:019102:validationObject:timestamp');
    expect(kid(kid(kid(token, 'vr:ValidationReport'), 'vr:SignatureValidationStatus'), 'vr:MainIndication').text).toBe(
      INDICATION_URI['TOTAL-PASSED'],
    );
    expect(kid(kid(svr, 'vr:SignatureValidationProcess'), 'vr:SignatureValidationProcessID').text).toBe(
      'urn:etsi:019102:validationprocess:LTVM',
    );
    expect(report.signatures[0].reason).toBe('Cấp bản sao');
    expect(xml).toContain('<vr:ReasonElement>Cấp bản sao</vr:ReasonElement>');
  });
});

describe('corpus files', () => {
  it('DSS-2236 shadow hide: the failure and its reason, as in the JSON', async () => {
    const pdf = new Uint8Array(readFileSync(join(corpusDir, 'dss/dss-2236/hide.pdf')));
    const options = {
      trustAnchors: [readFileSync(join(corpusDir, 'dss/roots/demo-self-signed.pem'), 'utf8')],
      at: new Date('2021-06-01T00:00:00Z'),
    };
    const result: ValidationResult = await validatePdfDetailed(pdf, options);
    expect(result.report.signatures.some((s) => s.indication !== 'TOTAL-PASSED')).toBe(true);
    const xml = await etsiValidationReportXml(pdf, result, options);
    const doc = wellFormed(xml);
    const reports = checkAgainstJson(doc, result.report.signatures);
    referencesResolve(doc);
    for (const [k, s] of result.report.signatures.entries()) {
      const codes = descendants(reports[k], 'kyso:Finding').map((f) => f.attrs.code);
      expect(codes).toEqual([...s.reasons, ...s.warnings, ...s.notes].map((f) => f.code));
      expect(descendants(reports[k], 'kyso:PdfSignature')[0].attrs.modifications).toBe(s.modifications);
    }
  });

  it('pyHanko LTA with an indirect DSS: three reports in revision order, the document timestamp among them', async () => {
    const pdf = new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/pades-lta-dss-indirect-arrs-test-2.pdf')));
    const { report, facts, xml } = await validatePdfEtsiXml(pdf, {
      trustAnchors: [readFileSync(join(corpusDir, 'pyhanko/roots/testing-ca-root.pem'), 'utf8')],
      at: new Date('2020-11-01T00:00:00Z'),
    });
    // Sig1, the document timestamp (LTA over Sig1's validation data), then Sig2.
    expect(report.signatures.map((s) => s.kind)).toEqual(['approval', 'doc-timestamp', 'approval']);
    const doc = wellFormed(xml);
    const reports = checkAgainstJson(doc, report.signatures);
    referencesResolve(doc);
    const objects = objectsById(doc);
    for (const [k, f] of facts.signatures.entries()) {
      const der = new Uint8Array(f.integrity.cms.signerCertificate!.toSchema(true).toBER(false));
      expect(Buffer.from(signerCertificateDer(reports[k], objects)).equals(Buffer.from(der))).toBe(true);
    }
    // The doc timestamp is a report of its own and the proof of time for the signatures it covers.
    const docTs = reports[1];
    expect(kids(kid(docTs, 'vr:SignatureAttributes'), 'vr:DocTimeStamp')).toHaveLength(1);
    const tokenId = kid(kid(kid(docTs, 'vr:SignatureAttributes'), 'vr:DocTimeStamp'), 'vr:AttributeObject').attrs
      .VOReference;
    for (const k of [0, 2]) {
      const s = report.signatures[k];
      const best = kid(kid(reports[k], 'vr:ValidationTimeInfo'), 'vr:BestSignatureTime');
      if (facts.signatures[k].bestSignatureTime.source !== 'validation-time')
        expect(kid(best, 'vr:POEObject').attrs.VOReference).toMatch(/^T-/);
      expect(s.level).not.toBeNull();
    }
    const token = objects.get(tokenId)!;
    expect(kid(token, 'vr:ObjectType').text).toBe('urn:etsi:019102:validationObject:timestamp');
    expect(kid(kid(kid(token, 'vr:ValidationReport'), 'vr:SignatureValidationStatus'), 'vr:MainIndication').text).toBe(
      INDICATION_URI[report.signatures[1].indication],
    );
    // The DSS's revocation data is listed, and the certificates' statuses point at it.
    const revocationObjects = [...objects.values()].filter((o) =>
      /OCSPResponse|CRL$/.test(kid(o, 'vr:ObjectType').text),
    );
    expect(revocationObjects.length).toBeGreaterThan(0);
    const related = descendants(reports[0], 'vr:RelatedValidationObject').map((r) => r.attrs.VOReference);
    expect(related.some((id) => id.startsWith('R-'))).toBe(true);
  });
});

describe('kyso verify --xml', () => {
  const cli = join(repoRoot, 'packages/cli/dist/main.cjs');
  const kyso = (...args: string[]) => spawnSync(process.execPath, [cli, 'verify', ...args], { encoding: 'utf8' });

  it('prints the XML report with the exit code it has without --xml', async () => {
    const good = join(work, 'good.pdf');
    writeFileSync(
      good,
      await signPdf(await pdfLibDoc({ objectStreams: true }), openSigner(), { reason: HOSTILE_REASON }),
    );
    const trust = join(TEST_CERTS, 'root-ca.pem');
    for (const [file, args] of [
      [good, ['--trust', trust]],
      [good, []],
      [
        join(corpusDir, 'dss/dss-2236/hide.pdf'),
        ['--trust', join(corpusDir, 'dss/roots/demo-self-signed.pem'), '--at', '2021-06-01T00:00:00Z'],
      ],
    ] as const) {
      const plain = kyso(file, ...args, '--json');
      const withXml = kyso(file, ...args, '--xml');
      expect(withXml.status, withXml.stderr).toBe(plain.status);
      const doc = wellFormed(withXml.stdout);
      checkAgainstJson(doc, JSON.parse(plain.stdout).signatures);
    }
    expect(kyso(good, '--trust', trust).status).toBe(0);
    expect(kyso(good).status).toBe(2);
  });

  it('--xml with --json is a usage error', () => {
    const r = kyso(join(corpusDir, 'dss/dss-2236/hide.pdf'), '--xml', '--json');
    expect(r.status).toBe(64);
    expect(r.stdout).toBe('');
  });
});
