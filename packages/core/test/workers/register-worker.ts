/**
 * A separate process that certifies against one register (an SQLite file, or a postgres:// URL: a separate
 * instance on one database), for the concurrency and crash tests. It is bundled
 * by esbuild from the current sources (register-processes.test.ts), so it needs no prior build.
 *
 * argv[2] is JSON: { db, mode, prefix, count?, clock? }
 * - mode 'certify': `count` requests, each reserve → (the e-copy work) → complete; one JSON line per completion.
 * - mode 'loop': the same until killed.
 * - mode 'reserve-and-hang': reserve one request (key = prefix), print it, then wait to be killed before completing.
 * - mode 'list': page through the authority's entries (`count` per page, `rounds` times over) and print one line per
 *   entry seen: the reading side of the listing tests.
 */
import { createHash } from 'node:crypto';
import { openSqliteRegister } from '../../src/register/sqlite/index.js';
import { openPostgresRegister } from '../../src/register/postgres/index.js';
import { buildECopy, requestFor } from './register-requests.js';

interface Args {
  db: string;
  mode: 'certify' | 'loop' | 'reserve-and-hang' | 'list';
  prefix: string;
  count?: number;
  rounds?: number;
  clock?: string;
}

const args = JSON.parse(process.argv[2]) as Args;
const options = args.clock ? { clock: () => new Date(args.clock!) } : {};
const reg = args.db.startsWith('postgres://')
  ? await openPostgresRegister({ url: args.db, poolSize: 2, ...options })
  : openSqliteRegister(args.db, options);

async function certifyOne(key: string): Promise<void> {
  const { request, resumed } = await reg.reserve(requestFor(key));
  const entry = request.entries[0];
  const pdf = buildECopy(key, entry.seqNo);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  await reg.complete(request.id, { eCopies: [{ entryId: entry.id, sha256, pdf }] });
  process.stdout.write(`${JSON.stringify({ key, seqNo: entry.seqNo, sha256, resumed, pid: process.pid })}\n`);
}

if (args.mode === 'certify') {
  for (let i = 0; i < (args.count ?? 1); i++) await certifyOne(`${args.prefix}-${i}`);
  await reg.close();
} else if (args.mode === 'list') {
  for (let round = 0; round < (args.rounds ?? 1); round++) {
    let after: string | undefined;
    do {
      const page = await reg.searchEntries({ authorityId: args.prefix }, { limit: args.count ?? 10, after });
      for (const e of page.entries)
        process.stdout.write(
          `${JSON.stringify({ key: `round-${round}`, seqNo: e.seqNo, sha256: e.eCopySha256, state: e.state })}\n`,
        );
      after = page.nextCursor ?? undefined;
    } while (after);
  }
  await reg.close();
} else if (args.mode === 'loop') {
  for (let i = 0; ; i++) await certifyOne(`${args.prefix}-${i}`);
} else {
  const { request } = await reg.reserve(requestFor(args.prefix));
  process.stdout.write(
    `${JSON.stringify({ key: args.prefix, seqNo: request.entries[0].seqNo, state: request.state })}\n`,
  );
  setInterval(() => undefined, 1_000); // hold the process (and no transaction) until SIGKILL
}
