/**
 * What `GET /auth/nonce` answers: a nonce under the client's quota, or the refusal a 429 carries
 * (with when to retry) when the client, or the whole store, holds too many unused nonces.
 * @module
 */
import { NonceQuotaExceeded } from './nonce-store.ts';
import type { SignInService } from './siwe.ts';

export type NonceAnswer = Awaited<ReturnType<SignInService['issueNonce']>> | { refused: string; retryAfterSeconds: number };

/** `client`: the key the rate limits count the client under (`server/limits/client-ip.ts`). */
export async function issueNonceFor(signIn: SignInService, client: string): Promise<NonceAnswer> {
  try {
    return await signIn.issueNonce(client);
  } catch (e) {
    if (!(e instanceof NonceQuotaExceeded)) throw e;
    return { refused: e.message, retryAfterSeconds: Math.max(1, Math.ceil(e.retryAfterMs / 1000)) };
  }
}
