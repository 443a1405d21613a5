/**
 * A real `kyso serve` in a child process (the built CLI, `pnpm build` first), so that the test can read the
 * server's own memory from /proc/PID/status, and a few inputs that are heavy on purpose: the object-stream bomb
 * of issue 14 item 3, a PDF whose catalog parses into millions of objects (heap, not decoded bytes), and large
 * PNG scans that compress to almost nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import type { ServiceConfigInput } from '@kyso/server';
import {
  baseTestConfig,
  makeKeys,
  PASSWORD_ENV,
  type TestKeys,
} from '../../../packages/server/test/helpers/test-service.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.cjs', import.meta.url));

export interface ChildService {
  url: string;
  pid: number;
  keys: TestKeys;
  /** A /proc/PID/status figure in bytes: VmRSS now, VmHWM the peak since start. */
  memory(field: 'VmRSS' | 'VmHWM'): number;
  /** The nice value of each of the server's threads (/proc/PID/task/TID/stat). */
  threadNice(): number[];
  /** What the server wrote so far (log lines on stdout, the banner on stderr). */
  output(): string;
  stop(): Promise<void>;
}

export async function startChildService(config: Partial<ServiceConfigInput> = {}): Promise<ChildService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kyso-security-'));
  const { keys, entries } = makeKeys();
  const full: ServiceConfigInput = {
    ...baseTestConfig(dataDir, entries),
    logLevel: 'warn',
    signing: { revocation: 'off' },
    ...config,
  };
  const configFile = join(dataDir, 'kyso.json');
  writeFileSync(configFile, JSON.stringify(full, null, 2));
  const proc: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--config', configFile], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', [PASSWORD_ENV]: 'kyso-test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`kyso serve exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    url,
    pid: proc.pid!,
    keys,
    memory(field) {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      if (!m) throw new Error(`no ${field} in /proc/${proc.pid}/status`);
      return Number(m[1]) * 1024;
    },
    output: () => out + err,
    threadNice() {
      return readdirSync(`/proc/${proc.pid}/task`).map((tid) => {
        const stat = readFileSync(`/proc/${proc.pid}/task/${tid}/stat`, 'utf8');
        // after "pid (comm) ": state is field 3, nice field 19
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A PDF whose catalog (in an object stream) holds `arrays` empty arrays: a few kB that decode to 2 × `arrays`
 * bytes (well inside the decoded-bytes budget) and parse into `arrays` JavaScript objects — heap, which only the
 * workers' resourceLimits bound.
 */
export function heapBomb(arrays: number): Uint8Array {
  const catalog = `<</Type/Catalog/Pages 2 0 R/Junk[${'[]'.repeat(arrays)}]>>`;
  const objects = [catalog, '<</Type/Pages/Kids[3 0 R]/Count 1>>', '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>'];
  let header = '';
  let body = '';
  objects.forEach((o, i) => {
    header += `${i + 1} ${body.length} `;
    body += `${o}\n`;
  });
  const data = deflateSync(Buffer.from(header + '\n' + body, 'latin1'));
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n', 'latin1')];
  let length = parts[0].length;
  const push = (b: Buffer): void => {
    parts.push(b);
    length += b.length;
  };
  const stmOffset = length;
  push(
    Buffer.from(
      `4 0 obj\n<</Type/ObjStm/N 3/First ${(header + '\n').length}/Filter/FlateDecode/Length ${data.length}>>\nstream\n`,
      'latin1',
    ),
  );
  push(data);
  push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  const xrefOffset = length;
  const row = (t: number, a: number, b: number): Buffer => {
    const r = Buffer.alloc(7);
    r[0] = t;
    r.writeUInt32BE(a, 1);
    r.writeUInt16BE(b, 5);
    return r;
  };
  const table = Buffer.concat([
    row(0, 0, 0xffff),
    row(2, 4, 0),
    row(2, 4, 1),
    row(2, 4, 2),
    row(1, stmOffset, 0),
    row(1, xrefOffset, 0),
  ]);
  push(Buffer.from(`5 0 obj\n<</Type/XRef/Size 6/W[1 4 2]/Root 1 0 R/Length ${table.length}>>\nstream\n`, 'latin1'));
  push(table);
  push(Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts, length));
}

/** An RGB PNG of `width` × `height` plain pixels with one dark band: megapixels in a few tens of kB. */
export function flatPng(width: number, height: number, seed = 0): Uint8Array {
  const rowLen = 1 + width * 3;
  const raw = Buffer.alloc(rowLen * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * rowLen] = 0; // filter: none
  const band = Math.floor(height / 3) + seed;
  raw.fill(0x20, band * rowLen + 1, (band + 1) * rowLen);
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** The certification request of the tests, with `images` as the scan. */
export function certificationBody(idempotencyKey: string, images: Uint8Array[]): string {
  return JSON.stringify({
    idempotencyKey,
    certifierKey: 'signer',
    certifier: { basis: 'own-competence', title: 'PHÓ CHỦ TỊCH' },
    requester: { name: 'Nguyễn Văn A' },
    documentName: 'Giấy khai sinh',
    paperCopies: 0,
    scan: { images: images.map((i) => ({ data: Buffer.from(i).toString('base64'), dpi: 300 })) },
  });
}
