/**
 * The browser client carries no server code: the page, /verify and both workers bundle for a
 * browser with nothing from server/, no Node built-in and not the server's SIWE parser (the
 * page builds the sign-in message with vrf/protocol/sign-in-message.ts).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['client/src/app.ts', 'client/src/verify-page.ts', 'client/src/verify.worker.ts', 'client/src/transcript.worker.ts'];

describe('the browser bundle', () => {
  it.each(ENTRIES)('%s has nothing of the server', async (entry) => {
    const result = await build({ entryPoints: [entry], absWorkingDir: root, bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('server/') || i.includes('node_modules/siwe/') || i.startsWith('node:'))).toEqual([]);
    expect(inputs.some((i) => i.startsWith('client/') || i.startsWith('vrf/'))).toBe(true);
  });
});
