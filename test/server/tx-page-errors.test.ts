/**
 * GET /tx/:hash when the chain fails: the page says so in words and shows nothing of the error
 * itself, since ethers' messages name the request URL and an operator's RPC URL may hold an API key.
 * The handler is driven with a provider that fails as ethers does against a refusing endpoint.
 */
import { FetchRequest, JsonRpcProvider } from 'ethers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { serveTxPage } from '../../server/tx-page.ts';

describe('the transaction page when the chain fails', () => {
  it('answers 503 in words without the RPC URL or its key', async () => {
    // An RPC endpoint that refuses every call with 401, as a provider with a wrong or expired key does.
    const rpc = createServer((_req, res) => void res.writeHead(401).end('unauthorized'));
    await new Promise<void>((r) => rpc.listen(0, '127.0.0.1', r));
    const secret = 'SECRET-API-KEY-0123456789';
    const rpcUrl = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}/v3/${secret}`;
    const provider = new JsonRpcProvider(new FetchRequest(rpcUrl), 1, { staticNetwork: true });
    // The error ethers gives here names the URL: what must not reach the page.
    const thrown = await provider.getTransaction(`0x${'ab'.repeat(32)}`).then(() => '', (e: Error) => e.message);
    expect(thrown).toContain(secret);
    const app = express();
    app.get('/tx/:hash', serveTxPage(provider, '0x' + '00'.repeat(20)));
    const web = app.listen(0, '127.0.0.1');
    await new Promise((r) => web.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(web.address() as AddressInfo).port}/tx/0x${'ab'.repeat(32)}`);
      const body = await res.text();
      expect(res.status).toBe(503);
      expect(body).toContain('The chain did not answer');
      expect(body).not.toContain(secret);
      expect(body).not.toContain('/v3/');
    } finally {
      provider.destroy();
      web.close();
      rpc.close();
    }
  });
});
