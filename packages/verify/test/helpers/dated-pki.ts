/**
 * A throwaway two-level PKI with chosen validity periods, made with `openssl ca` (which, unlike `req -x509` in
 * OpenSSL 3.0, takes explicit start and end dates). test-certs/ cannot serve "a leaf that was valid in 2020"
 * because its CAs only start in 2026; this can.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FetchLike } from '@kyso/verify';

export interface DatedPki {
  rootPem: string;
  /** The leaf's PKCS#12 (key, leaf, root), password `password`. */
  p12: Uint8Array;
  password: string;
  /** The leaf's certificate and private key (PEM), for a TSA made from it. */
  leafCertPem: string;
  leafKeyPem: string;
  /** With `crlUrl`: the root's CRL (DER, valid `crlDays`; the leaf in it when `revokeLeaf`), which the leaf names at that URL. */
  crlDer?: Uint8Array;
  /** With `crlUrl`: a fetch that answers that URL with the CRL (nothing listens there) and passes any other on. */
  fetchWithCrl?: FetchLike;
}

/** ASN.1 GeneralizedTime as `openssl ca -startdate/-enddate` wants it. */
const asn1Time = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

export function datedPki(options: {
  root: [Date, Date];
  leaf: [Date, Date];
  leafName?: string;
  crlUrl?: string;
  crlDays?: number;
  /** An OCSP responder the leaf names (Authority Information Access); nothing here answers it. */
  ocspUrl?: string;
  /** Revoke the leaf (now, reason keyCompromise) in the CRL made for `crlUrl`. */
  revokeLeaf?: boolean;
  purpose?: 'signing' | 'timestamping';
}): DatedPki {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-dated-pki-'));
  const f = (n: string): string => join(dir, n);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'pipe', timeout: 30_000 });
  };
  try {
    writeFileSync(f('index.txt'), '');
    writeFileSync(f('serial'), '1000\n');
    writeFileSync(
      f('ca.cnf'),
      `[ ca ]
default_ca = CA_default
[ CA_default ]
database = ${f('index.txt')}
new_certs_dir = ${dir}
serial = ${f('serial')}
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
countryName = optional
[ root_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature${options.purpose === 'timestamping' ? '\nextendedKeyUsage = critical,timeStamping' : ',nonRepudiation'}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
${options.crlUrl ? `crlDistributionPoints = URI:${options.crlUrl}\n` : ''}${options.ocspUrl ? `authorityInfoAccess = OCSP;URI:${options.ocspUrl}\n` : ''}`,
    );
    const cnf = f('ca.cnf');
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
      '/C=VN/O=Kyso Thử Nghiệm/CN=Kyso Dated Test Root',
      '-utf8',
    );
    openssl(
      'ca',
      '-batch',
      '-notext',
      '-utf8',
      '-config',
      cnf,
      '-selfsign',
      '-keyfile',
      f('root.key'),
      '-in',
      f('root.csr'),
      '-out',
      f('root.pem'),
      '-startdate',
      asn1Time(options.root[0]),
      '-enddate',
      asn1Time(options.root[1]),
      '-extensions',
      'root_ext',
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
      `/C=VN/CN=${options.leafName ?? 'Đỗ Thị Hết Hạn'}`,
      '-utf8',
    );
    openssl(
      'ca',
      '-batch',
      '-notext',
      '-utf8',
      '-config',
      cnf,
      '-cert',
      f('root.pem'),
      '-keyfile',
      f('root.key'),
      '-in',
      f('leaf.csr'),
      '-out',
      f('leaf.pem'),
      '-startdate',
      asn1Time(options.leaf[0]),
      '-enddate',
      asn1Time(options.leaf[1]),
      '-extensions',
      'leaf_ext',
    );
    const password = 'dated-test';
    openssl(
      'pkcs12',
      '-export',
      '-inkey',
      f('leaf.key'),
      '-in',
      f('leaf.pem'),
      '-certfile',
      f('root.pem'),
      '-out',
      f('leaf.p12'),
      '-passout',
      `pass:${password}`,
    );
    let crlDer: Uint8Array | undefined;
    if (options.crlUrl) {
      writeFileSync(f('crlnumber'), '01\n');
      writeFileSync(
        cnf,
        readFileSync(cnf, 'utf8').replace(
          '[ policy_any ]',
          `crlnumber = ${f('crlnumber')}\ndefault_crl_days = ${options.crlDays ?? 3650}\n[ policy_any ]`,
        ),
      );
      if (options.revokeLeaf)
        openssl(
          'ca',
          '-batch',
          '-config',
          cnf,
          '-revoke',
          f('leaf.pem'),
          '-crl_reason',
          'keyCompromise',
          '-cert',
          f('root.pem'),
          '-keyfile',
          f('root.key'),
        );
      openssl(
        'ca',
        '-batch',
        '-config',
        cnf,
        '-gencrl',
        '-cert',
        f('root.pem'),
        '-keyfile',
        f('root.key'),
        '-out',
        f('root.crl'),
      );
      openssl('crl', '-in', f('root.crl'), '-outform', 'DER', '-out', f('root.crl.der'));
      crlDer = new Uint8Array(readFileSync(f('root.crl.der')));
    }
    return {
      rootPem: readFileSync(f('root.pem'), 'utf8'),
      p12: new Uint8Array(readFileSync(f('leaf.p12'))),
      password,
      leafCertPem: readFileSync(f('leaf.pem'), 'utf8'),
      leafKeyPem: readFileSync(f('leaf.key'), 'utf8'),
      crlDer,
      fetchWithCrl: crlDer && options.crlUrl ? withCrl(options.crlUrl, crlDer) : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withCrl(crlUrl: string, crlDer: Uint8Array): FetchLike {
  return async (url, init) => (url === crlUrl ? new Response(crlDer.slice()) : fetch(url, init));
}
