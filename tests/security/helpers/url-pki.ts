/**
 * A throwaway root and leaf made with openssl whose leaf names whatever addresses a test wants in its Authority
 * Information Access (caIssuers, OCSP) and CRL distribution points — the certificates an attacker would put in an
 * uploaded PDF to make a verifier fetch from the inside.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UrlPki {
  rootPem: string;
  rootDer: Uint8Array;
  leafDer: Uint8Array;
  /** Key, leaf and (with `rootInP12`) the root; password `password`. */
  p12: Uint8Array;
  password: string;
}

export function urlPki(options: {
  caIssuers?: string[];
  ocsp?: string[];
  crl?: string[];
  leafName?: string;
  rootName?: string;
  rootInP12?: boolean;
}): UrlPki {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-url-pki-'));
  const f = (n: string): string => join(dir, n);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'pipe', timeout: 30_000 });
  try {
    const aia = [
      ...(options.caIssuers ?? []).map((u) => `caIssuers;URI:${u}`),
      ...(options.ocsp ?? []).map((u) => `OCSP;URI:${u}`),
    ];
    const crl = (options.crl ?? []).map((u) => `URI:${u}`);
    writeFileSync(
      f('leaf.ext'),
      [
        'basicConstraints = critical,CA:false',
        'keyUsage = critical,digitalSignature,nonRepudiation',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
        ...(aia.length ? [`authorityInfoAccess = ${aia.join(',')}`] : []),
        ...(crl.length ? [`crlDistributionPoints = ${crl.join(',')}`] : []),
      ].join('\n') + '\n',
    );
    writeFileSync(
      f('root.ext'),
      'basicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n',
    );
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('root.key'),
      '-out',
      f('root.csr'),
      '-subj',
      `/C=VN/O=Kyso SSRF Test/CN=${options.rootName ?? `Kyso SSRF Test Root ${Math.random().toString(36).slice(2, 8)}`}`,
      '-utf8',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      f('root.csr'),
      '-signkey',
      f('root.key'),
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      f('root.ext'),
      '-out',
      f('root.pem'),
    );
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('leaf.key'),
      '-out',
      f('leaf.csr'),
      '-subj',
      `/C=VN/CN=${options.leafName ?? 'Kẻ Tấn Công'}`,
      '-utf8',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      f('leaf.csr'),
      '-CA',
      f('root.pem'),
      '-CAkey',
      f('root.key'),
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      f('leaf.ext'),
      '-out',
      f('leaf.pem'),
    );
    const password = 'ssrf-test';
    openssl(
      'pkcs12',
      '-export',
      '-inkey',
      f('leaf.key'),
      '-in',
      f('leaf.pem'),
      ...(options.rootInP12 ? ['-certfile', f('root.pem')] : []),
      '-out',
      f('leaf.p12'),
      '-passout',
      `pass:${password}`,
    );
    openssl('x509', '-in', f('root.pem'), '-outform', 'DER', '-out', f('root.der'));
    openssl('x509', '-in', f('leaf.pem'), '-outform', 'DER', '-out', f('leaf.der'));
    return {
      rootPem: readFileSync(f('root.pem'), 'utf8'),
      rootDer: new Uint8Array(readFileSync(f('root.der'))),
      leafDer: new Uint8Array(readFileSync(f('leaf.der'))),
      p12: new Uint8Array(readFileSync(f('leaf.p12'))),
      password,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CA certificate that claims to be `rootPem`'s root — same subject, same subject key identifier — but holds
 * another key (issued by a throwaway CA of another name, so it is not self-issued), and names `caIssuers`: what a
 * server could answer to a leaf's caIssuers request to steer the next one.
 */
export function impostorCa(rootPem: string, caIssuers: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-impostor-'));
  const f = (n: string): string => join(dir, n);
  const run = (...args: string[]): string =>
    execFileSync('openssl', args, { stdio: 'pipe', timeout: 30_000, encoding: 'utf8' });
  try {
    writeFileSync(f('root.pem'), rootPem);
    const subject = run('x509', '-in', f('root.pem'), '-noout', '-subject', '-nameopt', 'compat')
      .replace(/^subject=\s*/, '')
      .trim();
    const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(
      run('x509', '-in', f('root.pem'), '-noout', '-ext', 'subjectKeyIdentifier'),
    )?.[1];
    if (!ski) throw new Error('the root has no subject key identifier');
    writeFileSync(
      f('other.ext'),
      'basicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n',
    );
    run(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('other.key'),
      '-out',
      f('other.csr'),
      '-subj',
      '/CN=Kyso SSRF Other Root',
    );
    run(
      'x509',
      '-req',
      '-in',
      f('other.csr'),
      '-signkey',
      f('other.key'),
      '-days',
      '3650',
      '-sha256',
      '-extfile',
      f('other.ext'),
      '-out',
      f('other.pem'),
    );
    writeFileSync(
      f('impostor.ext'),
      `basicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = ${ski}\nauthorityInfoAccess = ${caIssuers.map((u) => `caIssuers;URI:${u}`).join(',')}\n`,
    );
    run(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('impostor.key'),
      '-out',
      f('impostor.csr'),
      '-subj',
      subject,
      '-utf8',
    );
    run(
      'x509',
      '-req',
      '-in',
      f('impostor.csr'),
      '-CA',
      f('other.pem'),
      '-CAkey',
      f('other.key'),
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      f('impostor.ext'),
      '-out',
      f('impostor.pem'),
    );
    run('x509', '-in', f('impostor.pem'), '-outform', 'DER', '-out', f('impostor.der'));
    return new Uint8Array(readFileSync(f('impostor.der')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
