/**
 * A player as tests drive one: an Ethereum wallet that signs in with SIWE and plays dice through
 * the real `@colyseus/sdk` over WebSockets, checking nothing itself (tests do).
 */
import { Client, type Room } from '@colyseus/sdk';
import { Wallet } from 'ethers';
import { buildSignInMessage } from '../../server/auth/siwe-message.ts';
import { encodeSignInToken } from '../../server/auth/room-auth.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';

export interface FairnessParams {
  suite: string;
  keyId: string;
  publicKey: string;
  receiptSigner: string;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A signed-in token for this wallet, fresh nonce from the server. */
export async function signInToken(baseUrl: string, wallet: Wallet, tamper?: { domain?: string }): Promise<string> {
  const { nonce, domain, uri } = await getJson<{ nonce: string; domain: string; uri: string }>(`${baseUrl}/auth/nonce`);
  const message = buildSignInMessage({ domain: tamper?.domain ?? domain, uri, address: wallet.address, nonce });
  return encodeSignInToken(message, await wallet.signMessage(message));
}

export interface Message {
  type: string;
  body: any;
}

export class TestPlayer {
  readonly inbox: Message[] = [];
  #waiters: { type: string; pred: (b: any) => boolean; resolve: (b: any) => void }[] = [];

  private constructor(
    readonly wallet: Wallet,
    readonly room: Room,
  ) {
    for (const type of ['receipt', 'outcome', 'error', 'void']) room.onMessage(type, (body) => this.#deliver(type, body));
  }

  static async join(baseUrl: string, opts: { wallet?: Wallet; roomId?: string; token?: string; create?: boolean } = {}): Promise<TestPlayer> {
    const wallet = opts.wallet ?? (Wallet.createRandom() as unknown as Wallet);
    const client = new Client(baseUrl);
    client.auth.token = opts.token ?? (await signInToken(baseUrl, wallet));
    const room = opts.create ? await client.create('dice') : opts.roomId ? await client.joinById(opts.roomId) : await client.joinOrCreate('dice');
    return new TestPlayer(wallet, room);
  }

  get address(): string {
    return this.wallet.address;
  }

  next(type: string, pred: (b: any) => boolean = () => true, timeoutMs = 15_000): Promise<any> {
    const i = this.inbox.findIndex((m) => m.type === type && pred(m.body));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!.body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ type, pred, resolve: (b) => (clearTimeout(timer), resolve(b)) });
    });
  }

  /** Places a bet and returns its receipt and the seed to reveal. */
  async bet(bet: { stake: number; target: number; direction: 'under' | 'over' }): Promise<{ receipt: any; seed: string }> {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    this.room.send('bet', { ...bet, commitment });
    const receipt = await this.next('receipt', (r) => r.commitments[0] === commitment);
    return { receipt, seed };
  }

  async reveal(drawSeq: number, seed: string): Promise<any> {
    this.room.send('reveal', { drawSeq, seed });
    return this.next('outcome', (o) => o.record.drawSeq === drawSeq);
  }

  #deliver(type: string, body: any): void {
    const w = this.#waiters.findIndex((x) => x.type === type && x.pred(body));
    if (w >= 0) this.#waiters.splice(w, 1)[0]!.resolve(body);
    else this.inbox.push({ type, body });
  }
}
