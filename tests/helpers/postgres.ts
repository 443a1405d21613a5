/**
 * A throw-away PostgreSQL cluster for the tests: `initdb` into a temporary directory, `pg_ctl` on a free 127.0.0.1
 * port, removed by `stop()`. PostgreSQL refuses to run as root, so when the tests run as root (CI does) the server
 * runs as the `postgres` user that Debian's package creates. Nothing here touches a system cluster.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  /** Connection string to the cluster's `postgres` database as the superuser `kyso`. */
  url: string;
  host: string;
  port: number;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The directory holding initdb/pg_ctl: on PATH, or Debian's versioned /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'pg_ctl'))) return join(base, v, 'bin');
  }
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian package postgresql');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary as the postgres user when we are root (PostgreSQL refuses root). */
function asServerUser(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return isRoot ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

let counter = 0;

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'kyso-pg-'));
  const data = join(dir, 'data');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  await asServerUser(join(bin, 'initdb'), [
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
  // Sockets in the cluster's own directory; TCP on loopback only; fsync off (a throw-away cluster).
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=200`;
  await asServerUser(join(bin, 'pg_ctl'), [
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
  const host = '127.0.0.1';
  const url = `postgres://kyso@${host}:${port}/postgres`;
  let stopped = false;
  return {
    url,
    host,
    port,
    async createDatabase(name?: string) {
      const db = name ?? `kyso_test_${process.pid}_${++counter}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`bad database name ${db}`);
      await run('psql', [
        '-h',
        host,
        '-p',
        String(port),
        '-U',
        'kyso',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-q',
        '-c',
        `CREATE DATABASE ${db}`,
      ]);
      return `postgres://kyso@${host}:${port}/${db}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
