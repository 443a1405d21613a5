/** Types of serve.mjs (a plain ESM script so that node runs it without a TypeScript step). */
export function serveVerifyWeb(options?: {
  port?: number;
  root?: string;
}): Promise<{ url: string; close: () => Promise<void> }>;
/** `pnpm verify-web`'s port (8081): not the service's 8080. */
export const DEFAULT_PORT: number;
