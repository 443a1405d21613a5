// A throw-away PostgreSQL cluster for the storage rows (the bench is plain .mjs and cannot import the tests' TypeScript
// helper; this is its small twin): initdb in a temporary directory, pg_ctl on a free loopback port, as the postgres
// user when run as root, removed by stop(). KYSO_BENCH_PG_URL names an existing server instead (a database per row is
// created in it).
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

function binDir() {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'pg_ctl'))) return dir;
  const base = '/usr/lib/postgresql';
  const v = existsSync(base)
    ? readdirSync(base)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => b - a)[0]
    : undefined;
  if (!v) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian package postgresql');
  return join(base, v, 'bin');
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const asServer = (bin, args) => (isRoot ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args));

let n = 0;
export async function startPostgres() {
  const given = process.env.KYSO_BENCH_PG_URL;
  const createIn = (admin) => async () => {
    const name = `kyso_bench_${process.pid}_${++n}`;
    await run('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE ${name}`]);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    return u.toString();
  };
  if (given)
    return { createDatabase: createIn(given), stop: async () => {}, note: 'an existing server (KYSO_BENCH_PG_URL)' };
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'kyso-bench-pg-'));
  if (isRoot) {
    const id = (f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  await asServer(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'kyso',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  // fsync stays on: the rows compare storage, and a database that skips fsync would flatter PostgreSQL.
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=200`;
  await asServer(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-o',
    options,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  return {
    createDatabase: createIn(`postgres://kyso@127.0.0.1:${port}/postgres`),
    note: `a throw-away local cluster (initdb, fsync on) on 127.0.0.1:${port}`,
    async stop() {
      try {
        await asServer(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
