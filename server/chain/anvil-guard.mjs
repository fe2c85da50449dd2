// Runs anvil and stops it when the process that started it dies, even by SIGKILL: a new server
// must not find the old node still holding the chain's state file. Plain JavaScript, so that it
// starts in milliseconds. argv: ANVIL_BINARY ...ANVIL_ARGS
import { spawn } from 'node:child_process';

// The starter's pid comes from the starter itself: a starter killed before this line runs would
// otherwise leave us reading init's pid as our parent's, and we would never notice it gone.
const parent = Number(process.env.ANVIL_GUARD_PARENT) || process.ppid;
const anvil = spawn(process.argv[2], process.argv.slice(3), { stdio: ['ignore', 'ignore', 'inherit'] });
const stop = (signal) => {
  if (anvil.exitCode === null && anvil.signalCode === null) anvil.kill(signal);
};
anvil.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => stop('SIGTERM'));
// SIGTERM lets anvil write its state file before it exits.
const check = () => {
  if (process.ppid !== parent) stop('SIGTERM');
};
check();
setInterval(check, 200);
