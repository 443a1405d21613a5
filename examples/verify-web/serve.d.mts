/** Types of serve.mjs (a plain ESM script so that node runs it without a TypeScript step). */
export function serveVerifyWeb(options?: { port?: number; root?: string }): Promise<{ url: string; close: () => Promise<void> }>;
