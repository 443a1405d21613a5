/** Runs the real PDF tools (qpdf, poppler, mupdf) the interop tests rely on. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: Uint8Array): ToolResult {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch directory removed by the returned cleanup. */
export function scratch(prefix = 'kyso-'): {
  dir: string;
  file: (name: string, bytes?: Uint8Array) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, bytes) => {
      const p = join(dir, name);
      if (bytes) writeFileSync(p, bytes);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `qpdf --check`: exit 0 means no errors or warnings; 3 means warnings only. */
export function qpdfCheck(path: string): ToolResult {
  return run('qpdf', ['--check', path]);
}

export function pdfsig(path: string, args: string[] = []): ToolResult {
  return run('pdfsig', [...args, path]);
}

export function pdfinfo(path: string): ToolResult {
  return run('pdfinfo', [path]);
}
