/**
 * What the desk books through the built `kyso` (issue 15 items 2, 5, 6): the authority is its unit code, so a new
 * seal certificate (after a commune merger) continues the year's numbering; a title is printed by default; paper-only
 * requests with several originals take the next numbers of the same book with one fee; RSASSA-PSS on request; the
 * default level with a TSA is B-LTA and the JSON carries the evidence the register keeps. Run `pnpm build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteRegister } from '@kyso/core/register-sqlite';
import { datedPki } from '../packages/verify/test/helpers/dated-pki.js';
import { repoRoot } from './helpers/producers.js';
import { startTsa, type TsaServer } from './helpers/pki-servers.js';
import { run, scratch } from './helpers/tools.js';
import { scanPng } from '../packages/core/test/fixtures/ecopy/scans.js';

const tmp = scratch('kyso-certify-desk-');
const CLI = join(repoRoot, 'packages/cli/dist/main.cjs');
const certs = (f: string) => join(repoRoot, 'test-certs', f);
const UNIT = 'xa-27280';
let tsa: TsaServer;
let page: string;
let newSeal: string;

beforeAll(async () => {
  tsa = await startTsa();
  page = tmp.file('page.png', scanPng(620, 877, { dpi: 75, seed: 5 }));
  // The seal re-issued after the merger: another certificate, with no organisation (O) at all.
  const day = 86_400_000;
  const pki = datedPki({
    root: [new Date(Date.now() - day), new Date(Date.now() + 3650 * day)],
    leaf: [new Date(Date.now() - day), new Date(Date.now() + 365 * day)],
    leafName: 'Ủy ban nhân dân phường Kinh Bắc mới',
  });
  newSeal = tmp.file('new-seal.p12', pki.p12);
  process.env.KYSO_NEW_SEAL_PW = pki.password;
});
afterAll(async () => {
  await tsa?.stop();
  tmp.cleanup();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function kyso(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('KYSO_') || k === 'KYSO_NEW_SEAL_PW'),
    );
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        encoding: 'utf8',
        env: { ...clean, KYSO_PW: 'kyso-test', KYSO_FETCH_ALLOW_HOSTS: '127.0.0.1:39601,127.0.0.1:39602', ...env },
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let n = 0;
const fresh = () => ({ db: tmp.file(`reg-${++n}.sqlite`), out: tmp.file(`ecopy-${n}.pdf`) });
const ecopyArgs = (db: string, out: string, extra: string[] = []) => [
  'certify',
  '--scan',
  page,
  '--paper-copies',
  '0',
  '-o',
  out,
  '--db',
  db,
  '--certifier-p12',
  certs('signer.p12'),
  '--password-env',
  'KYSO_PW',
  '--revocation',
  'off',
  '--json',
  ...extra,
];
const oldSeal = ['--authority-p12', certs('seal.p12')];

function text(path: string): string {
  const r = run('pdftotext', [path, '-']);
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('the authority is its unit code', () => {
  it("a new seal certificate and a new name continue the year's numbering in the same book; without a code and with no authority yet it is a usage error", async () => {
    const { db, out } = fresh();
    const none = await kyso(ecopyArgs(db, out, oldSeal));
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('--authority-id');

    const first = await kyso(
      ecopyArgs(db, out, [...oldSeal, '--authority-id', UNIT, '--authority-name', 'Ủy ban nhân dân phường Kinh Bắc']),
    );
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ number: 1, authority: UNIT });

    // After the merger: the new seal (another certificate, no O), the new name, the same unit code from the environment.
    const out2 = tmp.file('after-merger.pdf');
    const second = await kyso(
      ecopyArgs(db, out2, [
        '--authority-p12',
        newSeal,
        '--authority-password-env',
        'KYSO_NEW_SEAL_PW',
        '--authority-name',
        'Ủy ban nhân dân phường Kinh Bắc Mới',
      ]),
      { KYSO_AUTHORITY_ID: UNIT },
    );
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ number: 2, authority: UNIT });
    expect(text(out2)).toContain('Ủy ban nhân dân phường Kinh Bắc Mới');

    // Neither flag nor environment: the register's only authority.
    const third = await kyso(
      ecopyArgs(db, tmp.file('third.pdf'), [
        '--authority-p12',
        newSeal,
        '--authority-password-env',
        'KYSO_NEW_SEAL_PW',
      ]),
    );
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ number: 3, authority: UNIT });

    const reg = openSqliteRegister(db);
    try {
      expect((await reg.listAuthorities()).map((a) => [a.id, a.name])).toEqual([
        [UNIT, 'Ủy ban nhân dân phường Kinh Bắc Mới'],
      ]);
      expect((await reg.listEntries({ authorityId: UNIT })).map((e) => e.seqNo)).toEqual([1, 2, 3]);
    } finally {
      await reg.close();
    }
  });
});

describe('the title, the level, the scheme', () => {
  it('a title is printed by default (configured, else by basis); with --tsa the copy is B-LTA with its evidence in the JSON; --pss signs with RSASSA-PSS', async () => {
    const { db, out } = fresh();
    const configured = await kyso(
      ecopyArgs(db, out, [
        ...oldSeal,
        '--authority-id',
        UNIT,
        '--authority-name',
        'Ủy ban nhân dân phường Kinh Bắc',
        '--tsa',
        tsa.url,
        '--pss',
      ]),
      {
        KYSO_CERTIFIER_TITLE: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH',
      },
    );
    expect(configured.code, configured.stderr).toBe(0);
    const rep = JSON.parse(configured.stdout);
    expect(rep.certifier.title).toBe('CÔNG CHỨC TƯ PHÁP - HỘ TỊCH');
    expect(rep.level).toBe('B-LTA');
    expect(rep.signingEvidence.dss.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(text(out)).toContain('CÔNG CHỨC TƯ PHÁP - HỘ TỊCH');
    // RSASSA-PSS (OID 1.2.840.113549.1.1.10) is the signature algorithm of the two CMS signatures.
    const pdf = Buffer.from(readFileSync(out)).toString('latin1').toUpperCase();
    expect(pdf.split('06092A864886F70D01010A').length - 1).toBeGreaterThanOrEqual(2);

    const byBasis = await kyso(ecopyArgs(db, tmp.file('basis.pdf'), [...oldSeal, '--certifier-basis', 'assigned']));
    expect(byBasis.code, byBasis.stderr).toBe(0);
    expect(JSON.parse(byBasis.stdout)).toMatchObject({
      number: 2,
      level: 'B-B',
      certifier: { title: 'CÔNG CHỨC TƯ PHÁP - HỘ TỊCH', basis: 'assigned' },
    });
    const plain = Buffer.from(readFileSync(tmp.file('basis.pdf')))
      .toString('latin1')
      .toUpperCase();
    expect(plain).not.toContain('06092A864886F70D01010A');

    expect((await kyso(ecopyArgs(db, tmp.file('x.pdf'), [...oldSeal, '--level', 'B-LT']))).code).toBe(64); // B-LT needs --tsa
    expect((await kyso(ecopyArgs(db, tmp.file('x.pdf'), [...oldSeal, '--rsa-scheme', 'rsa-oaep']))).code).toBe(64);
  });
});

describe('kyso certify-paper', () => {
  it('several originals, each its own number after the e-copies in the same book, one fee (a card one page whatever its sides); a retry gives the same numbers', async () => {
    const { db, out } = fresh();
    const e = await kyso(
      ecopyArgs(db, out, [...oldSeal, '--authority-id', UNIT, '--authority-name', 'Ủy ban nhân dân phường Kinh Bắc']),
    );
    expect(e.code, e.stderr).toBe(0);
    const args = [
      'certify-paper',
      '--db',
      db,
      '--certifier',
      'Nguyễn Thị Lấp Lánh Ánh',
      '--requester',
      'Trần Văn Bình',
      '--json',
      '--idempotency-key',
      'ho-so-42',
      '--original',
      'Căn cước công dân',
      '--card',
      '--copies',
      '2',
      '--original',
      'Quyết định giao đất',
      '--pages',
      '3',
      '--copies',
      '1',
    ];
    const paper = await kyso(args);
    expect(paper.code, paper.stderr).toBe(0);
    const rep = JSON.parse(paper.stdout);
    expect(rep).toMatchObject({
      state: 'issued',
      resumed: false,
      authority: UNIT,
      certifier: { title: 'CHỦ TỊCH', basis: 'own-competence' },
    });
    expect(
      rep.entries.map((x: { number: number; document: string; pages: number; paperCopies: number }) => [
        x.number,
        x.document,
        x.pages,
        x.paperCopies,
      ]),
    ).toEqual([
      [2, 'Căn cước công dân', 1, 2],
      [3, 'Quyết định giao đất', 3, 1],
    ]);
    expect(rep.fee.total).toBe(9_000);

    const again = await kyso(args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true, entries: [{ number: 2 }, { number: 3 }] });

    const human = await kyso(args.filter((a) => a !== '--json'));
    expect(human.stdout).toContain('Số chứng thực / Number: 2 quyển số');
    expect(human.stdout).toContain('Phí / Fee: 9.000');

    expect(
      (await kyso(['certify-paper', '--db', db, '--certifier', 'A', '--pages', '2', '--original', 'B'])).code,
    ).toBe(64);
    expect((await kyso(['certify-paper', '--db', db, '--certifier', 'A', '--original', 'B'])).code).toBe(64);
    expect(
      (await kyso(['certify-paper', '--db', db, '--certifier', 'A', '--original', 'B', '--pages', '0'])).code,
    ).toBe(64);
  });
});
