#!/usr/bin/env node
/**
 * The kyso command: dispatches to one module per command and maps errors to exit codes. Each command's module is
 * loaded when it runs, so `kyso verify` does not pay for the signing, register and server code.
 */
import { readFileSync } from 'node:fs';
import { KysoError } from '@kyso/pdf';
import { EXIT, HELP, UsageError } from './usage.js';

export async function main(argv: string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(HELP);
        return EXIT.OK;
      case 'version':
      case '--version': {
        const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
        out(pkg.version);
        return EXIT.OK;
      }
      case 'inspect':
        return (await import('./commands/inspect.js')).inspect(rest, out);
      case 'verify':
        return await (await import('./commands/verify.js')).verify(rest, out);
      case 'trust':
        return (await import('./commands/trust.js')).trust(rest, out);
      case 'sign':
        return await (await import('./commands/sign.js')).sign(rest, out, err);
      case 'extend':
        return await (await import('./commands/extend.js')).extend(rest, out, err);
      case 'fee':
        return (await import('./commands/fee.js')).fee(rest, out);
      case 'certify':
        return await (await import('./commands/certify.js')).certify(rest, out, err);
      case 'serve':
        return await (await import('./commands/serve.js')).serve(rest, out, err);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`kyso: ${e.message}\nRun 'kyso help' for usage.`);
      return EXIT.USAGE;
    }
    if (e instanceof KysoError) {
      err(`kyso: ${e.code}\n  ${e.messageVi}\n  ${e.messageEn}`);
      return EXIT.DATA;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      err(`kyso: cannot open input (${code}): ${(e as Error).message}`);
      return EXIT.NO_INPUT;
    }
    err(`kyso: internal error: ${(e as Error).message}`);
    return EXIT.SOFTWARE;
  }
}

process.exitCode = await main(process.argv.slice(2));
