/**
 * What `/economy` and the reconciliation read from GameAssets: a token's total supply
 * (`totalSupply(uint256)`, from OpenZeppelin's ERC1155Supply, where the deployed contract has
 * it), the emission caps and what was minted in each epoch, and the coin's mints and deposits
 * from its events. Events are read incrementally (each read takes the blocks since the last, in
 * chunks, so a long chain costs once), up to a block `confirmations` behind the head, so that
 * every figure of one reading is of the same block.
 * @module
 */
import { Contract, Interface, zeroPadValue, toBeHex, type Provider } from 'ethers';

/** The events read, by the shapes GameAssets declares (Deposited: from the deposit change; absent before it, then no log matches). */
const EVENTS = new Interface([
  'event AwardMinted(bytes32 indexed awardId, address indexed to, uint256 indexed id, uint256 amount, uint256 epoch)',
  'event Deposited(address indexed player, uint256 indexed id, uint256 amount)',
]);
const AWARD_MINTED = EVENTS.getEvent('AwardMinted')!.topicHash;
const DEPOSITED = EVENTS.getEvent('Deposited')!.topicHash;
/** Blocks per eth_getLogs call (public RPC endpoints refuse wide ranges). */
const LOG_CHUNK = 10_000;
const PENDING = { blockTag: 'pending' } as const;

/** Coin events summed from the first block up to `scannedTo`. */
export interface CoinEventSums {
  readonly scannedTo: number;
  /** Coins of every AwardMinted of the coin. */
  readonly minted: bigint;
  /** Coins of AwardMinted events whose award id is a court bond's. */
  readonly bonds: bigint;
  /** Coins burned by Deposited events of the coin. */
  readonly deposited: bigint;
}

export interface TokenCaps {
  readonly epochCap: bigint;
  readonly playerEpochCap: bigint;
}

export class ChainFigures {
  #sums: CoinEventSums = { scannedTo: -1, minted: 0n, bonds: 0n, deposited: 0n };
  /** mintedInEpoch of past epochs never changes: read once. key `${epoch}:${tokenId}` */
  readonly #pastMinted = new Map<string, bigint>();
  #epochLength: bigint | undefined;
  #reading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly contract: Contract,
    private readonly provider: Provider,
    private readonly coinTokenId: number,
    /** Award ids of the court bonds (fairness-deployment.ts bondAwardId), lowercase. */
    private readonly bondAwardIds: readonly string[],
    private readonly confirmations: number,
  ) {}

  /** Whether the contract's ABI has a function (the deployed code may still lack it: calls can revert). */
  has(signature: string): boolean {
    return this.contract.interface.getFunction(signature) !== null;
  }

  /** The block every figure of one reading is taken at: `confirmations` behind the head. */
  async settledBlock(): Promise<number> {
    return Math.max(0, (await this.provider.getBlockNumber()) - this.confirmations + 1);
  }

  /** A token's total supply at a block, or null where the contract has no totalSupply. */
  async totalSupply(tokenId: number, blockTag?: number): Promise<bigint | null> {
    if (!this.has('totalSupply(uint256)')) return null;
    try {
      return (await this.contract.getFunction('totalSupply(uint256)')(tokenId, blockTag === undefined ? {} : { blockTag })) as bigint;
    } catch (e) {
      // An ABI with totalSupply in front of an older deployment: the call reverts (no data).
      if ((e as { code?: string }).code === 'CALL_EXCEPTION') return null;
      throw e;
    }
  }

  /** The coin's events summed up to `toBlock`, reading only the blocks not read before; one reading at a time. */
  coinEvents(toBlock: number): Promise<CoinEventSums> {
    const read = this.#reading.then(() => this.#readCoinEvents(toBlock));
    this.#reading = read.catch(() => undefined);
    return read;
  }

  async #readCoinEvents(toBlock: number): Promise<CoinEventSums> {
    const coinTopic = zeroPadValue(toBeHex(this.coinTokenId), 32);
    const address = await this.contract.getAddress();
    const bonds = new Set(this.bondAwardIds.map((id) => id.toLowerCase()));
    let { scannedTo, minted, bonds: bonded, deposited } = this.#sums;
    while (scannedTo < toBlock) {
      const fromBlock = scannedTo + 1;
      const to = Math.min(toBlock, fromBlock + LOG_CHUNK - 1);
      const [mints, deposits] = await Promise.all([
        this.provider.getLogs({ address, fromBlock, toBlock: to, topics: [AWARD_MINTED, null, null, coinTopic] }),
        this.provider.getLogs({ address, fromBlock, toBlock: to, topics: [DEPOSITED, null, coinTopic] }),
      ]);
      for (const log of mints) {
        const amount = EVENTS.parseLog(log)!.args.getValue('amount') as bigint;
        minted += amount;
        if (bonds.has(log.topics[1]!.toLowerCase())) bonded += amount;
      }
      for (const log of deposits) deposited += EVENTS.parseLog(log)!.args.getValue('amount') as bigint;
      scannedTo = to;
      // Kept chunk by chunk: a reading cut short by its deadline is not read again.
      this.#sums = { scannedTo, minted, bonds: bonded, deposited };
    }
    return this.#sums;
  }

  /** The epoch now (at the pending block: an idle node's latest block may be from an epoch long gone). */
  async currentEpoch(): Promise<number> {
    return Number((await this.contract.getFunction('currentEpoch')(PENDING)) as bigint);
  }

  /** Seconds per epoch, as the contract has it. */
  async epochLength(): Promise<number> {
    this.#epochLength ??= (await this.contract.getFunction('epochLength')()) as bigint;
    return Number(this.#epochLength);
  }

  async caps(tokenId: number): Promise<TokenCaps | null> {
    const [exists, epochCap, playerEpochCap] = (await this.contract.getFunction('tokens')(tokenId)) as [boolean, bigint, bigint];
    return exists ? { epochCap, playerEpochCap } : null;
  }

  /** What was minted of a token in an epoch; past epochs are read once. */
  async mintedInEpoch(epoch: number, tokenId: number, current: number): Promise<bigint> {
    const key = `${epoch}:${tokenId}`;
    const known = this.#pastMinted.get(key);
    if (known !== undefined) return known;
    const minted = (await this.contract.getFunction('mintedInEpoch')(epoch, tokenId, PENDING)) as bigint;
    if (epoch < current) this.#pastMinted.set(key, minted);
    return minted;
  }
}

/** Rejects after `ms` so that a silent chain never holds a caller (the work itself goes on). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())]);
}
