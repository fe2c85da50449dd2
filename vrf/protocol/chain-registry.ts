/**
 * Reads the fairness registry (FAIRNESS.md section 7a) from any EVM chain's JSON-RPC with
 * ethers: every slot's entries in one call each (`RegistryEntries`, checked afterwards without
 * a call per receipt by `registry-check.ts`) and an anchor by its index. Runs in Node (the CLI)
 * and in the page's bundle alike. Errors say what is wrong: the RPC cannot be reached, nothing
 * is deployed at the address, or what is there does not answer as a registry.
 * @module
 */
import { Contract, JsonRpcProvider, Network, getAddress } from 'ethers';
import type { ChainAnchor } from './anchor-proof.ts';
import type { RegistryEntries, RegistryEntry } from './registry-check.ts';

/** The registry's views a verifier reads (human-readable ABI; the contract is `FairnessRegistry.sol`). */
export const REGISTRY_VIEWS = [
  'function changeDelay() view returns (uint64)',
  'function vrfKeyEntries() view returns (bytes8[] ids, uint64[] activeFrom)',
  'function signerEntries() view returns (address[] signers, uint64[] activeFrom)',
  'function rulesEntries(string game) view returns (bytes32[] hashes, uint64[] activeFrom)',
  'function vrfKey(bytes8 keyId) view returns (string suite, bytes publicKey, uint64 activeFrom)',
  'function anchorCount() view returns (uint256)',
  'function anchorAt(uint64 index) view returns (bytes32 root, uint64 timestamp, uint64 blockNumber, uint32 leafCount)',
] as const;

/** Why the registry could not be read: the message is meant for the person running the check. */
export class ChainRegistryError extends Error {}

const strip0x = (h: string): string => (h.startsWith('0x') ? h.slice(2) : h);

function entriesOf(values: readonly string[], activeFrom: readonly bigint[], form: (v: string) => string): RegistryEntry[] {
  if (values.length !== activeFrom.length) throw new ChainRegistryError('the registry returned lists of different lengths');
  return values.map((v, i) => ({ value: form(v), activeFrom: Number(activeFrom[i]!) }));
}

/** A fairness registry at `address`, reached through `rpcUrl`. */
export class ChainRegistry {
  private constructor(
    readonly address: string,
    readonly chainId: bigint,
    private readonly provider: JsonRpcProvider,
    private readonly contract: Contract,
  ) {}

  /**
   * Connects and checks that a contract is there. Throws ChainRegistryError when the address is
   * malformed, the RPC does not answer within `timeoutMs`, or no code is deployed at the address.
   */
  static async connect(rpcUrl: string, address: string, timeoutMs = 10_000): Promise<ChainRegistry> {
    const c = await connectDeployed(rpcUrl, address, 'registry', REGISTRY_VIEWS, timeoutMs);
    return new ChainRegistry(c.address, c.chainId, c.provider, c.contract);
  }

