/**
 * `kyso extend FILE -o OUT --level B-T|B-LT|B-LTA [--tsa URL] [--trust PEM ...]`: augments every signature of a
 * signed PDF (kyso's or anyone's) by appending updates — a document timestamp for signatures without a timestamp
 * (their CMS cannot change), the DSS with chains and OCSP/CRL data, and for B-LTA a new archive timestamp.
 */
import { extendFile, parseTimestampToken, type ExtendLevel, type TimestampProvider } from '@kyso/core';
import { JOURNAL_OPTIONS, journaledOutput, openCliJournal } from '../journal-support.js';
import { parseCommandArgs, UsageError } from '../usage.js';
import {
  cliCertificates,
  cliGuardedFetch,
  cliRevocationSources,
  cliTimestamper,
  cliWarningPrinter,
} from '../signing-support.js';

const LEVELS: readonly ExtendLevel[] = ['B-T', 'B-LT', 'B-LTA'];

export async function extend(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs('extend', {
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      level: { type: 'string' },
      tsa: { type: 'string' },
      trust: { type: 'string', multiple: true },
      'revocation-data': { type: 'string' },
      revocation: { type: 'string' },
      timeout: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      ...JOURNAL_OPTIONS,
    },
  });
  const [input] = positionals;
  if (input === undefined || positionals.length !== 1) throw new UsageError('extend takes exactly one input PDF');
  if (!values.output) throw new UsageError('-o OUT.pdf is required');
  const level = values.level as ExtendLevel | undefined;
  if (!level || !LEVELS.includes(level)) throw new UsageError('--level must be B-T, B-LT or B-LTA');
  if (level === 'B-LTA' && !values.tsa) throw new UsageError('--level B-LTA needs --tsa URL');
  const missing = values.revocation ?? 'require';
  if (missing !== 'require' && missing !== 'if-available')
    throw new UsageError('--revocation must be require or if-available');
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new UsageError('--timeout must be a positive number of milliseconds');

  // The file's certificates are anyone's: their OCSP/CRL/AIA addresses go through the guarded fetch.
  const fetch = cliGuardedFetch(values['allow-host'], [values.tsa]);
  const journal = await openCliJournal(values);
  // The journal names the TSA's certificate for the document timestamp it signed: kept from its last token.
  let tsaCertificate: Uint8Array | undefined;
  const tsa = values.tsa ? cliTimestamper(values.tsa, timeoutMs, fetch) : undefined;
  const timestamper: TimestampProvider | undefined = tsa
    ? async (imprint, hash) => {
        const token = await tsa(imprint, hash);
        tsaCertificate = parseTimestampToken(token).tsaCertificate ?? tsaCertificate;
        return token;
      }
    : undefined;
  try {
    const output = values.output;
    const res = await journaledOutput(
      journal,
      output,
      (path) =>
        extendFile(input, path, {
          level,
          fetch,
          timestamper,
          extraCertificates: cliCertificates(values.trust),
          // Augmenting records what is true: a revoked certificate's evidence is embedded (with a warning), not refused.
          policy: {
            revocation: cliRevocationSources(values['revocation-data']),
            missing: missing === 'require' ? 'error' : 'warn',
            revoked: 'embed',
            timeoutMs,
          },
          onWarning: cliWarningPrinter(err),
        }),
      async (j, path, made) => {
        // A document timestamp is a signature (the TSA's); DSS data alone is not, and is not journaled.
        if (made.added.includes('doc-timestamp') && tsaCertificate) {
          await j.record({
            operation: 'extend',
            keyFile: new URL(values.tsa!).host,
            certificate: tsaCertificate,
            level,
            outputPath: path,
          });
        }
      },
    );
    const what = res.added.length ? res.added.join(', ') : 'nothing to add';
    out(
      `Bổ sung thành công / Extended: ${values.output} (${level}: ${what}; ${res.signatures.length} signatures, ${res.bytes} bytes)`,
    );
    return 0;
  } finally {
    await journal?.close();
  }
}
