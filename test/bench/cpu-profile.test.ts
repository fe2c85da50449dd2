/** The CPU profile reader of the bench's main-thread breakdown: categories and shares of self time. */
import { describe, expect, it } from 'vitest';
import { categoryOf, profileShares, type CpuProfile } from './cpu-profile.ts';

describe('cpu-profile', () => {
  it('puts a sampled function in its category by its script', () => {
    expect(categoryOf('sign', 'file:///x/node_modules/ethers/lib.esm/crypto/signing-key.js')).toBe('receipt signing (secp256k1)');
    expect(categoryOf('mul', 'file:///x/node_modules/@noble/curves/esm/abstract/weierstrass.js')).toBe('receipt signing (secp256k1)');
    expect(categoryOf('wasm-function[42]', 'wasm://wasm/0f2a9b3e')).toBe('receipt signing (secp256k1)');
    expect(categoryOf('encode', 'file:///x/node_modules/@colyseus/schema/build/index.mjs')).toBe('Colyseus patches and messages');
    expect(categoryOf('append', 'file:///x/server/fairness/room-journal.ts')).toBe('journaling');
    expect(categoryOf('keccak', 'file:///x/node_modules/@noble/hashes/esm/sha3.js')).toBe('hashing and canonical JSON');
    expect(categoryOf('(garbage collector)', '')).toBe('GC');
    expect(categoryOf('(idle)', '')).toBeUndefined();
    expect(categoryOf('onMessage', 'file:///x/games/dice/room.ts')).toBe('other');
  });

  it('sums self time by category over busy time, leaving idle out', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '' } },
        { id: 2, callFrame: { functionName: '(garbage collector)', url: '' } },
        { id: 3, callFrame: { functionName: 'sign', url: 'file:///n/ethers/lib.esm/crypto/signing-key.js' } },
      ],
      // Sample i's delta is the time since sample i-1: 2 ran 100 us, 3 ran 300 us, 1 (idle) 1000 us.
      samples: [2, 3, 1, 2],
      timeDeltas: [0, 100, 300, 1000],
    };
    const shares = profileShares(profile);
    expect(shares.GC).toBeCloseTo(0.25);
    expect(shares['receipt signing (secp256k1)']).toBeCloseTo(0.75);
    expect(shares.other).toBe(0);
  });

  it('refuses a profile with no busy time', () => {
    expect(() => profileShares({ nodes: [{ id: 1, callFrame: { functionName: '(idle)', url: '' } }], samples: [1, 1], timeDeltas: [0, 5] })).toThrow(/no busy samples/);
  });
});