  /** Every entry of the signer and VRF key slots, and of the rules slot of each of `games`. */
  async entries(games: readonly string[]): Promise<RegistryEntries> {
    return this.#call('entries', async () => {
      const [delay, keys, signers] = await Promise.all([this.contract.getFunction('changeDelay')(), this.contract.getFunction('vrfKeyEntries')(), this.contract.getFunction('signerEntries')()]);
      const rules: Record<string, RegistryEntry[]> = Object.create(null) as Record<string, RegistryEntry[]>; // a game named __proto__ is a key like any other
      for (const game of games) {
        const [hashes, activeFrom] = await this.contract.getFunction('rulesEntries')(game);
        rules[game] = entriesOf(hashes, activeFrom, (h) => strip0x(h).toLowerCase());
      }
      const vrfKeys = entriesOf(keys[0], keys[1], (id) => strip0x(id).toLowerCase());
      // One call per key id (a handful in a registry's life): the verifier checks the public key itself.
      const vrfPublicKeys = Object.create(null) as Record<string, { suite: string; publicKey: string }>;
      for (const { value } of vrfKeys) {
        const [suite, publicKey] = (await this.contract.getFunction('vrfKey')('0x' + value)) as [string, string];
        vrfPublicKeys[value] = { suite, publicKey: strip0x(publicKey).toLowerCase() };
      }
      return {
        changeDelay: Number(delay),
        vrfKeys,
        vrfPublicKeys,
        signers: entriesOf(signers[0], signers[1], (a) => a.toLowerCase()),
        rules,
      };
    });
  }

  /** How many anchors the registry holds. */
  async anchorCount(): Promise<number> {
    return this.#call('anchorCount', async () => Number(await this.contract.getFunction('anchorCount')()));
  }

  /** The anchor of `index` as the registry holds it; throws when there is none (the call reverts). */
  async anchorAt(index: number): Promise<ChainAnchor> {
    return this.#call(`anchorAt(${index})`, async () => {
      const [root, timestamp, blockNumber, leafCount] = await this.contract.getFunction('anchorAt')(index);
      return { index, root: String(root).toLowerCase(), timestamp: Number(timestamp), blockNumber: Number(blockNumber), leafCount: Number(leafCount) };
    });
  }

  destroy(): void {
    this.provider.destroy();
  }

  async #call<T>(what: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (e instanceof ChainRegistryError) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'BAD_DATA' || code === 'CALL_EXCEPTION')
        throw new ChainRegistryError(`${this.address} on chain ${this.chainId} does not answer ${what} as a FairnessRegistry: ${(e as { shortMessage?: string }).shortMessage ?? (e as Error).message}`);
      throw new ChainRegistryError(`cannot read ${what} from the registry at ${this.address}: ${(e as { shortMessage?: string }).shortMessage ?? (e as Error).message}`);
    }
  }
}

/** A read-only contract at `address` through `rpcUrl`, with the chain's id and its provider (the caller destroys it). */
export interface DeployedContract {
  readonly address: string;
  readonly chainId: bigint;
  readonly provider: JsonRpcProvider;
  readonly contract: Contract;
}

/**
 * Connects to the contract `what` (a word for messages: "registry", "court") at `address` and
 * checks that code is deployed there. Throws ChainRegistryError when the address is malformed,
 * the RPC does not answer within `timeoutMs`, or no code is deployed at the address.
 */
export async function connectDeployed(rpcUrl: string, address: string, what: string, abi: readonly string[], timeoutMs: number): Promise<DeployedContract> {
  let checksummed: string;
  try {
    checksummed = getAddress(address);
  } catch {
    throw new ChainRegistryError(`the ${what} address ${JSON.stringify(address)} is not 0x and 40 hex digits`);
  }
  const chainId = await rpcChainId(rpcUrl, timeoutMs);
  // A fixed network: ethers would otherwise retry detecting it for ever when the RPC goes away.
  const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1 });
  let code: string;
  try {
    code = await provider.getCode(checksummed);
  } catch (e) {
    provider.destroy();
    throw new ChainRegistryError(`cannot read the code at ${checksummed} through ${rpcUrl}: ${(e as Error).message}`);
  }
  if (code === '0x') {
    provider.destroy();
    throw new ChainRegistryError(`no contract at ${checksummed} on chain ${chainId} (${rpcUrl}): check the ${what} address and the chain`);
  }
  return { address: checksummed, chainId, provider, contract: new Contract(checksummed, abi as string[], provider) };
}

/** eth_chainId with a deadline: the one call that tells whether the RPC is there at all. */
export async function rpcChainId(rpcUrl: string, timeoutMs: number): Promise<bigint> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new ChainRegistryError(`cannot reach the chain's RPC at ${rpcUrl}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as { result?: unknown } | undefined;
  if (!response.ok || typeof body?.result !== 'string' || !/^0x[0-9a-f]+$/i.test(body.result))
    throw new ChainRegistryError(`${rpcUrl} does not answer as an Ethereum JSON-RPC endpoint (eth_chainId: HTTP ${response.status})`);
  return BigInt(body.result);
}
