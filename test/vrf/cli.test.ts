import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { vectorSuites } from './vectors.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['vrf/cli.ts', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const f = e as { code: number; stdout: string; stderr: string };
    return { code: f.code, stdout: f.stdout, stderr: f.stderr };
  }
}

const name = 'ECVRF-EDWARDS25519-SHA512-TAI';
const e = vectorSuites[name]!.examples[2]!;
const args = (over: Record<string, string> = {}) => {
  const v = { suite: name, pk: e.pk, alpha: e.alpha, proof: e.pi, ...over };
  return ['verify', '--suite', v.suite, '--pk', v.pk, '--alpha', v.alpha, '--proof', v.proof];
};

describe('vrf/cli.ts verify', () => {
  it('prints beta and exits 0 for a valid proof', async () => {
    const r = await cli(...args());
    expect(r).toMatchObject({ code: 0, stdout: `${e.beta}\n` });
  });

  it('prints the reason and exits 1 for a tampered proof', async () => {
    const tampered = e.pi.slice(0, -2) + (e.pi.endsWith('00') ? '01' : '00');
    const r = await cli(...args({ proof: tampered }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid: challenge does not match/);
  });

  it('exits 2 with a clear error on malformed hex, an unknown suite or a missing flag', async () => {
    const bad = await cli(...args({ pk: 'zz' + e.pk.slice(2) }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pk is not hex/);
    const odd = await cli(...args({ alpha: 'abc' }));
    expect(odd.stderr).toMatch(/--alpha is not hex/);
    const unknown = await cli(...args({ suite: 'ECVRF-FOO' }));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown VRF suite "ECVRF-FOO"; known suites: ECVRF-P256-SHA256-TAI/);
    const missing = await cli('verify', '--suite', name, '--pk', e.pk);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toMatch(/missing --alpha/);
  });
});
