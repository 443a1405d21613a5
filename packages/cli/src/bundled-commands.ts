/**
 * The bundled command's loader (scripts/bundle.mjs substitutes it for command-loader.ts): every command but `serve`
 * is a CommonJS bundle, dist/commands/NAME.cjs, run through V8's code cache (code-cache.ts), so a second `kyso
 * verify` does not parse and compile the verifier again (about a fifth of a one-page call). `serve` stays an ES
 * module: @kyso/server is one, and a service starts once.
 */
import { fileURLToPath } from 'node:url';
import type { CommandModules, CommandName, LoadOptions } from './command-loader.js';
import { codeCacheDir, runCommonJs, type CommonJsRun } from './code-cache.js';
import { SHORT_RUN, tuneForShortRun } from './short-run.js';

const runs: CommonJsRun[] = [];

export async function loadCommand<N extends CommandName>(
  name: N,
  options: LoadOptions = {},
): Promise<CommandModules[N]> {
  if (name === 'serve')
    return (await import(new URL('./commands/serve.js', import.meta.url).href)) as CommandModules[N];
  // Before the bundle is compiled or its cache read (short-run.ts).
  if (options.shortRun) tuneForShortRun();
  const file = fileURLToPath(new URL(`./commands/${name}.cjs`, import.meta.url));
  // A code cache holds what its first run compiled: a run of another kind (online after offline, a large file after
  // a small one) keeps its own, or it would compile its own part again every time.
  const variant = [options.shortRun ? SHORT_RUN : undefined, options.kind].filter(Boolean).join('.') || undefined;
  const run = runCommonJs(file, codeCacheDir(), variant);
  runs.push(run);
  return run.exports as CommandModules[N];
}

/** Writes the code compiled so far, after the command ran (functions compiled lazily are in it then). */
export function keepCompiledCode(): void {
  for (const run of runs.splice(0)) run.keep();
}
