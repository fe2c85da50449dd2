/**
 * The economy's player routes from a test: `POST /economy/cash-out` with a fresh sign-in token,
 * `GET /players/:address/chips`, the awards route's view of an award, and a stand-in for a
 * deposit credited (a `deposit` chip entry written through the ledger on the server's database,
 * as the deposit watcher writes it) for tests of cash-outs that are not about deposits.
 */
import type { HDNodeWallet, Wallet } from 'ethers';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { ChipLedger } from '../../server/chips/chip-ledger.ts';
import { openDatabase } from '../../server/db/database.ts';
import type { ChipsAnswer } from '../../server/economy/chips-answer.ts';
import { getJson, signInToken } from './player.ts';
import { serverPlace } from './server-database.ts';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Posts `body` (JSON-encoded unless a string) to the cash-out route, signed in as `wallet` unless a token is given (null: none). */
export async function cashOut(url: string, wallet: Wallet | HDNodeWallet, body: unknown, token?: string | null): Promise<Answer> {
  const bearer = token === null ? undefined : (token ?? (await signInToken(url, wallet)));
  const res = await fetch(`${url}/economy/cash-out`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

export function chipsOf(url: string, address: string): Promise<ChipsAnswer> {
  return getJson<ChipsAnswer>(`${url}/players/${address}/chips`);
}

export interface AwardView {
  readonly awardId: string;
  readonly tokenId: number;
  readonly amount: number;
  readonly status: string;
  readonly source: { readonly roomId: string };
}

/** The address's awards with their status, and its token balances on chain (the awards route). */
export function awardsOf(url: string, address: string): Promise<{ awards: AwardView[]; balances: Record<string, string> | null }> {
  return getJson(`${url}/players/${address}/awards`);
}

/** Credits `coins` deposited to `address` on the database of the server on `dataDir` (what the deposit watcher does). */
export async function creditDeposit(dataDir: string, address: string, coins: number, id: string): Promise<void> {
  const place = await serverPlace(dataDir);
  const database = await openDatabase(place);
  try {
    const ledger = await ChipLedger.open(database, 0);
    await ledger.apply([{ ref: `deposit/test:${id}`, address, delta: coins * UNITS_PER_CHIP, reason: 'deposit' }]);
    await ledger.close();
  } finally {
    await database.close();
  }
}
