/**
 * Courts the embedded chain left behind (fairness-deployment.ts): one of the minting version
 * loses its GameAssets minter role; a bonded one has its whole bond announced for withdrawal,
 * taken back to its admin once the court's `withdrawDelay` has passed, and announced again while
 * any is left (the part open cases reserve stays until they close). The server goes on
 * answering there meanwhile (app.ts starts a watcher per court), so a receipt it signed and
 * taken there is answered, not claimed, for as long as the bond could pay it.
 * @module
 */
import { Contract, type Signer } from 'ethers';
import { readArtifact } from './artifact.ts';
import { isBondedCourt } from './court-checks.ts';
import { mined } from './mined.ts';

export interface RetirementStep {
  readonly court: string;
  /** What was sent: a withdrawal announced (its amount), a withdrawal made (its amount), the minter role taken. */
  readonly announced?: bigint;
  readonly withdrawn?: bigint;
  readonly minterRevoked?: boolean;
}

const attach = (name: 'RevealCourt' | 'GameAssets', address: string, admin: Signer) => new Contract(address, readArtifact(name).abi as never, admin);

/** Moves each court left behind one step towards holding nothing; a court whose admin is another is left alone. */
export async function retireCourts(courts: readonly string[], admin: Signer): Promise<RetirementStep[]> {
  const steps: RetirementStep[] = [];
  for (const address of courts) {
    const court = attach('RevealCourt', address, admin);
    if (!(await isBondedCourt(court))) {
      if (await revokeMinter(court, admin)) steps.push({ court: address, minterRevoked: true });
      continue;
    }
    const self = await admin.getAddress();
    if (!((await court.getFunction('hasRole')(await court.getFunction('DEFAULT_ADMIN_ROLE')(), self)) as boolean)) continue;
    const step = await withdrawBond(court, self, admin);
    if (step) steps.push({ court: address, ...step });
  }
  return steps;
}

/** Makes a withdrawal that is due, then announces one of the whole bond left if none is pending. */
async function withdrawBond(court: Contract, to: string, admin: Signer): Promise<{ announced?: bigint; withdrawn?: bigint } | undefined> {
  const provider = admin.provider!;
  const now = BigInt((await provider.getBlock('latest'))!.timestamp);
  let [amount, executableAt] = (await court.getFunction('pendingWithdrawal')()) as [bigint, bigint];
  let withdrawn: bigint | undefined;
  if (amount > 0n && now >= executableAt) {
    const before = (await court.getFunction('bond')()) as bigint;
    await mined(provider, await court.getFunction('withdraw')(to));
    withdrawn = before - ((await court.getFunction('bond')()) as bigint);
    [amount] = (await court.getFunction('pendingWithdrawal')()) as [bigint, bigint];
  }
  const bond = (await court.getFunction('bond')()) as bigint;
  if (amount > 0n || bond === 0n) return withdrawn === undefined ? undefined : { withdrawn };
  await mined(provider, await court.getFunction('announceWithdrawal')(bond));
  return { announced: bond, ...(withdrawn === undefined ? {} : { withdrawn }) };
}

/** Takes the minter role on its GameAssets from a court of the minting version; false when it held none. */
export async function revokeMinter(old: Contract, admin: Signer): Promise<boolean> {
  const assets = attach('GameAssets', (await old.getFunction('assets')()) as string, admin);
  const role = (await assets.getFunction('MINTER_ROLE')()) as string;
  const address = await old.getAddress();
  if (!((await assets.getFunction('hasRole')(role, address)) as boolean)) return false;
  await mined(assets.runner!.provider!, await assets.getFunction('revokeRole')(role, address));
  return true;
}
