/**
 * Runs a CommonJS bundle with V8's code cache: the bytecode V8 compiled in one run is written to a per-user folder
 * and handed back to V8 in the next, which then skips parsing and compiling what it had compiled (Node 20 has no
 * compile cache of its own: module.enableCompileCache came in Node 22).
 *
 * A code cache is code: whoever can write it can run code as the user. The folder must be the user's own and
 * writable by no one else, and so must each file; otherwise the cache is not used. V8 checks only a cache's length,
 * version and flags against the source, so the file's name carries a SHA-256 of the source as well.
 *
 * The bundle must not use import(): a script has none on Node 20 once given a code cache (the bundles are built with
 * import() turned into require()).
 *
 * V8 also refuses a cache made under other V8 flags: a command run with flags of its own (short-run.ts) names its
 * variant, which keeps a cache apart from the command's plain one.
 *
 * KYSO_CODE_CACHE=off (or 0) turns it off; KYSO_CODE_CACHE=DIR puts it in DIR; otherwise $XDG_CACHE_HOME/kyso/code
 * or ~/.cache/kyso/code. Any failure to read or write the cache only costs the compile.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants as fs,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { makeDirs } from '@kyso/core/make-dirs';

/** What the run found: a cache V8 took, none (or one not private), one V8 refused, or the cache off. */
export type CodeCacheUse = 'used' | 'missing' | 'rejected' | 'off';

export interface CommonJsRun {
  /** The bundle's module.exports. */
  readonly exports: unknown;
  readonly cache: CodeCacheUse;
  /** Writes the code compiled so far when the cache had none for this source or V8 refused it. */
  keep(): void;
}

/** The cache folder, or null when the cache is off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const set = env.KYSO_CODE_CACHE;
  if (set === 'off' || set === '0') return null;
  if (set) return set;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kyso', 'code');
}

/** Owned by this user and writable by no one else (POSIX; elsewhere the per-user folder is taken as it is). */
function ownPrivate(s: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (s.uid === uid && (s.mode & 0o022) === 0);
}

/** The folder, made private if it is new; null when it exists but is not private. */
function privateDir(dir: string): string | null {
  try {
    // (not mkdirSync's `recursive`, which spins for ever under /proc on Node 20: HOME=/proc hung `kyso verify`)
    makeDirs(dir, 0o700);
    const s = statSync(dir);
    return s.isDirectory() && ownPrivate(s) ? dir : null;
  } catch {
    return null;
  }
}

/** The cache file's bytes, or undefined when it is missing or not private (a link is not followed). */
function readPrivate(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, fs.O_RDONLY | (fs.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const s = fstatSync(fd);
    return s.isFile() && ownPrivate(s) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Replaces the cache for this bundle (its older versions too) in one rename, so a reader sees all or nothing. */
function writePrivate(dir: string, name: string, prefix: string, data: Buffer): void {
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
    for (const f of readdirSync(dir))
      if (f.startsWith(prefix) && f !== name && f.endsWith('.v8')) rmSync(join(dir, f), { force: true });
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * Runs `file` with its code cache in `dir`. `variant` names the V8 flags the process was given at run time, if any
 * (a cache made under one set of flags is refused under another).
 */
export function runCommonJs(file: string, dir: string | null = codeCacheDir(), variant?: string): CommonJsRun {
  const require = createRequire(file);
  const main = dir === null ? null : privateDir(dir);
  if (main === null) return { exports: require(file), cache: 'off', keep() {} };
  // The bytes are hashed as read (no UTF-8 round trip of the string); esbuild writes ASCII (charset: ascii), which
  // latin1 turns into a string with one copy (~1 ms less than reading as UTF-8 and hashing the string).
  const bytes = readFileSync(file);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const key = createHash('sha256')
    .update(`${process.version} ${process.arch}${variant === undefined ? '' : ` ${variant}`}\n`)
    .update(bytes)
    .digest('hex');
  // "b.cjs-" and "b.cjs+short-run-": neither is the other's prefix, so replacing one never removes the other.
  const prefix = variant === undefined ? `${basename(file)}-` : `${basename(file)}+${variant}-`;
  const name = `${prefix}${key.slice(0, 32)}.v8`;
  const cachedData = readPrivate(join(main, name));
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, require, module, file, dirname(file));
  const cache: CodeCacheUse = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  let kept = cache === 'used';
  return {
    exports: module.exports,
    cache,
    keep() {
      if (kept) return;
      kept = true;
      writePrivate(main, name, prefix, script.createCachedData());
    },
  };
}
