/**
 * A dice player for crash tests: remembers every receipt and outcome the server told it, and
 * gives up waiting (instead of timing out) once its connection is gone.
 */
import { randomBytes } from 'node:crypto';
import { Client, type Room } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { HDNodeWallet } from 'ethers';
import { authorize, servedRulesHash, sessionSignIn } from './player.ts';

/** A dice bet; `stake` in units (`games/chips.ts`). */
export type Bet = { stake: number; target: number; direction: 'under' | 'over' };

export class Gambler {
  readonly receipts: any[] = [];
  readonly outcomes: any[] = [];
  readonly #waiters = new Set<{ match: (type: string, body: any) => boolean; resolve: (v: { type: string; body: any }) => void; reject: (e: Error) => void }>();
  #gone: Error | undefined;

  private constructor(
    readonly wallet: Wallet,
    readonly room: Room,
    /** Signs the draw requests: the session key this sign-in delegated to. */
    readonly sessionKey: HDNodeWallet,
    readonly rulesHash: string,
  ) {
    // After a kill the SDK would retry for a minute; these players just stop.
    room.reconnection.enabled = false;
    for (const type of ['receipt', 'outcome', 'error', 'void']) room.onMessage(type, (body) => this.#deliver(type, body));
    room.onLeave((code) => this.#abort(new Error(`left the room (${code})`)));
  }

  static async enter(url: string, wallet: Wallet, roomId?: string): Promise<Gambler> {
    const client = new Client(url);
    const { token, sessionKey } = await sessionSignIn(url, wallet);
    client.auth.token = token;
    const rules = await servedRulesHash(url, 'dice');
    return new Gambler(wallet, roomId ? await client.joinById(roomId) : await client.create('dice'), sessionKey, rules);
  }

  get address(): string {
    return this.wallet.address;
  }

  /** Places a bet; its receipt and seed, or the server's refusal. */
  async bet(bet: Bet): Promise<{ receipt: any; seed: string } | { refused: string }> {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    const action = { stake: bet.stake, target: bet.target, direction: bet.direction };
    this.room.send('bet', { ...bet, commitment, authorization: await authorize(this.sessionKey, this.room.roomId, 'dice', 'roll', action, commitment, this.rulesHash) });
    const { type, body } = await this.#wait((t, b) => (t === 'receipt' && b.commitments[0] === commitment) || (t === 'error' && !String(b.code).startsWith('reveal-')));
    return type === 'receipt' ? { receipt: body, seed } : { refused: String(body.code) };
  }

  /** Sends the seed without waiting for anything. */
  reveal(drawSeq: number, seed: string): void {
    this.room.send('reveal', { drawSeq, seed });
  }

  async outcome(drawSeq: number): Promise<any> {
    const { type, body } = await this.#wait((t, b) => (t === 'outcome' && b.record.drawSeq === drawSeq) || (t === 'error' && b.drawSeq === drawSeq));
    if (type === 'error') throw new Error(`reveal of draw ${drawSeq} refused: ${body.code} ${body.message}`);
    return body;
  }

  #wait(match: (type: string, body: any) => boolean): Promise<{ type: string; body: any }> {
    if (this.#gone) return Promise.reject(this.#gone);
    return new Promise((resolve, reject) => this.#waiters.add({ match, resolve, reject }));
  }

  #deliver(type: string, body: any): void {
    if (type === 'receipt') this.receipts.push(body);
    if (type === 'outcome') this.outcomes.push(body);
    for (const w of this.#waiters)
      if (w.match(type, body)) {
        this.#waiters.delete(w);
        return w.resolve({ type, body });
      }
  }

  #abort(error: Error): void {
    this.#gone = error;
    for (const w of this.#waiters) w.reject(error);
    this.#waiters.clear();
  }
}

/**
 * A wallet from 32 random bytes: not Wallet.createRandom(), which derives a BIP-39 mnemonic and an
 * HD path, tens of milliseconds of blocked event loop per wallet (test/server/hostile.test.ts).
 */
export function randomWallet(): Wallet {
  return new Wallet('0x' + randomBytes(32).toString('hex'));
}
