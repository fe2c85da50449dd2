/**
 * What `GET /auth/nonce` answers: a nonce under the client's quota, or the refusal a 429 carries
 * (with when to retry) when the client, or the whole store, holds too many unused nonces.
 * @module
 */
import { clientKey } from './client-key.ts';
import { NonceQuotaExceeded } from './nonce-store.ts';
import type { SignInService } from './siwe.ts';

export type NonceAnswer = Awaited<ReturnType<SignInService['issueNonce']>> | { refused: string; retryAfterSeconds: number };

/** `address`: the connecting address (express `req.ip`). */
export async function issueNonceFor(signIn: SignInService, address: string | undefined): Promise<NonceAnswer> {
  try {
    return await signIn.issueNonce(clientKey(address));
  } catch (e) {
    if (!(e instanceof NonceQuotaExceeded)) throw e;
    return { refused: e.message, retryAfterSeconds: Math.max(1, Math.ceil(e.retryAfterMs / 1000)) };
  }
}
