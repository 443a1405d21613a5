/**
 * V8 set for a command that does one bounded piece of work and exits within a second (one file's `kyso verify`):
 * V8's defaults are made for long-lived processes, and in a run this short what they cost in memory never pays back.
 * Flags are the process's (worker threads share them), so a batch and the service keep the defaults. They must be
 * set before the command's bundle is compiled or read from its code cache: V8 refuses a cache made under other
 * flags, so a short run keeps a cache of its own (SHORT_RUN, the variant given to code-cache.ts).
 *
 * Measured on the 50 MB one-signature file, `kyso verify --online` (peak RSS, GNU time %M, medians of 5): the two
 * flags together ~69 → ~58 MB, CPU time unchanged (0.17-0.18 s).
 */
import { setFlagsFromString } from 'node:v8';

/** The code cache's variant for a process run with these flags. */
export const SHORT_RUN = 'short-run';

export function tuneForShortRun(): void {
  // The young generation keeps its first size (1 MB semi-spaces) instead of doubling up to 8 MB as the verifier
  // allocates: ~4.5 MB of RSS; scavenges of 1 MB are short, and more of them cost no measurable CPU here.
  setFlagsFromString('--semi-space-growth-factor=1');
  // Ten times the work before a function is optimized: a short run then optimizes almost nothing (the optimizing
  // compiler's code, zones and code cost ~5 MB of RSS), while a loop that runs long (a huge file) is still optimized.
  setFlagsFromString('--interrupt-budget=675840');
}
