/**
 * The chain endpoint's guards on their own: each method's parameter rules (rpc-params.ts) and
 * the bound on requests at the node at once (rpc-limiter.ts), against a relay that answers when
 * the test says so.
 */
import { describe, expect, it } from 'vitest';
import type { RpcAnswer } from '../../server/chain/ipc-rpc.ts';
import { limitConcurrency, RelayBusyError } from '../../server/chain/rpc-limiter.ts';
import { CALL_GAS_CAP, checkParams, logRange, LogFilter } from '../../server/chain/rpc-params.ts';

const TO = '0x1111111111111111111111111111111111111111';

describe('checkParams', () => {
  it('refuses state and block overrides, gas above the cap, and unknown transaction fields', () => {
    const override = checkParams('eth_call', [{ to: TO, gas: '0xffffffffffff' }, 'latest', { [TO]: { code: '0x5b600056' } }]);
    expect(override).toMatchObject({ ok: false, reason: expect.stringContaining('state and block overrides') });
    expect(checkParams('eth_estimateGas', [{ to: TO }, 'latest', {}, {}])).toMatchObject({ ok: false });
    expect(checkParams('eth_call', [{ to: TO, gas: '0xffffffffffff' }, 'latest'])).toMatchObject({ ok: false, reason: expect.stringContaining(`gas at most ${CALL_GAS_CAP}`) });
    expect(checkParams('eth_call', [{ to: TO, stateOverride: {} }])).toMatchObject({ ok: false });
    expect(checkParams('eth_call', { to: TO })).toEqual({ ok: false, reason: 'params must be an array' });
  });

  it('passes a call with its block, filling in the cap as its gas when it names none', () => {
    expect(checkParams('eth_call', [{ to: TO, data: '0x00' }, 'latest'])).toEqual({ ok: true, params: [{ to: TO, data: '0x00', gas: `0x${CALL_GAS_CAP.toString(16)}` }, 'latest'] });
    expect(checkParams('eth_call', [{ to: TO, gas: '0x5208' }])).toEqual({ ok: true, params: [{ to: TO, gas: '0x5208' }] });
    expect(checkParams('eth_blockNumber', undefined)).toEqual({ ok: true, params: [] });
    expect(checkParams('eth_blockNumber', [1])).toMatchObject({ ok: false });
  });

  it('bounds log filters: a hash or a range, not both; the range measured against the head', () => {
    expect(checkParams('eth_getLogs', [{ blockHash: `0x${'ab'.repeat(32)}`, fromBlock: '0x1' }])).toMatchObject({ ok: false, reason: expect.stringContaining('blockHash excludes') });
    expect(checkParams('eth_getLogs', [{ address: Array.from({ length: 21 }, () => TO) }])).toMatchObject({ ok: false });
    expect(checkParams('eth_getLogs', [{ topics: [null, null, null, null, null] }])).toMatchObject({ ok: false });
    expect(logRange(LogFilter.parse({ fromBlock: '0x0', toBlock: '0x4e20' }), 5n)).toBe(20_001n);
    expect(logRange(LogFilter.parse({ fromBlock: 'earliest' }), 99n)).toBe(100n);
    expect(logRange(LogFilter.parse({}), 99n)).toBe(1n);
  });
});

describe('limitConcurrency', () => {
  it('holds at most the bound at the node, queues the next ones, and refuses past the queue', async () => {
    const waiting: (() => void)[] = [];
    let atNode = 0;
    let most = 0;
    const relay = {
      forward: () =>
        new Promise<RpcAnswer>((resolve) => {
          most = Math.max(most, ++atNode);
          waiting.push(() => (atNode--, resolve({ result: '0x1' })));
        }),
      close() {},
    };
    const limited = limitConcurrency(relay, 2, 3);
    const calls = Array.from({ length: 6 }, () => limited.forward('eth_blockNumber', []).then((a) => a, (e: unknown) => e));
    expect(await calls[5]).toBeInstanceOf(RelayBusyError);
    expect(waiting.length).toBe(2);
    while (waiting.length > 0 || atNode > 0) {
      waiting.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(calls.slice(0, 5))).toEqual(Array.from({ length: 5 }, () => ({ result: '0x1' })));
    expect(most).toBe(2);
  });
});
