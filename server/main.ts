/**
 * `npm start` (after building the browser client if it is stale): runs the game server with
 * the configuration from the environment, and stops it
 * cleanly on SIGINT or SIGTERM (rooms closed, unrevealed draws voided and refunded, journals
 * flushed).
 */
import { startServer } from './app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';

const config = (() => {
  try {
    return loadConfig();
  } catch (e) {
    console.error(`fairplay: ${(e as Error).message}`);
    process.exit(2);
  }
})();
const log = createLogger({ level: config.logLevel });

try {
  const server = await startServer(config, log, (reason) => {
    // Another process may already be doing this one's work: stop writing now, not gracefully.
    log.fatal(reason);
    process.exit(70);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  log.fatal({ err }, 'fairplay failed to start');
  process.exit(1);
}
