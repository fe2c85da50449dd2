/**
 * A player as tests drive one: an Ethereum wallet that signs in with SIWE, delegating to a fresh
 * session key that signs its draw requests (protocol v2), and plays dice through the real
 * `@colyseus/sdk` over WebSockets, checking nothing itself (tests do).
 */
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { Client, type Room } from '@colyseus/sdk';
import { Wallet, type HDNodeWallet } from 'ethers';
import { buildSignInMessage, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';
import { signDrawRequest, type TypedDataSigner } from '../../vrf/protocol/authorization.ts';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import type { OutcomeMessage } from '../../server/fairness/room-transcript.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { Transcript } from '../../vrf/protocol/transcript.ts';
import { waitFor } from './wait-for.ts';

export interface FairnessParams {
  suite: string;
  keyId: string;
  publicKey: string;
  receiptSigner: string;
}

/** What the dice room sends, by message type (FAIRNESS.md section 6). */
export interface DiceMessages {
  receipt: ReceiptRecord & { hash: string };
  /** `payout` in units. */
  outcome: OutcomeMessage & { record: { result: { roll: number; win: boolean; payout: number } } };
  error: { code: string; message: string; drawSeq?: number };
  void: { drawSeq: number; reason: string; record: HashedRecord };
}
type MessageType = keyof DiceMessages;
type Pending = { [K in MessageType]: { type: K; pred: (b: DiceMessages[K]) => boolean; resolve: (b: DiceMessages[K]) => void } }[MessageType];

/** A room's transcript once it ends with its close record (the room was filed as finished). */
export async function closedTranscript(baseUrl: string, roomId: string): Promise<Transcript> {
  return waitFor(
    async () => {
      const t = await getJson<Transcript>(`${baseUrl}/rooms/${roomId}/transcript`);
      return t.records.at(-1)?.type === 'close' ? t : undefined;
    },
    { what: `room ${roomId} to close` },
  );
}

/** A draw as `GET /players/:address/draws` lists it. */
export interface ListedDraw {
  roomId: string;
  drawSeq: number;
  receiptSeq: number;
  receiptHash: string;
  game: string;
  kind: string;
  issuedAt: number;
  status: 'open' | 'settled' | 'void';
  endSeq?: number;
  endHash?: string;
}

/** Every draw of the address, read `limit` at a time until a page's `next` is null. */
export async function playerDraws(baseUrl: string, address: string, limit = 2): Promise<ListedDraw[]> {
  const draws: ListedDraw[] = [];
  for (let after: string | null | undefined, pages = 0; after !== null; pages++) {
    const page = await getJson<{ draws: ListedDraw[]; next: string | null }>(`${baseUrl}/players/${address}/draws?limit=${limit}${after ? `&after=${after}` : ''}`);
    if (page.draws.length > limit) throw new Error(`a page of ${page.draws.length} draws, above the limit of ${limit}`);
    if (pages > 1000) throw new Error('more than 1000 pages');
    draws.push(...page.draws);
    after = page.next;
  }
  return draws;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A signed-in token for this wallet, fresh nonce from the server; with `sessionKey`, the message
 * delegates draw requests to it. Without one, the wallet itself must sign its draws.
 */
export async function signInToken(baseUrl: string, wallet: Wallet | HDNodeWallet, opts: { domain?: string; sessionKey?: string; chainId?: number } = {}): Promise<string> {
  const { nonce, domain, uri, chainId } = await getJson<{ nonce: string; domain: string; uri: string; chainId: number }>(`${baseUrl}/auth/nonce`);
  const message = buildSignInMessage({ domain: opts.domain ?? domain, uri, chainId: opts.chainId ?? chainId, address: wallet.address, nonce, ...(opts.sessionKey ? { sessionKey: opts.sessionKey } : {}) });
  return encodeSignInToken(message, await wallet.signMessage(message));
}

/** A token delegating to a fresh session key, and that key (which signs the player's draws). */
export async function sessionSignIn(baseUrl: string, wallet: Wallet | HDNodeWallet): Promise<{ token: string; sessionKey: HDNodeWallet }> {
  const sessionKey = Wallet.createRandom();
  return { token: await signInToken(baseUrl, wallet, { sessionKey: sessionKey.address }), sessionKey };
}

/**
 * The `authorization` of a draw-opening message: `signer`'s EIP-712 DrawRequest signature, under
 * the game's published default rules unless `rules` names others (a server with its own edge).
 */
export function authorize(signer: TypedDataSigner, roomId: string, game: string, kind: string, action: JsonValue, commitment: string, rules?: string): Promise<string> {
  return signDrawRequest(signer, { roomId, game, kind, action, commitment, rulesHash: rules ?? rulesHash(PUBLISHED_RULES[game]!) });
}

/** The hash of the rules a server serves `game` under, from /fairness. */
export async function servedRulesHash(baseUrl: string, game: string): Promise<string> {
  const f = await getJson<{ games: Record<string, { rulesHash: string }> }>(`${baseUrl}/fairness`);
  return f.games[game]!.rulesHash;
}

export class TestPlayer {
  readonly inbox: { [K in MessageType]: { type: K; body: DiceMessages[K] } }[MessageType][] = [];
  #waiters: Pending[] = [];

  private constructor(
    readonly wallet: Wallet | HDNodeWallet,
    readonly room: Room,
    /** Signs this player's draw requests: the session key its sign-in delegated to, or the wallet. */
    readonly drawSigner: TypedDataSigner,
    /** The hash of the dice rules the server serves (/fairness): every bet signs for it. */
    readonly rulesHash: string,
  ) {
    for (const type of ['receipt', 'outcome', 'error', 'void'] as const) room.onMessage(type, (body) => this.#deliver(type, body));
  }

  /** Joins dice, signing in with a fresh session key; a given `token` (which names none) leaves the wallet to sign the draws. */
  static async join(
    baseUrl: string,
    opts: { wallet?: Wallet | HDNodeWallet; roomId?: string; token?: string; create?: boolean } = {},
  ): Promise<TestPlayer> {
    const wallet = opts.wallet ?? Wallet.createRandom();
    const client = new Client(baseUrl);
    const signIn = opts.token ? { token: opts.token, sessionKey: wallet } : await sessionSignIn(baseUrl, wallet);
    client.auth.token = signIn.token;
    const rules = await servedRulesHash(baseUrl, 'dice');
    const room = opts.create ? await client.create('dice') : opts.roomId ? await client.joinById(opts.roomId) : await client.joinOrCreate('dice');
    return new TestPlayer(wallet, room, signIn.sessionKey, rules);
  }

  get address(): string {
    return this.wallet.address;
  }

  /** The next message of this type that satisfies `pred` (from the inbox, or when it arrives). */
  next<K extends MessageType>(type: K, pred: (b: DiceMessages[K]) => boolean = () => true, timeoutMs = 15_000): Promise<DiceMessages[K]> {
    const i = this.inbox.findIndex((m) => m.type === type && pred(m.body as DiceMessages[K]));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!.body as DiceMessages[K]);
    return new Promise((resolve, reject) => {
      const waiter = { type, pred, resolve: (b: DiceMessages[K]) => (clearTimeout(timer), resolve(b)) } as unknown as Pending;
      // A waiter that timed out must not swallow a later message meant for someone else.
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Places a bet (`stake` in units, `games/chips.ts`) and returns its receipt and the seed to reveal. */
  async bet(bet: { stake: number; target: number; direction: 'under' | 'over' }): Promise<{ receipt: DiceMessages['receipt']; seed: string }> {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    const action = { stake: bet.stake, target: bet.target, direction: bet.direction };
    const authorization = await authorize(this.drawSigner, this.room.roomId, 'dice', 'roll', action, commitment, this.rulesHash);
    this.room.send('bet', { ...bet, commitment, authorization });
    const receipt = await this.next('receipt', (r) => r.commitments[0] === commitment);
    return { receipt, seed };
  }

  /**
   * Places a bet on a given commitment (a used one, say): its receipt, or the server's refusal
   * if it names the commitment. Read from the inbox, so no waiter is left behind for a later bet.
   */
  async betOn(commitment: string, bet: { stake: number; target: number; direction: 'under' | 'over' } = { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' }): Promise<{ receipt?: DiceMessages['receipt']; error?: DiceMessages['error'] & { commitment: string } }> {
    const action = { stake: bet.stake, target: bet.target, direction: bet.direction };
    this.room.send('bet', { ...bet, commitment, authorization: await authorize(this.drawSigner, this.room.roomId, 'dice', 'roll', action, commitment, this.rulesHash) });
    const answer = await waitFor(
      () => {
        const i = this.inbox.findIndex((m) => (m.type === 'receipt' && m.body.commitments[0] === commitment) || (m.type === 'error' && (m.body as { commitment?: string }).commitment === commitment));
        return i >= 0 && this.inbox.splice(i, 1)[0]!;
      },
      { what: `an answer to the bet on ${commitment}`, interval: 20 },
    );
    return answer.type === 'receipt' ? { receipt: answer.body as DiceMessages['receipt'] } : { error: answer.body as DiceMessages['error'] & { commitment: string } };
  }

  reveal(drawSeq: number, seed: string): Promise<DiceMessages['outcome']> {
    this.room.send('reveal', { drawSeq, seed });
    return this.next('outcome', (o) => o.record.drawSeq === drawSeq);
  }

  #deliver<K extends MessageType>(type: K, body: DiceMessages[K]): void {
    const w = this.#waiters.findIndex((x) => x.type === type && (x.pred as (b: DiceMessages[K]) => boolean)(body));
    if (w >= 0) (this.#waiters.splice(w, 1)[0]!.resolve as (b: DiceMessages[K]) => void)(body);
    else this.inbox.push({ type, body } as TestPlayer['inbox'][number]);
  }
}
