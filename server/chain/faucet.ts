/**
 * `POST /chain/fund`: a little of the embedded node's ether for a signed-in player, so that a
 * browser key (which starts with none) can pay the gas of its own transactions, such as taking a
 * voided draw to the reveal court. Only on the embedded chain (404 elsewhere: on a public chain
 * players bring their own ether), at most once per address per day, never more than `FAUCET_WEI`
 * a payment, and counted under the `expensive` rate limit bucket (limits/rate-limited-server.ts).
 *
 * The player proves the address with a sign-in token (`Authorization: Bearer <token>`, the one
 * rooms take, its nonce spent whatever the outcome). The payment comes from a faucet key of its
 * own, made at start and given ether with `anvil_setBalance`: the minter's key keeps its nonces
 * to itself, so a payment never races an award mint. Payments are sent one at a time (one nonce
 * sequence), and the address is marked paid before the first await, so concurrent requests for
 * one address pay once. The day's payments are kept in `DATA_DIR/chain/faucet.json`, so a
 * restart does not pay again.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { ServerError } from '@colyseus/core';
import { getAddress, Wallet, type JsonRpcProvider } from 'ethers';
import type { Application, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { authenticatePlayer } from '../auth/room-auth.ts';
import { writeJsonRecord } from './record-file.ts';

export const FAUCET_PATH = '/chain/fund';
/** How long an address waits between two payments. */
export const FAUCET_PERIOD_MS = 24 * 60 * 60 * 1000;
/** What the faucet key is topped up to when it runs low: a thousand payments of the default. */
const TOP_UP_PAYMENTS = 1000n;

export interface FaucetOptions {
  /** Whether the server runs the node itself: the faucet exists only then. */
  readonly embedded: boolean;
  readonly provider: JsonRpcProvider;
  /** Wei per payment (`FAUCET_WEI`); 0 turns the faucet off. */
  readonly amountWei: bigint;
  /** Where the day's payments are kept. */
  readonly recordFile: string;
  readonly log: Logger;
}

const PaidSchema = z.record(z.string(), z.number().int().nonnegative());

export class Faucet {
  readonly #key = Wallet.createRandom();
  /** Address (EIP-55) → when it was paid (ms); marked before sending, removed if the send fails. */
  #paid: Map<string, number> | undefined;
  /** Payments one after another: one nonce sequence. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FaucetOptions) {}

  get enabled(): boolean {
    return this.options.embedded && this.options.amountWei > 0n;
  }

  /** Pays `address` once per period: the transaction, or why not (`retryAfterSeconds` when it was paid already). */
  async fund(address: string): Promise<{ txHash: string; amountWei: bigint } | { refused: string; retryAfterSeconds: number }> {
    const to = getAddress(address);
    const paid = await this.#payments();
    const now = Date.now();
    const last = paid.get(to);
    if (last !== undefined && now - last < FAUCET_PERIOD_MS)
      return { refused: `${to} was funded at ${new Date(last).toISOString()}: once a day`, retryAfterSeconds: Math.ceil((last + FAUCET_PERIOD_MS - now) / 1000) };
    paid.set(to, now); // before any await: a concurrent request for this address is refused above
    try {
      const txHash = await this.#serially(() => this.#send(to));
      await this.#save();
      return { txHash, amountWei: this.options.amountWei };
    } catch (e) {
      paid.delete(to);
      this.options.log.warn({ err: (e as Error).message, to }, 'a faucet payment failed');
      throw e;
    }
  }

  async #send(to: string): Promise<string> {
    const { provider, amountWei } = this.options;
    const wallet = this.#key.connect(provider);
    // The node's ether is the server's to hand out: the faucet key is topped up when it runs low.
    if ((await provider.getBalance(wallet.address)) < amountWei * 2n)
      await provider.send('anvil_setBalance', [wallet.address, `0x${(amountWei * TOP_UP_PAYMENTS + 10n ** 18n).toString(16)}`]);
    const tx = await wallet.sendTransaction({ to, value: amountWei });
    const receipt = await tx.wait(1, 60_000);
    if (!receipt || receipt.status !== 1) throw new Error(`the payment ${tx.hash} failed on chain`);
    return tx.hash;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #payments(): Promise<Map<string, number>> {
    if (this.#paid) return this.#paid;
    let stored: Record<string, number> = {};
    try {
      stored = PaidSchema.parse(JSON.parse(await readFile(this.options.recordFile, 'utf8')));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.options.log.warn({ err: (e as Error).message }, 'the faucet record is unreadable: starting afresh');
    }
    // Two requests may have read the file at once: the first map read stays the one in use.
    this.#paid ??= new Map(Object.entries(stored));
    return this.#paid;
  }

  /** Keeps the payments of the last period only (atomic replace). */
  async #save(): Promise<void> {
    const paid = await this.#payments();
    const now = Date.now();
    for (const [address, at] of paid) if (now - at >= FAUCET_PERIOD_MS) paid.delete(address);
    await writeJsonRecord(this.options.recordFile, Object.fromEntries(paid));
  }
}

/** The bearer token of a request, if it has one. */
function bearer(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

export function installFaucet(app: Application, faucet: Faucet): void {
  app.post(FAUCET_PATH, async (req: Request, res: Response) => {
    if (!faucet.enabled) return void res.status(404).json({ error: 'no faucet here: this server does not run its own chain (or FAUCET_WEI is 0); bring your own ether' });
    let address: string;
    try {
      address = (await authenticatePlayer(bearer(req))).address;
    } catch (e) {
      if (e instanceof ServerError) return void res.status(e.code).json({ error: e.message });
      throw e;
    }
    try {
      const paid = await faucet.fund(address);
      if ('refused' in paid) return void res.status(429).set('Retry-After', String(paid.retryAfterSeconds)).json({ error: paid.refused, retryAfterSeconds: paid.retryAfterSeconds });
      res.json({ address, amountWei: paid.amountWei.toString(), txHash: paid.txHash });
    } catch {
      // The node's error names its socket: the server's business.
      res.status(503).json({ error: 'the chain did not take the payment; try again later' });
    }
  });
}
