import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { secp256k1Vectors, vectorSuites } from './vectors.ts';

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

  it('takes the secp256k1 suite by name from the registry', async () => {
    const k = secp256k1Vectors.examples[1]!;
    const r = await cli(...args({ suite: 'ECVRF-SECP256K1-SHA256-TAI', pk: k.pk, alpha: k.alpha, proof: k.pi }));
    expect(r).toMatchObject({ code: 0, stdout: `${k.beta}\n` });
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

describe('vrf/cli.ts verify-transcript', () => {
  it('checks a closed room record by record through the one verifier, and names a record left out', async () => {
    const { main } = await import('../../vrf/cli.ts');
    const { mixedRoom } = await import('../fairness/room-fixture.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { room, keys } = await mixedRoom('cli');
    await room.void(4, 'reveal-timeout');
    await room.finish();
    const transcript = await room.transcript();
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const run = async (t: unknown) => {
      const file = join(dir, 'transcript.json');
      writeFileSync(file, JSON.stringify(t));
      const lines: string[] = [];
      const code = await main(['verify-transcript', file, '--pk', keys.publicKey, '--signer', keys.receiptSigner], (l) => lines.push(l));
      return { code, lines };
    };
    const good = await run(transcript);
    expect(good.code).toBe(0);
    expect(good.lines.at(-1)).toBe(`verified: ${transcript.records.length} records, room closed`);
    const gap = await run({ ...transcript, records: transcript.records.filter((r) => r.seq !== 3) });
    expect(gap.code).toBe(1);
    expect(gap.lines).toContain('record 4 receipt draw 2: seq 4 where 3 was expected; prev is not the hash of the previous record');
  });
});
