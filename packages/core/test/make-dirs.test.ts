/** makeDirs: mkdir -p that ends (mkdirSync's `recursive` spins for ever under /proc on Node 20). */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../src/io/make-dirs.js';

const root = mkdtempSync(join(tmpdir(), 'kyso-make-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes the missing parents with the mode, and takes a folder that exists', () => {
    const dir = join(root, 'a', 'b', 'c');
    makeDirs(dir, 0o700);
    for (const d of [join(root, 'a'), join(root, 'a', 'b'), dir]) expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(() => makeDirs(dir, 0o700)).not.toThrow();
  });

  it("throws mkdir's error where a folder cannot be made, without spinning", () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(() => makeDirs(join(file, 'x'))).toThrow(/ENOTDIR|EEXIST/);
    if (process.platform === 'linux') expect(() => makeDirs('/proc/kyso-no/such')).toThrow(/ENOENT/);
  });
});
