/**
 * `kyso verify`'s arguments, apart from the command (verify.ts loads the verifier): the bin reads them first to tell
 * one file from a batch, and runs one file's verification with V8 set for a short run (../short-run.ts).
 */
import { statSync } from 'node:fs';
import { TRUST_OPTIONS } from '../trust-options.js';
import { parseCommandArgs } from '../usage.js';

export function parseVerifyArgs(argv: string[]) {
  return parseCommandArgs('verify', {
    args: argv,
    options: {
      ...TRUST_OPTIONS,
      at: { type: 'string' },
      online: { type: 'boolean' },
      json: { type: 'boolean' },
      xml: { type: 'boolean' },
      lang: { type: 'string' },
      timeout: { type: 'string' },
      'require-revocation': { type: 'boolean' },
      'allow-host': { type: 'string', multiple: true },
      jobs: { type: 'string' },
    },
    allowPositionals: true,
  });
}

/** Several paths, or one folder, make a batch (verify-batch.ts); one file keeps the single-file report. */
export function isBatch(positionals: readonly string[]): boolean {
  if (positionals.length > 1) return true;
  try {
    return statSync(positionals[0]!).isDirectory();
  } catch {
    return false; // the single-file path reports the missing file (66)
  }
}

/**
 * How the arguments verify: a batch, or one file offline or online (which runs the network code too: its compiled
 * code is kept apart, see bundled-commands.ts). A batch when they do not parse (the command then says why).
 */
export function verifyRunKind(argv: string[]): 'batch' | 'one-file' | 'one-file-online' {
  try {
    const { positionals, values } = parseVerifyArgs(argv);
    if (positionals.length !== 1 || isBatch(positionals)) return 'batch';
    return values.online ? 'one-file-online' : 'one-file';
  } catch {
    return 'batch';
  }
}
