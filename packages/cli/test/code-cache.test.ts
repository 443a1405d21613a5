/**
 * The command's V8 code cache (src/code-cache.ts): a CommonJS bundle run with it gives the same exports and results
 * with the cache absent, present, corrupt or not private; a cache anyone else could write is never read; and the
 * built `kyso` writes one per command and verifies the same with it as without it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Pkcs12Signer, signPdf } from '@kyso/core';
import { codeCacheDir } from '../src/code-cache.js';
import { verifyRunKind, WINDOWED_FROM_BYTES } from '../src/commands/verify-args.js';
import { repoRoot } from '../../../tests/helpers/producers.js';
import { scratch } from '../../../tests/helpers/tools.js';
import { plainPdf } from '../../verify/test/helpers/signed-pdfs.js';

const tmp = scratch('kyso-code-cache-');
afterAll(() => tmp.cleanup());

/** A small CommonJS bundle like the command's: exports, require (built-in and beside it), __filename, a function
 * compiled lazily. */
function bundle(dir: string): string {
  const file = join(dir, 'b.cjs');
  writeFileSync(join(dir, 'dep.cjs'), "exports.sep = '/';");
  writeFileSync(
    file,
    [
      "const { basename } = require('node:path');",
      'function square(x) { return x * x; }',
      'exports.answer = () => square(6) + 6;',
      'exports.name = basename(__filename);',
      "exports.later = async () => require('./dep.cjs').sep;",
    ].join('\n'),
  );
  return file;
}

interface Run {
  cache: string;
  answer: number;
  name: string;
  later: string;
}

/**
 * runCommonJs (the built dist/code-cache.js) in a fresh process, as the command runs it: V8 keeps what it compiled
 * in a process, so a second run in this one would never read the cache from disk.
 */
