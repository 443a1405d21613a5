/**
 * A throwaway NSS database trusting the kyso test root, and poppler's pdfsig run against it, its report parsed.
 * pdfsig judges trust with NSS, so this is how an independent implementation sees kyso's signatures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TEST_CERTS } from './pki-servers.js';

export interface PdfsigSignature {
  field?: string;
  /** False for an empty signature field ("The signature form field is not signed."). */
  signed: boolean;
  signerCN?: string;
  /** "Signature Validation: Signature is Valid." */
  valid: boolean;
  /** "Certificate Validation: Certificate is Trusted." */
  trusted: boolean;
  /** "Total document signed" (not "Not total document signed"). */
  totalDocumentSigned: boolean;
  signatureValidation?: string;
  certificateValidation?: string;
  subFilter?: string;
  /** The lines pdfsig printed for this signature. */
  raw: string;
}

export interface PdfsigReport {
  signatures: PdfsigSignature[];
  stdout: string;
  stderr: string;
  status: number | null;
}

export interface NssDb {
  dir: string;
  /** Runs `pdfsig -nssdir sql:DIR [...args] path`. */
  pdfsig(path: string, args?: string[]): PdfsigReport;
  cleanup(): void;
}

export interface NssDbOptions {
  /** PEM files to trust as CAs (default: test-certs/root-ca.pem). */
  roots?: string[];
}

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function makeNssDb(options: NssDbOptions = {}): NssDb {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-nss-'));
  const db = `sql:${dir}`;
  try {
    const init = run('certutil', ['-N', '-d', db, '--empty-password']);
    if (init.status !== 0) throw new Error(`certutil -N: ${init.stderr}`);
    const roots = options.roots ?? [join(TEST_CERTS, 'root-ca.pem')];
    roots.forEach((pem, i) => {
      const add = run('certutil', [
        '-A',
        '-d',
        db,
        '-n',
        `kyso-root-${i}-${basename(pem)}`,
        '-t',
        'CT,C,C',
        '-a',
        '-i',
        pem,
      ]);
      if (add.status !== 0) throw new Error(`certutil -A ${pem}: ${add.stderr}`);
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    pdfsig: (path, args = []) => {
      const r = run('pdfsig', ['-nssdir', db, ...args, path]);
      return { signatures: parsePdfsig(r.stdout), stdout: r.stdout, stderr: r.stderr, status: r.status };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Splits pdfsig's report into its "Signature #N:" blocks. */
export function parsePdfsig(stdout: string): PdfsigSignature[] {
  const blocks = stdout.split(/^Signature #\d+:\s*$/m).slice(1);
  return blocks.map((raw) => {
    const field = (name: string) => new RegExp(`^\\s*- ${name}: (.*)$`, 'm').exec(raw)?.[1]?.trim();
    const signatureValidation = field('Signature Validation');
    const certificateValidation = field('Certificate Validation');
    return {
      field: field('Signature Field Name'),
      signerCN: field('Signer Certificate Common Name'),
      valid: signatureValidation === 'Signature is Valid.',
      trusted: certificateValidation === 'Certificate is Trusted.',
      totalDocumentSigned: /^\s*- Total document signed\s*$/m.test(raw),
      signed: !raw.includes('form field is not signed'),
      signatureValidation,
      certificateValidation,
      subFilter: field('Signature Type'),
      raw: raw.trim(),
    };
  });
}
