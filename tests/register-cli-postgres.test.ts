/**
 * The CLI on the shared register: `--db postgres://…` wherever `--db` takes a SQLite file, and `--journal
 * postgres://…`. Several `kyso certify-paper` processes at once on one PostgreSQL database number 1..N without gap
 * or duplicate; a retry with the same key gets its first numbers; list, report and journal read the same database;
 * an unreachable database is a storage error (exit 74) without the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKyso } from './helpers/cli.js';
import { startPostgres, type PostgresCluster } from './helpers/postgres.js';

const UNIT = 'UBND phường Kinh Bắc';
let pg: PostgresCluster;
let url: string;

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase();
});
afterAll(async () => {
  await pg?.stop();
});

const paper = (key: string) =>
  runKyso(
    [
      'certify-paper',
      '--db',
      url,
      '--authority-id',
      UNIT,
      '--authority-name',
      'Ủy ban nhân dân phường Kinh Bắc',
      '--certifier',
      'Nguyễn Thị Lấp Lánh Ánh',
      '--requester',
      'Trần Văn Bình',
      '--json',
      '--idempotency-key',
      key,
      '--original',
      'Giấy khai sinh',
      '--pages',
      '1',
      '--copies',
      '1',
    ],
    { timeoutMs: 60_000 },
  );

describe('kyso --db postgres://', () => {
  it('certify-paper from six processes at once: numbers 1..6, a retry keeps its number; register list, report and journal read the database', async () => {
    const first = await paper('HS-1');
    expect(first.code, first.stderr).toBe(0);
    const rest = await Promise.all([2, 3, 4, 5, 6].map((i) => paper(`HS-${i}`)));
    for (const r of rest) expect(r.code, r.stderr).toBe(0);
    const numbers = [first, ...rest].map(
      (r) => (JSON.parse(r.stdout) as { entries: { number: number }[] }).entries[0]!.number,
    );
    expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);

    const again = await paper('HS-4');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true, entries: [{ number: numbers[3] }] });

    const list = await runKyso(['register', 'list', '--db', url, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const entries = JSON.parse(list.stdout) as { seqNo: number }[];
    expect(entries.map((e) => e.seqNo)).toEqual([1, 2, 3, 4, 5, 6]);

    const month = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7); // Vietnam time
    const report = await runKyso(['report', 'monthly', '--db', url, '--month', month, '--json']);
    expect(report.code, report.stderr).toBe(0);

    const journal = await runKyso(['journal', 'list', '--journal', url, '--json']);
    expect(journal.code, journal.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(journal.stdout))).toBe(true);
  }, 120_000);

  it('an unreachable database is exit 74 (storage), its password not printed', async () => {
    const r = await runKyso([
      'register',
      'list',
      '--db',
      `postgres://kyso:Secret-pw-42@127.0.0.1:${pg.port + 1}/kyso`,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(74);
    expect(r.stderr + r.stdout).not.toContain('Secret-pw-42');
  });
});
