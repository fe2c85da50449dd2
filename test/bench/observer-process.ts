/**
 * Idle observers for the dice bench, in a process of their own so that the load generator's
 * busy event loop does not delay what they measure. Each observer sits alone in a dice room
 * and records, for every clock patch, receive time minus the server time it carries.
 *
 *   tsx test/bench/observer-process.ts URL COUNT
 * stdin: `phase NAME` starts a phase, `report` prints {"NAME": [lags...], ...} and exits.
 */
import { createInterface } from 'node:readline';
import { TestPlayer } from '../helpers/player.ts';

const [url, count] = [process.argv[2]!, Number(process.argv[3] ?? 4)];
const observers = await Promise.all(Array.from({ length: count }, () => TestPlayer.join(url, { create: true })));
const phases: Record<string, number[]> = {};
let current: number[] | undefined;
for (const o of observers) {
  let last = 0;
  o.room.onStateChange(() => {
    const t = o.room.state.serverTime as number;
    if (t && t !== last) {
      last = t;
      current?.push(performance.timeOrigin + performance.now() - t);
    }
  });
}
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, name] = line.trim().split(' ');
  if (cmd === 'phase' && name) current = phases[name] = [];
  if (cmd === 'report') {
    console.log(JSON.stringify(phases));
    await Promise.all(observers.map((o) => o.room.leave()));
    process.exit(0); // the report is the last word: the parent reads it and waits for this exit
  }
}
