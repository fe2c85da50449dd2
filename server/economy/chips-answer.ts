/**
 * What `GET /players/:address/chips` answers (docs/economy.md): the balance, and where the
 * address stands under the bonus rule: its bonus, what it has bet, the wagering requirement, its
 * deposits less cash-outs, what it may cash out now (units, and whole coins), the smallest
 * cash-out, and why it got no bonus if the gate refused it one. Units except `*Coins`.
 * @module
 */
import type { ChipLedger } from '../chips/chip-ledger.ts';
import type { EconomyConfig } from '../config.ts';
import type { BonusGate } from './bonus-gate.ts';
import { wageringRequirement, withdrawableCoins, withdrawableUnits } from './bonus-rule.ts';

export interface ChipsAnswer {
  readonly address: string;
  readonly balance: number;
  readonly bonus: number;
  readonly wagered: number;
  readonly wageringRequirement: number;
  readonly netDeposit: number;
  readonly withdrawable: number;
  readonly withdrawableCoins: number;
  readonly minCashOutCoins: number;
  readonly bonusRefused?: string;
}

export async function chipsAnswer(address: string, chips: ChipLedger, economy: EconomyConfig, gate?: BonusGate): Promise<ChipsAnswer> {
  const s = await chips.standingNow(address);
  const withdrawable = withdrawableUnits(s, chips.wagerMultiple);
  const refused = s.bonus === 0 ? gate?.refusal(address) : undefined;
  return {
    address,
    balance: s.balance,
    bonus: s.bonus,
    wagered: s.wagered,
    wageringRequirement: wageringRequirement(s.bonus, chips.wagerMultiple),
    netDeposit: s.netDeposit,
    withdrawable,
    withdrawableCoins: withdrawableCoins(withdrawable),
    minCashOutCoins: economy.minCashOutCoins,
    ...(refused ? { bonusRefused: refused } : {}),
  };
}
