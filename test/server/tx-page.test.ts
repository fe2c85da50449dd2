/**
 * GET /tx/:hash against a real server and its embedded chain: a cash-out's mint shown with its
 * block, status, gas and the decoded TransferSingle (the coins, from nobody to the player); a
 * malformed hash refused with 400 and an unknown one with 404, each in words; and a
 * TransferBatch decoded into one transfer per token.
 */
import { AbiCoder, hexlify, id as topicOf, randomBytes, zeroPadValue } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenTransfers } from '../../server/tx-page.ts';
import { CASH_OUT_TEST_ENV, winAndCashOut } from '../helpers/earn-coins.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: CASH_OUT_TEST_ENV });
});
afterAll(async () => {
  await server?.stop();
});

const text = async (path: string): Promise<{ status: number; type: string; body: string }> => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

describe('the transaction page', () => {
  it('shows a mint: block, status, gas used and the coins moved to the player', async () => {
    const player = await TestPlayer.join(server.url, { create: true });
    // Chips won over the bonus, cashed out: 2 coins minted to the player.
    await winAndCashOut(server.url, player, 2);
    type Awards = { awards: { status: string; txHash?: string; amount: number }[] };
    const { awards } = await waitFor(
      async () => {
        const answer = await getJson<Awards>(`${server.url}/players/${player.address}/awards`);
        return answer.awards.length > 0 && answer.awards.every((a) => a.status === 'minted') && answer;
      },
      { what: 'the cash-out minted' },
    );
    const award = awards[0]!;
    const page = await text(`/tx/${award.txHash}`);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    expect(page.body).toMatch(/<th scope="row">Block<\/th><td><code>\d+<\/code>/);
    expect(page.body).toContain('succeeded');
    expect(page.body).toMatch(/Gas used<\/th><td><code>[\d,]+ gas/);
    expect(page.body).toContain(`data-token-id="1" data-amount="${award.amount}"`);
    expect(page.body).toContain(`<code>${player.address}</code>`);
    expect(page.body).toContain('nobody (new tokens minted)');
    await player.room.leave();
  });

  it('refuses a malformed hash with 400 and an unknown one with 404, in words', async () => {
    const malformed = await text(`/tx/${encodeURIComponent('0x12<script>')}`);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain('A transaction hash is 0x followed by 64 hexadecimal digits; &#34;0x12&#60;script&#62;&#34; is not one.');
    expect(malformed.body).not.toContain('<script>');
    const unknown = hexlify(randomBytes(32));
    const missing = await text(`/tx/${unknown}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain(`The chain knows no transaction ${unknown}`);
  });

  it('decodes a TransferBatch into one transfer per token, and skips logs that are not transfers', () => {
    const [operator, from, to] = [hexlify(randomBytes(20)), hexlify(randomBytes(20)), hexlify(randomBytes(20))];
    const topic = (a: string) => zeroPadValue(a, 32);
    const batch = {
      address: '0x00000000000000000000000000000000000000aa',
      topics: [topicOf('TransferBatch(address,address,address,uint256[],uint256[])'), topic(operator), topic(from), topic(to)],
      data: AbiCoder.defaultAbiCoder().encode(['uint256[]', 'uint256[]'], [[1, 101], [7, 2]]),
    };
    const other = { address: batch.address, topics: [topicOf('Approval(address,address,uint256)')], data: '0x' };
    const transfers = tokenTransfers([other, batch]);
    expect(transfers.map((t) => [t.tokenId, t.amount, t.from.toLowerCase(), t.to.toLowerCase()])).toEqual([
      [1n, 7n, from, to],
      [101n, 2n, from, to],
    ]);
  });

  it('refuses to be framed by another site, as the game page does (clickjacking)', async () => {
    for (const path of ['/', '/verify', `/tx/0x${'ab'.repeat(32)}`]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('content-security-policy'), path).toBe("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });
});
