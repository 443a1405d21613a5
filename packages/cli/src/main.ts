#!/usr/bin/env node
/**
 * The kyso command: dispatches to one module per command and maps errors to exit codes (exit-codes.ts). Each
 * command's module is loaded when it runs (command-loader.ts), so `kyso verify` does not pay for the signing,
 * register and server code, and `--help` loads none.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isKysoError } from './kyso-error.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { commandHelp, COMMANDS, generalHelp, isCommand } from './help.js';
import { isUsageError, suggest, UsageError } from './usage.js';
import { keepCompiledCode, loadCommand } from './command-loader.js';
import { verifyRunKind } from './commands/verify-args.js';

type Print = (s: string) => void;

/** Whether the arguments ask for help (before a `--`, which ends the options). */
function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** The output path named by -o/--output, to tell an unwritable output (73) from an unreadable input (66). */
function outputPath(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if ((a === '-o' || a === '--output') && i + 1 < args.length) return args[i + 1];
    if (a.startsWith('--output=')) return a.slice('--output='.length);
  }
  return undefined;
}

async function run(command: string, rest: string[], out: Print, err: Print): Promise<number> {
  switch (command) {
    case 'inspect':
      return (await loadCommand('inspect')).inspect(rest, out);
    case 'verify': {
      // One file: V8 set for a short run before the verifier loads (short-run.ts); a batch keeps V8's defaults.
      const run = verifyRunKind(rest);
      const options = run.batch ? {} : { shortRun: true, kind: run.kind };
      return await (await loadCommand('verify', options)).verify(rest, out);
    }
    case 'sign':
      return await (await loadCommand('sign')).sign(rest, out, err);
    case 'extend':
      return await (await loadCommand('extend')).extend(rest, out, err);
    case 'fee':
      return (await loadCommand('fee')).fee(rest, out);
    case 'certify':
      return await (await loadCommand('certify')).certify(rest, out, err);
    case 'certify-paper':
      return await (await loadCommand('certify-paper')).certifyPaper(rest, out, err);
    case 'serve':
      return await (await loadCommand('serve')).serve(rest, out, err);
    case 'report':
      return await (await loadCommand('report')).report(rest, out);
    case 'trust':
      return (await loadCommand('trust')).trust(rest, out);
    case 'register':
      return await (await loadCommand('register')).register(rest, out);
    case 'journal':
      return await (await loadCommand('journal')).journal(rest, out);
    default: {
      const meant = suggest(command, Object.keys(COMMANDS));
      throw new UsageError(
        `unknown command '${command}'${meant ? `; did you mean '${meant}'?` : ''}`,
        `Không có lệnh '${command}'${meant ? `; có phải ý bạn là '${meant}'?` : '.'}`,
      );
    }
  }
}

export async function main(
  argv: string[],
  out: Print = (s) => process.stdout.write(s + '\n'),
  err: Print = (s) => process.stderr.write(s + '\n'),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      out(generalHelp());
      return EXIT.OK;
    }
    if (isCommand(command) && wantsHelp(rest)) {
      out(commandHelp(command));
      return EXIT.OK;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic === undefined) out(generalHelp());
      else if (isCommand(topic)) out(commandHelp(topic));
      else return await run(topic, [], out, err); // an unknown topic: the same "did you mean" as an unknown command
      return EXIT.OK;
    }
    if (command === 'version' || command === '--version') {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      out(pkg.version);
      return EXIT.OK;
    }
    return await run(command, rest, out, err);
  } catch (e) {
    if (isUsageError(e)) {
      const topic = command !== undefined && command !== 'help' && isCommand(command) ? ` ${command}` : '';
      err(`kyso: ${e.messageVi}\n  ${e.message}\nXem / see 'kyso help${topic}'.`);
      return EXIT.USAGE;
    }
    if (isKysoError(e)) {
      err(`kyso: ${e.code}\n  ${e.messageVi}\n  ${e.messageEn}`);
      return exitCodeFor(e.code);
    }
    const errno = e as NodeJS.ErrnoException & { path?: string; dest?: string };
    if (
      errno.code === 'ENOENT' ||
      errno.code === 'EACCES' ||
      errno.code === 'EISDIR' ||
      errno.code === 'ENOTDIR' ||
      errno.code === 'EROFS'
    ) {
      const output = outputPath(rest);
      // copyFile names its destination in `dest`; outputs are written through a temporary file named after them
      const isOutput = (p: string | undefined): p is string =>
        output !== undefined &&
        p !== undefined &&
        dirname(p) === dirname(output) &&
        basename(p).includes(basename(output));
      if (output !== undefined && [errno.dest, errno.path].some(isOutput)) {
        err(
          `kyso: không ghi được tệp kết quả ${output} (${errno.code})\n  cannot write the output ${output} (${errno.code})`,
        );
        return EXIT.CANT_CREATE;
      }
      const path = errno.path ?? '';
      err(`kyso: không mở được tệp ${path} (${errno.code})\n  cannot open ${path} (${errno.code})`);
      return EXIT.NO_INPUT;
    }
    err(`kyso: lỗi nội bộ của kyso, xin báo cho người quản trị\n  internal error: ${(e as Error).message}`);
    return EXIT.SOFTWARE;
  }
}

// `pnpm kyso ...` runs in the repository root; relative paths are the user's, from the folder pnpm was started in.
const script = process.env.npm_lifecycle_event;
if (process.env.INIT_CWD && (script === 'kyso' || script === 'serve')) process.chdir(process.env.INIT_CWD);
// (no top-level await: the bin is a CommonJS script, scripts/bundle.mjs)
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  keepCompiledCode();
});
