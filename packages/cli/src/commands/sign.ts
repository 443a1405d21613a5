/** `kyso sign IN.pdf -o OUT.pdf --p12 FILE --password-env VAR [...]`: a PAdES signature appended to the file. */
import { readFileSync } from 'node:fs';
import { Pkcs12Signer, signFile, type SignPdfOptions } from '@kyso/core';
import { JOURNAL_OPTIONS, journaledOutput, openCliJournal } from '../journal-support.js';
import { readPassword } from '../secrets.js';
import { parseCommandArgs, UsageError } from '../usage.js';
import {
  appearanceFromArgs,
  cliCertificates,
  cliGuardedFetch,
  cliRevocationSources,
  cliTimestamper,
  cliRevocationPolicy,
  cliWarningPrinter,
} from '../signing-support.js';

export async function sign(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('sign', {
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      p12: { type: 'string' },
      'password-env': { type: 'string' },
      'password-file': { type: 'string' },
      password: { type: 'string' },
      level: { type: 'string', default: 'B-B' },
      tsa: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      visible: { type: 'boolean' },
      page: { type: 'string' },
      rect: { type: 'string' },
      'signature-image': { type: 'string' },
      'seal-image': { type: 'string' },
      certify: { type: 'string' },
      field: { type: 'string' },
      'new-field': { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      hash: { type: 'string' },
      pss: { type: 'boolean' },
      revocation: { type: 'string' },
      'revocation-data': { type: 'string' },
      trust: { type: 'string', multiple: true },
      ...JOURNAL_OPTIONS,
    },
  });
  if (values.password !== undefined)
    throw new UsageError('passwords are not accepted on the command line; use --password-env or --password-file');
  const [input] = positionals;
  if (input === undefined || positionals.length !== 1) throw new UsageError('sign takes exactly one input PDF');
  if (!values.output) throw new UsageError('-o OUT.pdf is required');
  if (!values.p12) throw new UsageError('--p12 FILE is required');
  const level = values.level;
  if (level !== 'B-B' && level !== 'B-T' && level !== 'B-LT' && level !== 'B-LTA') {
    throw new UsageError(`--level must be B-B, B-T, B-LT or B-LTA (got ${level})`);
  }
  if (level !== 'B-B' && !values.tsa) throw new UsageError(`--level ${level} needs --tsa URL`);
  const revocationData = cliRevocationSources(values['revocation-data']);
  const hash = values.hash as 'SHA-256' | 'SHA-384' | 'SHA-512' | undefined;
  if (hash && !['SHA-256', 'SHA-384', 'SHA-512'].includes(hash))
    throw new UsageError('--hash must be SHA-256, SHA-384 or SHA-512');
  const password = readPassword({ passwordEnv: values['password-env'], passwordFile: values['password-file'] });
  const signer = Pkcs12Signer.open(readFileSync(values.p12), password, {
    hash,
    rsaScheme: values.pss ? 'rsa-pss' : 'rsa-pkcs1',
  });

  const signingTime = new Date();
  // The CA's OCSP/CRL and the TSA through the guarded fetch (the --tsa host allowed by naming it).
  const fetch = cliGuardedFetch(values['allow-host'], [values.tsa]);
  const options: SignPdfOptions = {
    level,
    signingTime,
    reason: values.reason,
    location: values.location,
    fieldName: values.field,
    newFieldName: values['new-field'],
    timestamper: values.tsa ? cliTimestamper(values.tsa, undefined, fetch) : undefined,
    certificateCheck: cliRevocationPolicy(values.revocation, fetch),
    onWarning: cliWarningPrinter(err),
  };
  if (level === 'B-LT' || level === 'B-LTA') {
    options.ltv = { policy: { revocation: revocationData }, extraCertificates: cliCertificates(values.trust), fetch };
  }
  if (values.certify !== undefined) {
    const p = Number(values.certify);
    if (p !== 1 && p !== 2 && p !== 3) throw new UsageError('--certify must be 1, 2 or 3');
    options.certify = p;
  }
  if (values.visible || values.rect || values.page) {
    const page = values.page ? Number(values.page) : 1;
    if (!Number.isInteger(page) || page < 1) throw new UsageError('--page must be a positive integer');
    const rect = (values.rect ?? '36,36,240,90').split(',').map(Number);
    if (rect.length !== 4 || rect.some((n) => !Number.isFinite(n)))
      throw new UsageError('--rect must be x,y,w,h in points');
    options.visible = { page, rect: rect as [number, number, number, number] };
  }
  if (options.visible || values.field) {
    options.appearance = appearanceFromArgs(signer, {
      reason: values.reason,
      location: values.location,
      signatureImage: values['signature-image'] ? readFileSync(values['signature-image']) : undefined,
      sealImage: values['seal-image'] ? readFileSync(values['seal-image']) : undefined,
      signingTime,
    });
  }
  const journal = await openCliJournal(values);
  try {
    const res = await journaledOutput(
      journal,
      values.output,
      (path) => signFile(input, path, signer, options),
      (j, path) =>
        j.record({ operation: 'sign', keyFile: values.p12!, certificate: signer.certificate, level, outputPath: path }),
    );
    out(`Ký thành công / Signed: ${values.output} (field ${res.fieldName}, ${res.bytes} bytes, ${level})`);
    return 0;
  } finally {
    await journal?.close();
  }
}
