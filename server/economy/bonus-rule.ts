/**
 * The bonus rule as the server uses it: the pure functions of `games/bonus-rule.ts` (browser-safe,
 * shared with the page's cashier), re-exported so that server code names one economy module.
 * @module
 */
export { DEFAULT_BONUS_WAGER_MULTIPLE, wageringMet, wageringRequirement, withdrawableCoins, withdrawableUnits, type BonusStanding } from '../../games/bonus-rule.ts';
