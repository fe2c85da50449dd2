/**
 * A process that holds a cluster membership (`ClusterNode`) and does as its stdin says, so a
 * test can stall its main thread: `busy <ms>` spins the main thread for that long (a request
 * that hogs it), `hang` spins it for ever. It prints JSON lines: `joined`, `spinning` as a spell
 * begins, `lost` (with the
 * reason, when `onLost` is called), and after a `busy`, `idle` with everything lost so far,
 * written once the main thread has run the timers that were due during the spin.
 *
 * Run: node --import tsx test/helpers/cluster-node-child.ts <redis url> <node id> [main stall ms]
 */
import { createInterface } from 'node:readline';
import { ClusterNode } from '../../server/cluster/cluster-node.ts';

const [url, nodeId, mainStallMs] = process.argv.slice(2);
if (!url || !nodeId) throw new Error('usage: cluster-node-child.ts <redis url> <node id> [main stall ms]');
const say = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const lost: string[] = [];
const node = await ClusterNode.join(url, nodeId, (reason) => (lost.push(reason), say({ lost: reason })), mainStallMs ? { mainStallMs: Number(mainStallMs) } : {});
say({ joined: nodeId });

const spin = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(' ');
  if (command === 'busy') {
    // Said before the spin (a write to a pipe is synchronous), so the test knows the thread is busy.
    say({ spinning: Number(arg) });
    spin(Number(arg));
    // A timer set now fires after every timer that fell due during the spin (the liveness check among them).
    setTimeout(() => say({ idle: true, busyMs: Number(arg), lost }), 1_000);
  } else if (command === 'hang') {
    spin(Number.POSITIVE_INFINITY);
  } else if (command === 'leave') {
    await node.leave();
    say({ left: nodeId });
    process.exit(0);
  }
}
