import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.js';

const run = promisify(execFile);

// The helper the PostgreSQL store's tests stand on: a real server, started and removed by the test.
describe('throw-away PostgreSQL cluster', () => {
  let pg: PostgresCluster;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it('answers on 127.0.0.1 and creates databases', async () => {
    const url = await pg.createDatabase();
    const { stdout } = await run('psql', [url, '-tA', '-c', 'SELECT current_database(), inet_server_addr()']);
    const [name, addr] = stdout.trim().split('|');
    expect(url.endsWith(`/${name}`)).toBe(true);
    expect(addr).toBe('127.0.0.1');
  });
});
