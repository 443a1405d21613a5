import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  resolve: {
    // Tests run against the sources; the CLI tests run the built workspace.
    alias: Object.fromEntries([
      ['@kyso/core/file-source', `${root}packages/core/src/io/file-source.ts`],
      ['@kyso/core/register-sqlite', `${root}packages/core/src/register/sqlite/index.ts`],
      ['@kyso/core/register-postgres', `${root}packages/core/src/register/postgres/index.ts`],
      ['@kyso/core/guarded-fetch', `${root}packages/core/src/net/guarded-fetch.ts`],
      ['@kyso/core/make-dirs', `${root}packages/core/src/io/make-dirs.ts`],
      ...['pdf', 'verify', 'core', 'server', 'cli'].map((p) => [`@kyso/${p}`, `${root}packages/${p}/src/index.ts`]),
    ]),
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['tests/global-setup.ts'],
    reporters: ['default'],
  },
});
