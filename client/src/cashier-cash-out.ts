/**
 * "Cash out N coins": `POST /economy/cash-out` with a sign-in token, `{ coins, requestId }`. Each
 * click gets a fresh requestId, kept in this browser until the server answers, so that a click
 * whose answer was lost is sent again as the same request, which the server answers without
 * paying twice. The coins are then minted to the player like any award (the inventory shows them).
 * @module
 */
import type { Session } from './session.ts';
import { signIn } from './sign-in.ts';

const KEY = 'fairplay.cashout.pending';

/** A cash-out sent and not yet answered. */
export interface PendingCashOut {
  readonly address: string;
  readonly coins: number;
  readonly requestId: string;
}

/** The server's answer to a cash-out. */
export type CashOutAnswer = { readonly ok: true; readonly awardId: string; readonly coins: number; readonly status: string } | { readonly ok: false; readonly error: string };

/** The unanswered cash-out of `address`, if one is kept. */
export function pendingCashOut(address: string): PendingCashOut | undefined {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? 'null') as PendingCashOut | null;
    return kept && kept.address.toLowerCase() === address.toLowerCase() && typeof kept.requestId === 'string' && Number.isSafeInteger(kept.coins) ? kept : undefined;
  } catch {
    return undefined;
  }
}

/** A new cash-out request of `coins`, kept until answered. */
export function newCashOut(address: string, coins: number): PendingCashOut {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const request = { address, coins, requestId: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('') };
  localStorage.setItem(KEY, JSON.stringify(request));
  return request;
}

/**
 * Sends `request`; forgets it once the server answered (paid or refused). Throws, keeping it,
 * when no answer came: the next click sends the same request again.
 */
export async function sendCashOut(session: Session, request: PendingCashOut): Promise<CashOutAnswer> {
  const token = await signIn(session.signer);
  const res = await fetch('/economy/cash-out', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ coins: request.coins, requestId: request.requestId }),
  });
  const body = (await res.json().catch(() => ({}))) as { awardId?: string; coins?: number; status?: string; error?: string };
  if (res.status >= 500 || res.status === 429) throw new Error(`the server could not answer (HTTP ${res.status})`);
  localStorage.removeItem(KEY);
  if (res.ok) return { ok: true, awardId: String(body.awardId), coins: Number(body.coins), status: String(body.status) };
  return { ok: false, error: body.error ?? `HTTP ${res.status}` };
}
