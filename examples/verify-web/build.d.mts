/** Types of build.mjs (a plain ESM script so that node runs it without a TypeScript step). */
export function buildVerifyWeb(options?: {
  outdir?: string;
  entry?: string;
  minify?: boolean;
}): Promise<{ outfile: string; bytes: number; inputs: string[] }>;
