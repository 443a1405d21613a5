/**
 * `--journal FILE` on sign, extend and certify: each signature made is recorded in the signing journal (a SQLite
 * file of the register's format: the register itself or a file of its own). The journal is opened before any work,
 * so a journal that cannot be opened stops the command before it signs anything. Only facts are recorded: the
 * output's SHA-256, the certificate's SHA-256 and name, never the document or a secret.
 *
 * No signed output leaves unjournaled: with a journal, the output is made under a temporary name beside it and
 * renamed into place only once its signatures are recorded. A journal that cannot be written (read-only, disk
 * full) removes it and the command exits 74 (EX_IOERR), the input and any earlier file at the output untouched.
 */
import { createReadStream, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { JOURNAL_CODE, parseCertificate, signerFacts, type JournalOperation, type SigningJournal } from '@kyso/core';
import { openJournalAt } from './register-location.js';
import { UsageError } from './usage.js';

/** The options every journaling command accepts. */
export const JOURNAL_OPTIONS = {
  journal: { type: 'string' },
  unit: { type: 'string' },
  procedure: { type: 'string' },
  dossier: { type: 'string' },
} as const;

export interface JournalArgs {
  journal?: string;
  unit?: string;
  procedure?: string;
  dossier?: string;
}

export interface CliJournal {
  /** Records one signature over the file at `outputPath` (hashed here, streamed). */
  record(facts: {
    operation: JournalOperation;
    keyFile: string;
    certificate: Uint8Array;
    level: string;
    outputPath?: string;
    outputSha256?: string;
    unit?: string;
    /** Skip when the journal already holds this key's signature of this output (a certification's replay). */
    once?: boolean;
  }): Promise<void>;
  close(): Promise<void>;
}

/** Opens the journal named by --journal, or undefined without one; checks the caller's codes first. */
export async function openCliJournal(args: JournalArgs): Promise<CliJournal | undefined> {
  for (const [flag, v] of [
    ['--procedure', args.procedure],
    ['--dossier', args.dossier],
  ] as const) {
    if (v !== undefined && !JOURNAL_CODE.test(v))
      throw new UsageError(
        `${flag} must be 1 to 100 of A-Z a-z 0-9 . _ / : -`,
        `Tùy chọn ${flag} chỉ gồm tối đa 100 ký tự chữ, số và . _ / : -`,
      );
  }
  if (args.journal === undefined) {
    if (args.unit !== undefined || args.procedure !== undefined || args.dossier !== undefined) {
      throw new UsageError(
        '--unit, --procedure and --dossier go with --journal FILE',
        'Các tùy chọn --unit, --procedure, --dossier cần có --journal.',
      );
    }
    return undefined;
  }
  const journal: SigningJournal = await openJournalAt(args.journal);
  return {
    async record(f) {
      const signer = signerFacts(f.certificate);
      const documentSha256 = f.outputSha256 ?? (await sha256File(f.outputPath!));
      // Default unit: the organisation named in the certificate, else its holder.
      const unit = f.unit ?? args.unit ?? parseCertificate(f.certificate).subjectAttributes.O ?? signer.signerName;
      const keyAlias = basename(f.keyFile);
      if (f.once) {
        const held = await journal.list({ unit, keyAlias, documentSha256 }, { limit: 1000 });
        if (held.records.some((r) => r.operation === f.operation)) return;
      }
      await journal.record({
        source: 'cli',
        operation: f.operation,
        unit,
        keyAlias,
        signerName: signer.signerName,
        signerCertSha256: signer.signerCertSha256,
        level: f.level,
        documentSha256,
        procedureCode: args.procedure,
        dossierId: args.dossier,
      });
    },
    close: () => journal.close(),
  };
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * Makes a signed output and journals it before it appears at `output`. Without a journal, `make` writes `output`
 * itself; with one, it writes a temporary file beside it, `record` journals that file, and only then is it renamed
 * to `output` (a journal failure removes it and is thrown).
 */
export async function journaledOutput<T>(
  journal: CliJournal | undefined,
  output: string,
  make: (path: string) => Promise<T>,
  record: (journal: CliJournal, path: string, made: T) => Promise<void>,
): Promise<T> {
  if (!journal) return make(output);
  const tmp = join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}.journal.tmp`);
  try {
    const made = await make(tmp);
    await record(journal, tmp, made);
    renameSync(tmp, output);
    return made;
  } finally {
    rmSync(tmp, { force: true });
  }
}
