/**
 * `kyso serve` (the built CLI) as a child process: started on a configuration file, its URL read from the
 * "listening on" line, its output kept for the test to read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './producers.js';

const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');

export interface ServeChild {
  proc: ChildProcess;
  /** Resolves with http://host:port once the service listens; rejects when it exits first. */
  url: Promise<string>;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

export function startServe(args: string[], env: Record<string, string>, cwd: string): ServeChild {
  const proc = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const url = new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', () => reject(new Error(`kyso serve exited: ${err}${out.slice(-2000)}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, url, stdout: () => out, stderr: () => err, exit };
}
