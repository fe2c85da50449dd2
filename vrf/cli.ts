/**
 * Command-line verifier for auditors:
 *
 *   npx tsx vrf/cli.ts verify --suite NAME --pk HEX --alpha HEX --proof HEX
 *
 * Prints beta (hex) and exits 0 if the proof is valid; prints the reason and exits 1 if not;
 * exits 2 with a usage message on malformed arguments (bad hex, unknown suite, missing flag).
 * @module
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { getSuite, suites } from './index.ts';

const USAGE = `usage: vrf/cli.ts verify --suite NAME --pk HEX --alpha HEX --proof HEX
suites: ${Object.keys(suites).join(', ')}`;

class UsageError extends Error {}

function hexArg(name: string, value: string | undefined): Uint8Array {
  if (value === undefined) throw new UsageError(`missing --${name}`);
  const clean = value.startsWith('0x') ? value.slice(2) : value;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean))
    throw new UsageError(`--${name} is not hex (an even number of 0-9a-f digits): "${value}"`);
  return hexToBytes(clean.toLowerCase());
}

/** Runs the CLI on argv (without node and script); returns the exit code. */
export function main(argv: string[], out = console.log, err = console.error): number {
  try {
    const [command, ...rest] = argv;
    if (command !== 'verify') throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
    const { values } = parseArgs({
      args: rest,
      options: { suite: { type: 'string' }, pk: { type: 'string' }, alpha: { type: 'string' }, proof: { type: 'string' } },
      strict: true,
    });
    if (!values.suite) throw new UsageError('missing --suite');
    let suite;
    try {
      suite = getSuite(values.suite);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const result = suite.verify(hexArg('pk', values.pk), hexArg('alpha', values.alpha), hexArg('proof', values.proof));
    if (result.valid) {
      out(bytesToHex(result.beta));
      return 0;
    }
    out(`invalid: ${result.reason}`);
    return 1;
  } catch (e) {
    err(`error: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
