/**
 * Child processes must not outlive the test process that started them. A test that times out
 * never reaches its `stop()`, and vitest ends its worker without running exit handlers, so a
 * server (with its chain node) or a redis-server would run on, orphaned, on a machine other
 * people share. A small watcher process per child SIGTERMs it once the test process is gone.
 */
import { spawn } from 'node:child_process';

const WATCHER = `
const [parent, child] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (!alive(parent)) { try { process.kill(child, 'SIGTERM'); } catch {} process.exit(0); }
}, 500);
`;

/** SIGTERMs `pid` once this process has exited; the watcher goes away by itself when `pid` does. */
export function reapWhenOrphaned(pid: number): void {
  spawn(process.execPath, ['-e', WATCHER, String(process.pid), String(pid)], { stdio: 'ignore', detached: true }).unref();
}
