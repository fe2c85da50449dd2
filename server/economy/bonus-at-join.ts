/**
 * Where rooms meet the bonus gate: every game room's onAuth (`rooms/game-room.ts`) calls
 * `bonusAtJoin` once the player is authenticated, so an address's first join grants its
 * starting bonus if the gate allows (`bonus-gate.ts`). The client is the rate limits' key that
 * the rate-limited server wrote into the request (never one the client names). Colyseus calls
 * onAuth again on a join request's retries with the same context: one request asks once. A
 * failure to grant (the database out of reach) is logged and does not refuse the join: the next
 * join asks again. With `BONUS_AFTER_DEPOSIT_COINS` set the bonus comes instead at a deposit:
 * the deposit watcher's `afterCredit` (server/app.ts) asks `BonusGate.afterDeposit`, and a
 * failure there fails the poll, so the watcher asks again before its cursor passes the deposit.
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
