/**
 * The minter's questions to the chain, asked without ethers' caches: the key's nonce, whether
 * the blocks holding our confirmed mints are still there, and where awards the contract knows
 * were minted.
 * @module
 */
import { toQuantity, type Contract, type JsonRpcProvider } from 'ethers';
import type { Confirmation, SettledTx } from './mint-log.ts';

type NewConfirmation = Omit<Confirmation, 'kind' | 'contract'>;

export class ChainLookup {
  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly contract: Contract,
  ) {}

  /** The key's transaction count: 'latest' counts mined ones, 'pending' the node's pool too. */
  async nonceOf(address: string, tag: 'latest' | 'pending'): Promise<number> {
    return Number(BigInt((await this.provider.send('eth_getTransactionCount', [address, tag])) as string));
  }

  /** Whether the chain's block at that height is the one with that hash. */
  async hasBlock(blockNumber: number, blockHash: string): Promise<boolean> {
    const block = (await this.provider.send('eth_getBlockByNumber', [toQuantity(blockNumber), false])) as { hash?: string } | null;
    return block?.hash?.toLowerCase() === blockHash;
  }

  /**
   * Confirmations whose block the chain no longer has (it restarted from an older state, or
   * reorganised). Walks from the newest block down and stops at the first block still there:
   * every block below it is then there too (each block hash commits to its parent).
   */
  async lostConfirmations(newestFirst: AsyncIterable<Confirmation>): Promise<Confirmation[]> {
    const lost: Confirmation[] = [];
    const verdicts = new Map<string, boolean>();
    let presentBlock: number | undefined;
    for await (const c of newestFirst) {
      if (presentBlock !== undefined && c.blockNumber < presentBlock) break;
      const key = `${c.blockNumber}:${c.blockHash}`;
      if (!verdicts.has(key)) verdicts.set(key, await this.hasBlock(c.blockNumber, c.blockHash));
      if (verdicts.get(key)) presentBlock = c.blockNumber;
      else lost.push(c);
    }
    return lost;
  }

  /**
   * Which of the awards the contract has minted, and in which transaction: first our own sent
   * transactions that carried them (`sentWith`), then the contract's AwardMinted events.
   */
  async findMints(awardIds: readonly string[], sentWith: (awardId: string) => Promise<readonly SettledTx[]>): Promise<{ onChain: Set<string>; confirmations: NewConfirmation[] }> {
    const flags = await Promise.all(awardIds.map((id) => this.contract.getFunction('awarded')('0x' + id) as Promise<boolean>));
    const onChain = new Set(awardIds.filter((_, i) => flags[i]));
    const confirmations: NewConfirmation[] = [];
    const located = new Set<string>();
    const record = (hash: string, blockNumber: number, blockHash: string, ids: string[], cost: { gasUsed?: string; gasPrice?: string } = {}) => {
      const fresh = ids.filter((id) => onChain.has(id) && !located.has(id));
      for (const id of fresh) located.add(id);
      if (fresh.length > 0) confirmations.push({ hash: hash.toLowerCase(), blockNumber, blockHash: blockHash.toLowerCase(), awardIds: fresh, ...cost });
    };
    const address = (await this.contract.getAddress()).toLowerCase();
    const event = this.contract.interface.getEvent('AwardMinted')!;
    for (const id of onChain) {
      for (const tx of await sentWith(id)) {
        if (located.has(id)) break;
        const receipt = await this.provider.getTransactionReceipt(tx.hash);
        if (receipt?.status !== 1) continue;
        const minted = receipt.logs.filter((l) => l.address.toLowerCase() === address && l.topics[0] === event.topicHash).map((l) => l.topics[1]!.slice(2));
        record(tx.hash, receipt.blockNumber, receipt.blockHash, minted, { gasUsed: receipt.gasUsed.toString(), gasPrice: receipt.gasPrice.toString() });
      }
    }
    const unlocated = [...onChain].filter((id) => !located.has(id));
    if (unlocated.length > 0) {
      // Not in any transaction of ours (another sender with this key?): ask the contract's
      // events. Hosted nodes may refuse so long a range; the awards then stay unlocated.
      const logs = await this.provider.getLogs({
        address,
        topics: [event.topicHash, unlocated.map((id) => '0x' + id)],
        fromBlock: 0,
        toBlock: 'latest',
      }).catch(() => []);
      for (const l of logs) record(l.transactionHash, l.blockNumber, l.blockHash, [l.topics[1]!.slice(2).toLowerCase()]);
    }
    return { onChain, confirmations };
  }
}

/** The contract's custom error in a refused call, if that is why it failed. */
export function revertOf(contract: Contract, e: unknown): { name: string; args: readonly unknown[] } | undefined {
  const err = e as { code?: string; data?: string; info?: { error?: { data?: string } } };
  const data = err.data ?? err.info?.error?.data;
  if (typeof data !== 'string' || data.length < 10) return undefined;
  try {
    const parsed = contract.interface.parseError(data);
    return parsed ? { name: parsed.name, args: [...parsed.args] } : undefined;
  } catch {
    return undefined;
  }
}