function runCommonJs(file: string, dir: string | null, variant?: string): Run {
  const codeCache = pathToFileURL(join(repoRoot, 'packages/cli/dist/code-cache.js')).href;
  // A variant's process runs with V8 flags of its own, as the command's short run does (src/short-run.ts).
  const script = `
    const { runCommonJs } = await import(${JSON.stringify(codeCache)});
    ${variant ? "(await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');" : ''}
    const run = runCommonJs(${JSON.stringify(file)}, ${JSON.stringify(dir)}, ${JSON.stringify(variant)});
    const b = run.exports;
    const out = { cache: run.cache, answer: b.answer?.() ?? b.v(), name: b.name, later: await b.later?.() };
    run.keep();
    console.log(JSON.stringify(out));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 }),
  ) as Run;
}

describe('runCommonJs', () => {
  it('writes the cache after a first run, V8 takes it in the next; the exports are the same', async () => {
    const dir = join(tmp.dir, 'a');
    const file = bundle(tmp.dir);
    const first = runCommonJs(file, join(dir, 'cache'));
    expect(first).toEqual({ cache: 'missing', answer: 42, name: 'b.cjs', later: '/' });
    const files = readdirSync(join(dir, 'cache'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^b\.cjs-[0-9a-f]{32}\.v8$/);
    // private: the folder and the file are the user's alone
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'cache', files[0]!)).mode & 0o777).toBe(0o600);

    expect(runCommonJs(file, join(dir, 'cache'))).toEqual({ cache: 'used', answer: 42, name: 'b.cjs', later: '/' });
  });

  it('a changed source of the same length gets a cache of its own (V8 would take the old one: it checks lengths)', () => {
    const dir = join(tmp.dir, 'b');
    mkdirSync(dir);
    const file = join(dir, 'same.cjs');
    writeFileSync(file, 'exports.v = () => 1;');
    expect(runCommonJs(file, join(dir, 'cache'))).toMatchObject({ cache: 'missing', answer: 1 });
    expect(runCommonJs(file, join(dir, 'cache'))).toMatchObject({ cache: 'used', answer: 1 });
    writeFileSync(file, 'exports.v = () => 2;');
    expect(runCommonJs(file, join(dir, 'cache'))).toMatchObject({ cache: 'missing', answer: 2 });
    // the older version's cache is removed when the new one is written
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(1);
  });

  it('a bundle with text beyond ASCII (read as UTF-8, not latin1) gives the same string with and without the cache', () => {
    const dir = join(tmp.dir, 'utf8');
    mkdirSync(dir);
    const file = join(dir, 'vi.cjs');
    writeFileSync(file, "exports.v = () => 'Chữ ký hợp lệ ✓'.length;");
    const expected = 'Chữ ký hợp lệ ✓'.length;
    expect(runCommonJs(file, join(dir, 'cache'))).toMatchObject({ cache: 'missing', answer: expected });
    expect(runCommonJs(file, join(dir, 'cache'))).toMatchObject({ cache: 'used', answer: expected });
  });

  it('a run under other V8 flags keeps a cache of its own beside the plain one (V8 refuses one made under others)', () => {
    const dir = join(tmp.dir, 'v');
    mkdirSync(dir);
    const file = bundle(dir);
    const cache = join(dir, 'cache');
    expect(runCommonJs(file, cache)).toMatchObject({ cache: 'missing', answer: 42 });
    expect(runCommonJs(file, cache, 'short-run')).toMatchObject({ cache: 'missing', answer: 42 });
    expect(readdirSync(cache).sort()).toEqual([
      expect.stringMatching(/^b\.cjs\+short-run-[0-9a-f]{32}\.v8$/),
      expect.stringMatching(/^b\.cjs-[0-9a-f]{32}\.v8$/),
    ]);
    // each is taken by a run like the one that wrote it, and neither replaced the other
    expect(runCommonJs(file, cache, 'short-run').cache).toBe('used');
    expect(runCommonJs(file, cache).cache).toBe('used');
  });

  it('a corrupt cache is refused by V8 and replaced; the bundle runs the same', () => {
    const dir = join(tmp.dir, 'c');
    mkdirSync(dir);
    const file = bundle(dir);
    runCommonJs(file, join(dir, 'cache'));
    const [name] = readdirSync(join(dir, 'cache'));
    const path = join(dir, 'cache', name!);
    writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a));
    expect(runCommonJs(file, join(dir, 'cache'))).toMatchObject({ cache: 'rejected', answer: 42 });
    expect(readFileSync(path)[0]).not.toBe(0x5a);
    expect(runCommonJs(file, join(dir, 'cache')).cache).toBe('used');
  });

  it('a folder or a file others can write is not read (whoever writes a code cache runs code as the user)', () => {
    const dir = join(tmp.dir, 'd');
    mkdirSync(dir);
    const file = bundle(dir);
    const cache = join(dir, 'cache');
    runCommonJs(file, cache);
    const [name] = readdirSync(cache);
    chmodSync(join(cache, name!), 0o666);
    expect(runCommonJs(file, cache).cache).toBe('missing');
    chmodSync(join(cache, name!), 0o600);
    expect(runCommonJs(file, cache).cache).toBe('used');
    chmodSync(cache, 0o777);
    expect(runCommonJs(file, cache)).toMatchObject({ cache: 'off', answer: 42 });
  });

  it('a folder that cannot be made is no cache, and no hang (HOME=/proc: mkdir answers ENOENT there)', () => {
    const file = bundle(tmp.dir);
    if (process.platform === 'linux')
      expect(runCommonJs(file, '/proc/kyso-cache/code')).toMatchObject({ cache: 'off', answer: 42 });
    expect(runCommonJs(file, join(file, 'under-a-file'))).toMatchObject({ cache: 'off', answer: 42 });
  });

  it('KYSO_CODE_CACHE: off, a folder, or the per-user default', () => {
    expect(codeCacheDir({ KYSO_CODE_CACHE: 'off' })).toBeNull();
    expect(codeCacheDir({ KYSO_CODE_CACHE: '0' })).toBeNull();
    expect(codeCacheDir({ KYSO_CODE_CACHE: '/x/y' })).toBe('/x/y');
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/kyso/code');
    expect(runCommonJs(bundle(tmp.dir), null)).toMatchObject({ cache: 'off', answer: 42 });
  });
});

function kyso(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'packages/cli/dist/main.cjs'), ...args],
      { encoding: 'utf8', env: { ...process.env, ...env } },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

describe('the built kyso command', () => {
  it('keeps one cache per command (and per kind of verify run: online, large) and gives the same verdict with it, without it and with it off', async () => {
    const p12 = readFileSync(join(repoRoot, 'test-certs/signer.p12'));
    const signed = join(tmp.dir, 'signed.pdf');
    writeFileSync(
      signed,
      await signPdf(await plainPdf(), Pkcs12Signer.open(p12, 'kyso-test'), { certificateCheck: false }),
    );
    const cache = join(tmp.dir, 'kyso-cache');
    const args = ['verify', signed, '--trust', join(repoRoot, 'test-certs/root-ca.pem'), '--json'];
    const verdict = (r: { code: number; stdout: string }) => {
      const report = JSON.parse(r.stdout) as { signatures: { indication: string }[] };
      return [r.code, report.signatures.map((s) => s.indication)];
    };
    const first = await kyso(args, { KYSO_CODE_CACHE: cache });
    expect(verdict(first)).toEqual([0, ['TOTAL-PASSED']]);
    // one file's verification runs with V8 set for a short run (src/short-run.ts): a cache of its own
    expect(readdirSync(cache).filter((f) => f.startsWith('verify.cjs+short-run-'))).toHaveLength(1);
    const second = await kyso(args, { KYSO_CODE_CACHE: cache });
    expect(verdict(second)).toEqual(verdict(first));
    const off = join(tmp.dir, 'never');
    const without = await kyso(args, { KYSO_CODE_CACHE: 'off', XDG_CACHE_HOME: off });
    expect(verdict(without)).toEqual(verdict(first));
    expect(existsSync(off)).toBe(false);
    // an online run compiles the network and revocation code too: it keeps a cache of its own, and the offline
    // one (which lacks that code) is left as it was
    const offline = readdirSync(cache).find((f) => f.startsWith('verify.cjs+short-run-'))!;
    const offlineBytes = readFileSync(join(cache, offline));
    await kyso([...args, '--online', '--timeout', '1000'], { KYSO_CODE_CACHE: cache });
    expect(readdirSync(cache).filter((f) => f.startsWith('verify.cjs+short-run.online-'))).toHaveLength(1);
    expect(readFileSync(join(cache, offline)).equals(offlineBytes)).toBe(true);
    // a usage error thrown inside the command's bundle is still a usage error (64), not an internal one
    expect((await kyso(['verify', '--no-such-flag'], { KYSO_CODE_CACHE: cache })).code).toBe(64);
  });
});

describe('the kind of a verify run (each keeps its own code cache)', () => {
  it('tells a batch from one file, and one file online or large from a plain one', () => {
    const small = join(tmp.dir, 'small.pdf');
    const large = join(tmp.dir, 'large.pdf');
    writeFileSync(small, '%PDF-1.7\n');
    writeFileSync(large, '');
    truncateSync(large, WINDOWED_FROM_BYTES); // sparse: only its size is read
    expect(verifyRunKind([small])).toEqual({ batch: false, kind: undefined });
    expect(verifyRunKind([small, '--online'])).toEqual({ batch: false, kind: 'online' });
    expect(verifyRunKind([large, '--json'])).toEqual({ batch: false, kind: 'large' });
    expect(verifyRunKind(['--online', large])).toEqual({ batch: false, kind: 'online.large' });
    expect(verifyRunKind([join(tmp.dir, 'missing.pdf')])).toEqual({ batch: false, kind: undefined });
    expect(verifyRunKind([small, large])).toEqual({ batch: true });
    expect(verifyRunKind([tmp.dir])).toEqual({ batch: true });
    expect(verifyRunKind(['--no-such-flag'])).toEqual({ batch: true });
  });
});
