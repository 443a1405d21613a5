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

/** Files this large are read in windows (parsed and hashed without being held in memory); smaller ones at once. */
export const WINDOWED_FROM_BYTES = 16 * 1024 * 1024;

/**
 * How the arguments verify: a batch, or one file, with the kind of run when it compiles code a plain one does not
 * (`online`: the network and revocation code; `large`: the windowed reading of a file of WINDOWED_FROM_BYTES or
 * more). A code cache holds what its first run compiled, so each kind keeps its own (bundled-commands.ts). A batch
 * when the arguments do not parse (the command then says why).
 */
export function verifyRunKind(argv: string[]): { batch: true } | { batch: false; kind: string | undefined } {
  try {
    const { positionals, values } = parseVerifyArgs(argv);
    if (positionals.length !== 1 || isBatch(positionals)) return { batch: true };
    let large = false;
    try {
      large = statSync(positionals[0]!).size >= WINDOWED_FROM_BYTES;
    } catch {
      /* the command reports the missing file */
    }
    const kind = [values.online ? 'online' : '', large ? 'large' : ''].filter(Boolean).join('.');
    return { batch: false, kind: kind || undefined };
  } catch {
    return { batch: true };
  }
}
