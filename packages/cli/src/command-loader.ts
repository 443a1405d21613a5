/**
 * The command modules, each loaded when its command runs (so `kyso verify` does not pay for the signing, register
 * and server code, and `--help` loads none). This is tsc's layout; the bundled command (scripts/bundle.mjs) puts
 * bundled-commands.ts in its place, which runs the same modules from CommonJS bundles through V8's code cache.
 */
import { tuneForShortRun } from './short-run.js';

const COMMANDS = {
  inspect: () => import('./commands/inspect.js'),
  verify: () => import('./commands/verify.js'),
  sign: () => import('./commands/sign.js'),
  extend: () => import('./commands/extend.js'),
  fee: () => import('./commands/fee.js'),
  certify: () => import('./commands/certify.js'),
  'certify-paper': () => import('./commands/certify-paper.js'),
  serve: () => import('./commands/serve.js'),
  report: () => import('./commands/report.js'),
  trust: () => import('./commands/trust.js'),
  register: () => import('./commands/register.js'),
  journal: () => import('./commands/journal.js'),
};

export type CommandName = keyof typeof COMMANDS;
export type CommandModules = { [N in CommandName]: Awaited<ReturnType<(typeof COMMANDS)[N]>> };

export interface LoadOptions {
  /** The command does one bounded piece of work and exits: V8 set for a short run first (short-run.ts). */
  shortRun?: boolean;
  /**
   * The kind of work when it runs code the plain run does not (`kyso verify --online`: the network and revocation
   * code; a large file: its windowed reading): the bundled loader keeps that run's compiled code apart
   * (bundled-commands.ts).
   */
  kind?: string;
}

export function loadCommand<N extends CommandName>(name: N, options: LoadOptions = {}): Promise<CommandModules[N]> {
  if (options.shortRun) tuneForShortRun();
  return COMMANDS[name]() as Promise<CommandModules[N]>;
}

/** Keeps what the run compiled for the next one: nothing to keep in tsc's layout (bundled-commands.ts does). */
export function keepCompiledCode(): void {}
