/** Usage errors of the kyso command, and argument parsing that turns Node's parse errors into them. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export { EXIT } from './exit-codes.js';

/** The command was used wrongly. `message` is English; `messageVi` its Vietnamese, without English inside. */
export class UsageError extends Error {
  readonly messageVi: string;
  constructor(message: string, messageVi = 'Lệnh dùng không đúng cú pháp.') {
    super(message);
    this.name = 'UsageError';
    this.messageVi = messageVi;
  }
}

/** A UsageError, known by its shape: each bundled command carries its own copy of this class (scripts/bundle.mjs). */
export function isUsageError(e: unknown): e is UsageError {
  return e instanceof Error && e.name === 'UsageError' && typeof (e as Partial<UsageError>).messageVi === 'string';
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/** The closest candidate when it is close enough to be a typo. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * `parseArgs` for one command: an unknown option, a missing value or a stray argument becomes a UsageError that
 * names the command and, for a typo, the option meant ("--levle" → "--level").
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw e;
    const message = (e as Error).message;
    const option = /'(-{1,2}[^'\s]+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
      const known = Object.keys(config.options ?? {}).map((o) => `--${o}`);
      const meant = suggest(option.split('=')[0]!, known);
      throw new UsageError(
        `kyso ${command} has no option ${option}${meant ? `; did you mean ${meant}?` : ''}`,
        `Lệnh kyso ${command} không có tùy chọn ${option}${meant ? `; có phải ý bạn là ${meant}?` : '.'}`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      throw new UsageError(
        `kyso ${command}: ${option} needs a value`,
        `Lệnh kyso ${command}: tùy chọn ${option} cần một giá trị.`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(
        `kyso ${command} takes no arguments here: ${message.replace(/^.*?'([^']*)'.*$/s, '$1')}`,
        `Lệnh kyso ${command} không nhận đối số này.`,
      );
    }
    throw new UsageError(`kyso ${command}: ${message}`);
  }
}
