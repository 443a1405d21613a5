/** Passwords come from the environment or a file, never from argv (which other users can read in `ps`). */
import { readFileSync } from 'node:fs';
import { UsageError } from './usage.js';

export function readPassword(opts: { passwordEnv?: string; passwordFile?: string }): string {
  if (opts.passwordEnv) {
    const v = process.env[opts.passwordEnv];
    if (v === undefined) throw new UsageError(`environment variable ${opts.passwordEnv} is not set`);
    return v;
  }
  if (opts.passwordFile) return readFileSync(opts.passwordFile, 'utf8').replace(/\r?\n$/, '');
  throw new UsageError('give the key password with --password-env VAR or --password-file FILE');
}
