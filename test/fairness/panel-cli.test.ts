/**
 * The fairness panel's shell commands quote every value the server gave: a room id, key or
 * registry address with shell syntax in it stays one inert word when the player pastes them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliCommands, shellArg } from '../../client/src/fairness-panel-cli.ts';

/** The words a POSIX shell makes of `line` (printf prints each, NUL-ended): nothing in them is run. */
const words = (line: string): string[] => execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);

describe('fairness panel CLI commands', () => {
  it('keep honest values as they are', () => {
    const cli = cliCommands({ file: 'fairplay-AbC_12.json', origin: 'http://localhost:2567', keys: { suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'ab'.repeat(32), receiptSigner: '0x' + '12'.repeat(20) } });
    expect(cli).toContain(`verify-transcript fairplay-AbC_12.json --pk ${'ab'.repeat(32)} --signer 0x${'12'.repeat(20)}`);
    expect(cli).toContain('curl -s http://localhost:2567/fairness > fairness.json');
  });

  it("quote a hostile server's values into single inert words", () => {
    const mark = join(mkdtempSync(join(tmpdir(), 'cli-')), 'ran');
    for (const value of [`x$(touch ${mark})`, 'a; touch ' + mark, `it's \`touch ${mark}\``, 'a b\nc', "'", '']) expect(words(shellArg(value))).toEqual([value]);
    const hostile = { file: `fairplay-$(touch ${mark}).json`, publicKey: '`touch ' + mark + '`', receiptSigner: `0x'; touch ${mark}; '`, registry: `0x1 && touch ${mark}`, alpha: `$(touch ${mark})`, pi: `|touch ${mark}` };
    const cli = cliCommands({
      file: hostile.file,
      origin: 'http://localhost:2567',
      keys: { suite: 'S;id', publicKey: hostile.publicKey, receiptSigner: hostile.receiptSigner },
      chain: { rpc: 'http://x/chain', registry: hostile.registry },
      outcome: { alpha: hostile.alpha, pi: hostile.pi },
    }).split('\n');
    expect(words(cli[1]!)).toEqual(['npx', 'tsx', 'vrf/cli.ts', 'verify-transcript', hostile.file, '--pk', hostile.publicKey, '--signer', hostile.receiptSigner, '--rules', 'fairness.json', '--rpc', 'http://x/chain', '--registry', hostile.registry]);
    expect(words(cli[3]!)).toEqual(['npx', 'tsx', 'vrf/cli.ts', 'verify', '--suite', 'S;id', '--pk', hostile.publicKey, '--alpha', hostile.alpha, '--proof', hostile.pi]);
    expect(existsSync(mark)).toBe(false);
  });
});
