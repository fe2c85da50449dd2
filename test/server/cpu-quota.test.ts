/** The cgroup v2 CPU quota reader that caps the prover pool's default size (server/fairness/cpu-quota.ts). */
import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, parseCpuMax, usableCores } from '../../server/fairness/cpu-quota.ts';

describe('cpu-quota', () => {
  it('reads cores from a cpu.max text', () => {
    expect(parseCpuMax('200000 100000\n')).toBe(2);
    expect(parseCpuMax('150000 100000')).toBe(1.5);
    expect(parseCpuMax('50000 100000')).toBe(0.5);
    expect(parseCpuMax('max 100000\n')).toBeUndefined();
    expect(parseCpuMax('max')).toBeUndefined();
  });

  it('refuses a text of another shape', () => {
    expect(() => parseCpuMax('')).toThrow(/cpu\.max/);
    expect(() => parseCpuMax('two cores')).toThrow(/cpu\.max/);
    expect(() => parseCpuMax('0 100000')).toThrow(/above 0/);
  });

  it('counts no quota when the file cannot be read', () => {
    expect(cgroupCpuQuota('/nonexistent/cpu.max')).toBeUndefined();
  });

  it('caps the affinity count by the quota rounded up, at least 1', () => {
    expect(usableCores(32, 2)).toBe(2);
    expect(usableCores(32, 1.5)).toBe(2);
    expect(usableCores(2, 8)).toBe(2);
    expect(usableCores(4, undefined)).toBe(4);
    expect(usableCores(4, 0.1)).toBe(1);
  });
});
