/**
 * Where rooms meet the bonus gate: every game room's onAuth (`rooms/game-room.ts`) calls
 * `bonusAtJoin` once the player is authenticated, so an address's first join grants its
 * starting bonus if the gate allows (`bonus-gate.ts`). The client is the rate limits' key that
 * the rate-limited server wrote into the request (never one the client names). Colyseus calls
 * onAuth again on a join request's retries with the same context: one request asks once. A
 * failure to grant (the database out of reach) is logged and does not refuse the join: the next
 * join asks again. The deposit watcher asks at each deposit credited (`bonusAfterDeposit`): with
 * `BONUS_AFTER_DEPOSIT_COINS` set, that is where the bonus comes.
 * @module
 */
import type { PlayerAuth } from '../auth/room-auth.ts';
import { CLIENT_KEY_HEADER } from '../limits/client-ip.ts';
import { services } from '../services.ts';

const asked = new WeakMap<object, Promise<void>>();

export function bonusAtJoin(player: PlayerAuth, context: object): Promise<void> {
  let ask = asked.get(context);
  if (!ask) asked.set(context, (ask = askGate(player, context as { headers?: { get(name: string): string | null } })));
  return ask;
}

async function askGate(player: PlayerAuth, context: { headers?: { get(name: string): string | null } }): Promise<void> {
  const { bonus, log } = services();
  if (!bonus) return;
  try {
    await bonus.atJoin(player, context.headers?.get(CLIENT_KEY_HEADER) ?? 'unknown');
  } catch (err) {
    log.warn({ err, address: player.address }, 'the starting bonus could not be granted now (asked again at the next join)');
  }
}

/**
 * At a deposit credited (after its chip entry is committed): with BONUS_AFTER_DEPOSIT_COINS > 0,
 * a deposit of at least that many coins brings the address its starting bonus, once. Idempotent
 * (a deposit credited again asks again and changes nothing); never throws (logged: the next
 * qualifying deposit asks again).
 */
export async function bonusAfterDeposit(address: string, coins: number): Promise<void> {
  const { bonus, log } = services();
  if (!bonus) return;
  try {
    await bonus.afterDeposit(address, coins);
  } catch (err) {
    log.warn({ err, address }, 'the starting bonus could not be granted at this deposit');
  }
}
