/**
 * Every command answers --help, -h and `kyso help CMD` with its own help (not Node's parse errors), typos get "did
 * you mean", each family of failure has its own exit code (sysexits where one fits), and `pnpm kyso` resolves paths
 * from the folder pnpm was started in.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeFor, EXIT } from '../src/exit-codes.js';
import { COMMANDS, SUBCOMMANDS } from '../src/help.js';
import { fixturesDir, repoRoot } from '../../../tests/helpers/producers.js';

const main = join(repoRoot, 'packages/cli/dist/main.cjs');

function kyso(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'kyso-cli-help-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('help', () => {
  const commands = Object.keys(COMMANDS);

  it.each(commands)('kyso %s: --help, -h and `kyso help` with its name print its own help and exit 0', (name) => {
    const usageLine = `kyso ${name}`;
    for (const args of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
    ]) {
      const r = kyso(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout.startsWith(usageLine), args.join(' ')).toBe(true);
      expect(r.stdout).toContain('Exit codes:');
      expect(r.stderr).toBe('');
    }
  });

  it('--help wins over other arguments, even ones that would be errors', () => {
    const r = kyso(['sign', 'missing.pdf', '--bogus', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--level B-B|B-T|B-LT|B-LTA');
  });

  it('kyso serve create-key --help prints the serve help, which covers create-key', () => {
    const r = kyso(['serve', 'create-key', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kyso serve create-key --id ID --unit UNIT');
  });

  const subcommands = Object.entries(SUBCOMMANDS).flatMap(([name, subs]) => subs.map((sub) => [name, sub] as const));
  it.each(subcommands)(
    'kyso %s %s: --help and -h print the help of its command, which shows the subcommand',
    (name, sub) => {
      for (const flag of ['--help', '-h']) {
        const r = kyso([name, sub, flag]);
        expect(r.status, `${name} ${sub} ${flag}: ${r.stderr}`).toBe(0);
        expect(r.stdout.startsWith(`kyso ${name}`)).toBe(true);
        expect(r.stdout).toContain(`kyso ${name} ${sub}`);
        expect(r.stderr).toBe('');
      }
    },
  );

  it.each(Object.entries(SUBCOMMANDS).filter(([name]) => name !== 'serve'))(
    'kyso %s with an unknown subcommand: exit 64, naming the ones it takes',
    (name, subs) => {
      const r = kyso([name, 'bogus']);
      expect(r.status).toBe(64);
      for (const sub of subs) expect(r.stderr).toContain(sub);
      expect(r.stderr).toContain(`kyso help ${name}`);
    },
  );

  it('the general help lists every command', () => {
    const r = kyso(['help']);
    expect(r.status).toBe(0);
    for (const name of commands) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});

describe('typos and usage errors', () => {
  it('an unknown command suggests the one meant, in Vietnamese and English, exit 64', () => {
    const r = kyso(['verfy', 'x.pdf']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain("có phải ý bạn là 'verify'?");
    expect(r.stderr).toContain("did you mean 'verify'?");
  });

  it("an unknown option suggests the one meant, never Node's raw parse message", () => {
    const r = kyso(['sign', 'in.pdf', '--levle', 'B-T']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('did you mean --level?');
    expect(r.stderr).toContain('có phải ý bạn là --level?');
    expect(r.stderr).not.toMatch(/To specify a positional argument/);
  });

  it('an option without its value names the option', () => {
    const r = kyso(['verify', 'x.pdf', '--at']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('--at');
  });

  it('the Vietnamese line of a usage error carries no English detail', () => {
    const r = kyso(['inspect']);
    expect(r.status).toBe(64);
    const [viLine, enLine] = r.stderr.split('\n');
    expect(viLine).toBe('kyso: Lệnh dùng không đúng cú pháp.');
    expect(enLine).toContain('inspect takes exactly one FILE.pdf');
  });
});

describe('exit codes by family', () => {
  const pdf = join(fixturesDir, 'cairo.pdf');
  const p12 = (name: string) => join(repoRoot, 'test-certs', `${name}.p12`);

  it('65: the input is not a readable PDF', () => {
    const notPdf = join(tmp, 'not.pdf');
    writeFileSync(notPdf, 'plain text');
    expect(kyso(['inspect', notPdf]).status).toBe(EXIT.DATA);
    expect(kyso(['verify', notPdf]).status).toBe(EXIT.DATA);
  });

  it('66: an input that cannot be opened, with the message in both languages', () => {
    const r = kyso(['verify', join(tmp, 'absent.pdf')]);
    expect(r.status).toBe(EXIT.NO_INPUT);
    expect(r.stderr).toContain('không mở được tệp');
    expect(r.stderr).toContain('cannot open');
  });

  it('77: a wrong password; the password is not echoed', () => {
    const r = kyso(
      ['sign', pdf, '-o', join(tmp, 'o.pdf'), '--p12', p12('signer'), '--password-env', 'PW', '--revocation', 'off'],
      { PW: 'wrong-pass-42' },
    );
    expect(r.status).toBe(EXIT.NO_PERMISSION);
    expect(r.stderr).toContain('SIGN_BAD_PASSWORD');
    expect(r.stderr).not.toContain('wrong-pass-42');
  });

  it('69: the TSA does not answer', () => {
    const r = kyso(
      [
        'sign',
        pdf,
        '-o',
        join(tmp, 'o.pdf'),
        '--p12',
        p12('signer'),
        '--password-env',
        'PW',
        '--revocation',
        'off',
        '--level',
        'B-T',
        '--tsa',
        'http://127.0.0.1:9/',
      ],
      { PW: 'kyso-test' },
    );
    expect(r.status, r.stderr).toBe(EXIT.UNAVAILABLE);
    expect(r.stderr).toMatch(/TSA_/);
  });

  it('73: the output cannot be written, naming the output (not a temporary file)', () => {
    const out = join(tmp, 'no-such-dir', 'o.pdf');
    const r = kyso(['sign', pdf, '-o', out, '--p12', p12('signer'), '--password-env', 'PW', '--revocation', 'off'], {
      PW: 'kyso-test',
    });
    expect(r.status).toBe(EXIT.CANT_CREATE);
    expect(r.stderr).toContain(out);
    expect(r.stderr).not.toContain('.tmp');
  });

  it('64: fee numbers out of range are usage, not "not a readable PDF"', () => {
    expect(kyso(['fee', '--pages', '0']).status).toBe(EXIT.USAGE);
  });

  const paper = (db: string, key: string, pages = '2'): string[] => [
    'certify-paper',
    '--db',
    db,
    '--certifier',
    'Nguyễn Văn A',
    '--authority-id',
    'UBND-KB',
    '--authority-name',
    'UBND phường Kinh Bắc',
    '--original',
    'Bằng tốt nghiệp',
    '--pages',
    pages,
    '--idempotency-key',
    key,
    '--json',
  ];

  it('78: configuration — no tariff in force on the day asked, a service configuration that is not JSON', () => {
    const fee = kyso(['fee', '--pages', '1', '--date', '2000-01-01']);
    expect(fee.status).toBe(EXIT.CONFIG);
    expect(fee.stderr).toContain('FEE_NO_TARIFF');
    const config = join(tmp, 'bad-config.json');
    writeFileSync(config, '{not json');
    const serve = kyso(['serve', '--config', config]);
    expect(serve.status).toBe(EXIT.CONFIG);
    expect(serve.stderr).toContain('SERVICE_CONFIG_INVALID');
  });

  it('79: the register refuses by its state — an idempotency key reused for another request', () => {
    const db = join(tmp, 'conflict.db');
    expect(kyso(paper(db, 'HS-1')).status).toBe(EXIT.OK);
    expect(kyso(paper(db, 'HS-1')).status).toBe(EXIT.OK); // the same request again: a replay, not a conflict
    const r = kyso(paper(db, 'HS-1', '3'));
    expect(r.status).toBe(EXIT.CONFLICT);
    expect(r.stderr).toContain('REGISTER_IDEMPOTENCY_CONFLICT');
  });

  it('74: storage — a register file that is not a database', () => {
    const db = join(tmp, 'junk.db');
    writeFileSync(db, 'not a SQLite database '.repeat(20));
    const r = kyso(['register', 'list', '--db', db]);
    expect(r.status).toBe(EXIT.IO_ERROR);
    expect(r.stderr).toContain('REGISTER_OPEN_FAILED');
  });

  it('75: try again — the register held by another writer past the busy wait', () => {
    const db = join(tmp, 'busy.db');
    expect(kyso(paper(db, 'HS-1')).status).toBe(EXIT.OK);
    // Another process (this one) holds the write lock for the whole run of the command.
    const Database = createRequire(join(repoRoot, 'packages/core/package.json'))('better-sqlite3') as new (
      path: string,
    ) => { exec(sql: string): void; close(): void };
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = kyso(paper(db, 'HS-2'));
      expect(r.status, r.stderr).toBe(EXIT.TEMP_FAIL);
      expect(r.stderr).toContain('REGISTER_BUSY');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(kyso(paper(db, 'HS-2')).status).toBe(EXIT.OK); // and once free, the same request goes through
  });

  it('the family table maps each kind of typed error to its code', () => {
    expect(exitCodeFor('PDF_TRUNCATED')).toBe(65);
    expect(exitCodeFor('PDF_WRITE')).toBe(73);
    expect(exitCodeFor('SIGN_CERT_REVOKED')).toBe(77);
    expect(exitCodeFor('SIGN_CERT_EXPIRED')).toBe(77);
    expect(exitCodeFor('PKCS11_LOGIN_FAILED')).toBe(77);
    expect(exitCodeFor('TSA_UNREACHABLE')).toBe(69);
    expect(exitCodeFor('LTV_REVOCATION_UNAVAILABLE')).toBe(69);
    expect(exitCodeFor('REGISTER_BUSY')).toBe(75);
    expect(exitCodeFor('REGISTER_IDEMPOTENCY_CONFLICT')).toBe(79);
    expect(exitCodeFor('REGISTER_BOOK_CLOSED')).toBe(79);
    expect(exitCodeFor('SERVICE_CONFIG_INVALID')).toBe(78);
    expect(exitCodeFor('FEE_NO_TARIFF')).toBe(78);
    expect(exitCodeFor('FEE_BAD_PAGES')).toBe(64);
    expect(exitCodeFor('ECOPY_IMAGE_UNSUPPORTED')).toBe(65);
  });
});

describe('pnpm kyso from another folder', () => {
  it('resolves paths from the folder pnpm was started in, and pnpm -s keeps stdout pure JSON', () => {
    const dir = mkdtempSync(join(repoRoot, 'tests', '.kyso-cwd-'));
    try {
      writeFileSync(join(dir, 'here.pdf'), readFileSync(join(fixturesDir, 'cairo.pdf')));
      const r = spawnSync('pnpm', ['-s', 'kyso', 'inspect', 'here.pdf', '--json'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ file: 'here.pdf' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
