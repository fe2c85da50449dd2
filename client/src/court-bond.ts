/**
 * The reveal court's bond as the page sees it (FAIRNESS.md section 10): the coins the court holds
 * to pay its cases, of which `reserved()` stands behind cases revealed and not yet answered or
 * claimed, and `freeBond()` is what is left once an announced withdrawal is also set aside. Read
 * through the server's JSON-RPC endpoint (`/fairness` chain.rpcUrl), as the registry is.
 *
 * Before revealing a seed to the room, the page asks `revealRefusal`: a draw whose maxPayout is
 * more than the bond has free could not be paid by the court if the server withheld its outcome,
 * so the seed stays secret (the room then voids the draw and gives the stake back).
 *
 * Loaded on a dynamic import, so the page's first bundle does not carry the contract code.
 * @module
 */
import { Contract, JsonRpcProvider } from 'ethers';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { addressOf, type Fairness } from './api.ts';
import type { CourtChain } from './court-actions.ts';

/** The court's bond views (spec: RevealCourt). */
export const COURT_BOND_ABI = ['function freeBond() view returns (uint256)', 'function reserved() view returns (uint256)', 'function withdrawDelay() view returns (uint64)'] as const;

/** Coins, as the court counts them (GameAssets token 1, whole coins). */
export interface CourtBond {
  /** What a new reveal can still count on: the bond less what open cases reserve and an announced withdrawal. */
  readonly free: bigint;
  /** Set aside for the cases revealed and not yet answered or claimed. */
  readonly reserved: bigint;
  /** Seconds between announcing a withdrawal of bond and making it. */
  readonly withdrawDelay: bigint;
}

/** The court's bond now. Throws when the chain does not answer. */
export async function readCourtBond(chain: CourtChain): Promise<CourtBond> {
  const provider = new JsonRpcProvider(chain.rpcUrl, Number(chain.chainId), { staticNetwork: true, batchMaxCount: 1 });
  try {
    const court = new Contract(chain.court, COURT_BOND_ABI, provider);
    const [free, reserved, withdrawDelay] = (await Promise.all(['freeBond', 'reserved', 'withdrawDelay'].map((f) => court.getFunction(f)()))) as [bigint, bigint, bigint];
    return { free, reserved, withdrawDelay };
  } finally {
    provider.destroy();
  }
}

/** The court /fairness publishes, as the page reaches it; undefined when the server publishes none. */
export function courtChain(keys: Fairness): CourtChain | undefined {
  const court = addressOf(keys.chain.court);
  return court ? { rpcUrl: keys.chain.rpcUrl, chainId: keys.chain.chainId, court } : undefined;
}

const WITHHELD = 'so this page keeps its seed secret: the room will void the draw and give the stake back';

/**
 * Why the page must not reveal its seed to this receipt, as far as the court goes, or undefined:
 * the court's free bond is less than the receipt's maxPayout, or cannot be read, or the court's
 * withdrawal delay is shorter than the receipt's time to go to the court (a withdrawal announced
 * after this check could then take the bond before the player's reveal there). A draw the court
 * does not take (more than one player, or nothing it could pay) and a server that publishes no
 * court are not checked here.
 */
export async function revealRefusal(keys: Fairness, receipt: ReceiptRecord): Promise<string | undefined> {
  const chain = courtChain(keys);
  const maxPayout = receipt.maxPayout ?? 0;
  if (!chain || receipt.players.length !== 1 || maxPayout === 0) return undefined;
  let bond: CourtBond;
  try {
    bond = await readCourtBond(chain);
  } catch (e) {
    return `the reveal court's bond could not be read (${(e as Error).message.slice(0, 200)}), ${WITHHELD}`;
  }
  const window = BigInt(Math.ceil(((receipt.revealDeadline ?? 0) - receipt.issuedAt) / 1000));
  if (bond.withdrawDelay < window)
    return `the reveal court lets its bond be withdrawn ${bond.withdrawDelay} s after an announcement, less than the ${window} s this receipt gives to go to the court: the bond could leave before the deadline, ${WITHHELD}`;
  if (bond.free >= BigInt(maxPayout)) return undefined;
  return `the reveal court has only ${bond.free} coins of bond free, less than the ${maxPayout} coins this draw could pay: if the server withheld the outcome, the court could not pay it, ${WITHHELD}`;
}
