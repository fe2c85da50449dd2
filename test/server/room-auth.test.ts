/**
 * One join request, one sign-in: Colyseus calls onAuth again on each of its seat-reservation
 * retries (up to five, when a room fills under a burst) with the same request context, and the
 * token's nonce is spent on the first. Tries of one request share its verdict; another request
 * with the same token is a replay and is refused.
 */
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../server/auth/room-auth.ts';
import { SignInService } from '../../server/auth/siwe.ts';
import { provideServices, type GameServices } from '../../server/services.ts';
import { buildSignInMessage, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';

const DOMAIN = 'play.example';
const URI = 'https://play.example';
let signIn: SignInService;

beforeAll(() => {
  signIn = new SignInService({ domain: DOMAIN, uri: URI, chainId: 1, nonceTtlMs: 60_000 });
  // Only the sign-in service is used on this path.
  provideServices({ signIn } as unknown as GameServices);
});
afterAll(() => provideServices(undefined));

async function token(wallet: Wallet): Promise<string> {
  const { nonce } = await signIn.issueNonce('127.0.0.1');
  const message = buildSignInMessage({ domain: DOMAIN, uri: URI, address: wallet.address, nonce });
  return encodeSignInToken(message, await wallet.signMessage(message));
}

describe('room sign-in across a request\'s retries', () => {
  it('admits every try of one request, and refuses the same token in another request', async () => {
    const wallet = new Wallet('0x' + '42'.repeat(32));
    const t = await token(wallet);
    const request = {};
    const tries = await Promise.all([authenticateRequest(t, request), authenticateRequest(t, request)]);
    expect(await authenticateRequest(t, request)).toEqual(tries[0]);
    expect(tries.map((a) => a.address)).toEqual([wallet.address, wallet.address]);
    await expect(authenticateRequest(t, {})).rejects.toThrow(/sign-in refused \(nonce\)/);
  });
});
