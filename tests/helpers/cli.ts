/** Runs the built `kyso` command (packages/cli/dist/main.cjs) the way a user does, for the CLI tests. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './producers.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKyso(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'packages/cli/dist/main.cjs'), ...args],
      { encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, env: options.env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
