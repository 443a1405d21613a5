/**
 * mkdir -p that cannot hang. Not mkdirSync's `recursive`: on Node 20 it loops for ever where mkdir answers ENOENT
 * under a parent that exists (under /proc, say), which turned a mistyped path into a process spinning at full CPU.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Makes `dir` and its missing parents with `mode`; an error of mkdir (other than EEXIST) is thrown. */
export function makeDirs(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
