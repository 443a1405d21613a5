/**
 * Running the service as a process (`kyso serve`): configuration, a banner for people (on stderr, apart from the
 * JSON logs on stdout), and SIGTERM/SIGINT for a graceful stop.
 */
import { loadConfig } from './config/load.js';
import { startService, type RunningService } from './server.js';

export interface RunOptions {
  configFile?: string;
  port?: number;
  host?: string;
  /** Where the banner goes (default stderr). */
  say?: (line: string) => void;
}

/** Starts the service; resolves when it has stopped after a signal. */
export async function runService(options: RunOptions = {}): Promise<void> {
  const say = options.say ?? ((l: string) => process.stderr.write(l + '\n'));
  const loaded = loadConfig({ file: options.configFile, overrides: { port: options.port, host: options.host } });
  const running: RunningService = await startService(loaded);
  say(`kyso service listening on ${running.url}  (OpenAPI: ${running.url}/openapi.json)`);
  if (loaded.development) {
    say('*** DEVELOPMENT SETUP: test certificates from test-certs/, not for production ***');
    if (loaded.devApiKey) say(`*** development API key (shown once): ${loaded.devApiKey}`);
    else say('*** development API key: the value of KYSO_DEV_API_KEY');
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      say(`kyso service: ${signal}, stopping (requests in flight finish first)`);
      running.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
