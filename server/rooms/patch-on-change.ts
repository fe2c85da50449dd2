/**
 * A room that sends a state patch when its state changed, instead of on Colyseus' patch timer.
 *
 * Colyseus patches every room 20 times a second: each tick walks the room's clients and the
 * state's change queue even when nothing changed, so a thousand idle rooms cost the event loop
 * 20,000 wake-ups a second. A room that only changes on messages, joins and draws (dice,
 * blackjack) needs no timer: the first change since the last patch schedules one patch, sent
 * after the I/O callbacks of the current turn of the event loop, so a burst of changes (a bet's
 * stake, balance and draw count) goes out as one patch, and no change waits for a timer.
 *
 * The change is seen where the schema encoder queues it: every mutation of a tracked field, in a
 * handler, a promise continuation or a timer, goes through `Root.enqueueChangeTree` the first time
 * its object changes after a patch, so no change can be missed. A game with a simulation that
 * ticks anyway (the raid) keeps Colyseus' timer and does not use this. Nor should a room that
 * sends with `afterNextPatch` or declares `@unreliable` fields (none here does): both wait for a
 * patch or a timer of their own. The hook sits on the state's encoder root of the moment, so a
 * room must not replace its state afterwards; it refuses filtered state (views, `@view`
 * fields) and `@unreliable` fields, which Colyseus encodes on paths this does not drive. A room
 * whose state was replaced anyway goes back to Colyseus' timer at the next flush, with a warning,
 * rather than silently never patching again (or throwing from a timer and stopping the process).
 * @module
 */
import type { Client, Room } from '@colyseus/core';
import { $changes, type ChangeTree, type Root, type Schema } from '@colyseus/schema';

/**
 * The longest delay Node's timers take (a longer one fires after 1 ms). Colyseus has no way to
 * have no patch timer: a `patchRate` of null or 0 starts a 60 Hz timer that ticks its clock
 * instead. So the timer Colyseus starts fires every 24.8 days, a full patch no one relies on.
 */
const NEVER_MS = 2 ** 31 - 1;
/** Colyseus' own default patch rate, for a room that falls back to its timer. */
const COLYSEUS_PATCH_MS = 50;

/** Rooms hooked and not yet stopped, for /metrics (`roomsPatchingOnChange`). */
const hooked = new Set<Room>();

/** Rooms in this process whose patch timer is off (its rate the "never" value), so that they patch only on change. */
export function roomsPatchingOnChange(): number {
  let count = 0;
  for (const room of hooked) if (room.patchRate === NEVER_MS) count++;
  return count;
}

export interface PatchOnChange {
  /** Stops scheduling patches (the room is being disposed). */
  stop(): void;
}

/** Makes `room` patch its state only when it changed. The room's state must be set. */
export function patchOnChange(room: Room, state: Schema): PatchOnChange {
  const root = rootOf(state);
  refuseUnsupported(room);
  room.patchRate = NEVER_MS;
  keepClockCurrent(room);
  hooked.add(room);
  let pending: NodeJS.Immediate | undefined;
  let stopped = false;
  const flush = (): void => {
    pending = undefined;
    if (rootOf(room.state as Schema) !== root) {
      handle.stop();
      room.setPatchRate(COLYSEUS_PATCH_MS);
      process.emitWarning(`room ${room.roomId}'s state was replaced after patchOnChange; it patches on Colyseus' ${COLYSEUS_PATCH_MS} ms timer from now on (set the state once, before patchOnChange)`);
      return;
    }
    room.broadcastPatch();
  };
  const enqueue = root.enqueueChangeTree.bind(root);
  root.enqueueChangeTree = (...args: Parameters<Root['enqueueChangeTree']>): void => {
    enqueue(...args);
    if (!pending && !stopped) pending = setImmediate(flush);
  };
  const handle: PatchOnChange = {
    stop: () => {
      stopped = true;
      hooked.delete(room);
      if (pending) clearImmediate(pending);
      pending = undefined;
    },
  };
  return handle;
}

function rootOf(state: Schema): Root {
  const root = (state as unknown as { [$changes]: ChangeTree })[$changes].root;
  if (!root) throw new Error('patchOnChange: the room state has no encoder yet (set room.state first)');
  return root;
}

/** Filtered state is encoded per client view, and `@unreliable` fields on a timer of their own: neither is driven by this hook's `broadcastPatch`. */
function refuseUnsupported(room: Room): void {
  // `_serializer` is private in Colyseus' types; its SchemaSerializer sets both flags from the state at `reset`.
  const serializer = (room as unknown as { _serializer?: { hasFilters?: boolean; hasUnreliableFields?: boolean } })._serializer;
  if (serializer?.hasFilters) throw new Error('patchOnChange: the room state has filters or views (@view), which it does not support');
  if (serializer?.hasUnreliableFields) throw new Error('patchOnChange: the room state has @unreliable fields, which it does not support');
}

/**
 * Colyseus counts each client's messages per second (`maxMessagesPerSecond`) against
 * `room.clock.currentTime`, which only moves when the clock ticks, and the clock ticks on the
 * patch timer. Without that timer, a stale clock would count every message since the last patch
 * as one second's and cut off a client that merely played for a while. So the clock is ticked as
 * each message arrives, before Colyseus reads it. `_onMessage` is private in Colyseus' types (and
 * bound per client at join, so an own property of the room takes its place); the test of
 * `MAX_MESSAGES_PER_SECOND` on these rooms (test/server/patch-on-change.test.ts) guards the hook.
 */
function keepClockCurrent(room: Room): void {
  type Deliver = (client: Client, buffer: Uint8Array) => void;
  const hooks = room as unknown as { _onMessage: Deliver };
  const deliver = hooks._onMessage;
  if (typeof deliver !== 'function') throw new Error('patchOnChange: this Colyseus has no Room._onMessage to keep the clock current');
  hooks._onMessage = (client, buffer) => {
    room.clock.tick();
    deliver.call(room, client, buffer);
  };
}
