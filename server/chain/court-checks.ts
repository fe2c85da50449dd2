/**
 * What the server checks of a reveal court before it signs receipts that promise its payouts
 * (FAIRNESS.md section 10): that the court is bound to the server's registry, GameAssets and coin
 * (else a receipt's promise is paid by a court that checks other signers, or in another token:
 * refused), and that its withdrawal delay leaves a player time (one shorter than the reveal window
 * lets the bond leave before a receipt's player could reveal: warned; a short answer window is
 * warned of by app.ts, against MIN_COURT_ANSWER_SECONDS). And the earlier courts
 * it answers at: every court left behind that could still take a receipt it signed (receipts
 * name no court), so that nobody claims there what the server would have answered.
 * @module
 */
import { Contract, type Provider } from 'ethers';
import type { Logger } from 'pino';
import { readArtifact } from './artifact.ts';

/** What a court must be bound to. */
export interface CourtBinding {
  readonly registry: string;
  readonly gameAssets: string;
  readonly coinTokenId: number;
}

/** The bindings of `court` that differ from `want`, as "name is X, not Y" (empty when genuine). */
export async function bindingMismatches(court: Contract, want: CourtBinding): Promise<string[]> {
  const read = async (name: string) => String(await court.getFunction(name)()).toLowerCase();
  const expected: [string, string][] = [
    ['registry', want.registry.toLowerCase()],
    ['assets', want.gameAssets.toLowerCase()],
    ['coinTokenId', String(want.coinTokenId)],
  ];
  const wrong: string[] = [];
  for (const [name, value] of expected) {
    const got = await read(name);
    if (got !== value) wrong.push(`${name}() is ${got}, not ${value}`);
  }
  return wrong;
}

/** Warns when the court's withdrawal delay is shorter than the reveal window; returns whether it did. */
export async function warnCourtTerms(court: Contract, revealWindowSeconds: number, log: Logger): Promise<boolean> {
  const withdrawDelay = Number(await court.getFunction('withdrawDelay')());
  if (withdrawDelay >= revealWindowSeconds) return false;
  log.warn(
    { court: await court.getAddress(), withdrawDelay, revealWindowSeconds },
    "the reveal court's withdrawal delay is shorter than REVEAL_COURT_WINDOW_SECONDS: its admin can take the bond before a receipt's player may reveal (lower REVEAL_COURT_WINDOW_SECONDS, or use a court with a longer delay)",
  );
  return true;
}

/** Whether a deployed court is of the bonded version: the earlier, minting one had no `withdrawDelay()` (its call reverts). */
export async function isBondedCourt(court: Contract): Promise<boolean> {
  try {
    await court.getFunction('withdrawDelay')();
    return true;
  } catch {
    return false;
  }
}

/** The earlier courts: all of them (for /fairness), and those the server answers at. */
export interface EarlierCourts {
  readonly all: readonly string[];
  /** The bonded ones: a minting court without its minter role pays no claim, and takes another answer. */
  readonly answered: readonly string[];
}

/**
 * Checks the earlier courts (from the deployment record and EARLIER_COURT_ADDRESSES): each must
 * have code, and one of the minting version must have lost its minter role (else it pays claims
 * by minting, and the server cannot answer it); the fairness key lacking ANSWER_ROLE at one is warned.
 */
export async function checkEarlierCourts(provider: Provider, addresses: readonly string[], current: string, fairnessAddress: string, log: Logger): Promise<EarlierCourts> {
  const seen = new Set([current.toLowerCase()]);
  const all: string[] = [];
  const answered: string[] = [];
  const abi = readArtifact('RevealCourt').abi as never;
  for (const address of addresses) {
    if (seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    if ((await provider.getCode(address)) === '0x') throw new Error(`no contract at the earlier reveal court address ${address} (EARLIER_COURT_ADDRESSES or the deployment record)`);
    const court = new Contract(address, abi, provider);
    all.push(address);
    if (!(await isBondedCourt(court))) {
      const assets = new Contract((await court.getFunction('assets')()) as string, readArtifact('GameAssets').abi as never, provider);
      if ((await assets.getFunction('hasRole')(await assets.getFunction('MINTER_ROLE')(), address)) as boolean)
        throw new Error(`the earlier reveal court ${address} is of the minting version and still holds GameAssets' MINTER_ROLE: revoke it (it would pay claims by minting)`);
      continue;
    }
    answered.push(address);
    if (!((await court.getFunction('hasRole')(await court.getFunction('ANSWER_ROLE')(), fairnessAddress)) as boolean))
      log.warn({ court: address, fairness: fairnessAddress }, 'the fairness key lacks ANSWER_ROLE at an earlier reveal court: cases revealed there will be claimed until the admin grants it');
  }
  return { all, answered };
}
