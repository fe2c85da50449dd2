/**
 * A test file's server that plays the cheating operator (FAIRPLAY_TEST_WITHHOLD, server/court/
 * test-withhold.ts), started before its tests and stopped after them, and its embedded node, as
 * the test's own provider: the IPC socket in the server's data directory.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import type { TestWithhold } from '../../server/court/test-withhold.ts';
import { startServerProcess, timeoutWithStarts, type ServerProcess } from './server-process.ts';

/** Registers the file's beforeAll/afterAll; `started` receives the server and the provider. */
export function withholdingServer(mode: TestWithhold, started: (server: ServerProcess, provider: IpcJsonRpcProvider) => void): void {
  let server: ServerProcess | undefined;
  let provider: IpcJsonRpcProvider | undefined;
  beforeAll(async () => {
    server = await startServerProcess({ env: { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: mode } });
    provider = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
    started(server, provider);
  }, timeoutWithStarts(1, 0));
  afterAll(async () => {
    provider?.destroy();
    await server?.stop();
  });
}
