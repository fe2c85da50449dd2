/**
 * The receipt gate of a server on a suite the reveal court verifies (server/fairness/vrf-key-in-force.ts):
 * a receipt is signed only while the server's VRF key is the one the registry's schedule has in
 * force, to the second; a new key inside its change delay, an old key after its successor came
 * into force, an unknown key and an unread schedule are each refused with a reason that says so.
 */
import { describe, expect, it } from 'vitest';
import { keyInForceAt, keyNotInForce, type VrfKeyEntries } from '../../server/fairness/vrf-key-in-force.ts';

const OLD = '11'.repeat(8);
const NEW = '22'.repeat(8);
const T0 = 1_800_000_000; // the first key's registration (seconds)
const T1 = T0 + 86_400; // the second key's activeFrom: a day's change delay later
const entries: VrfKeyEntries = { ids: ['0x' + OLD, '0x' + NEW], activeFrom: [T0, T1] };
const watched = { watched: true, entries };
const ms = (seconds: number) => seconds * 1000;

describe('the VRF key in force', () => {
  it('is the last entry already active, or none before the first', () => {
    expect(keyInForceAt(entries, T0 - 1)).toBeUndefined();
    expect(keyInForceAt(entries, T0)).toBe('0x' + OLD);
    expect(keyInForceAt(entries, T1 - 1)).toBe('0x' + OLD);
    expect(keyInForceAt(entries, T1)).toBe('0x' + NEW);
  });

  it('lets a receipt be signed only under the key in force at its issue, to the second', () => {
    expect(keyNotInForce(watched, OLD, ms(T0) + 999)).toBeUndefined();
    expect(keyNotInForce(watched, OLD, ms(T1) - 1)).toBeUndefined();
    expect(keyNotInForce(watched, NEW, ms(T1))).toBeUndefined();
    // Upper-case key ids are the same key.
    expect(keyNotInForce(watched, NEW.toUpperCase(), ms(T1))).toBeUndefined();
  });

  it('refuses a new key inside its change delay, naming when it applies', () => {
    expect(keyNotInForce(watched, NEW, ms(T1) - 1)).toMatch(new RegExp(`${NEW} is in force on chain only from ${new Date(ms(T1)).toISOString()}`));
  });

  it('refuses the old key once its successor is in force, and a key the registry does not hold', () => {
    expect(keyNotInForce(watched, OLD, ms(T1))).toMatch(new RegExp(`${OLD} is not the one in force on chain \\(0x${NEW}\\)`));
    expect(keyNotInForce(watched, '33'.repeat(8), ms(T1))).toMatch(/is not the one in force/);
    expect(keyNotInForce(watched, OLD, ms(T0) - 1)).toMatch(/in force on chain only from/);
    expect(keyNotInForce({ watched: true, entries: { ids: [], activeFrom: [] } }, OLD, ms(T0))).toMatch(/not the one in force on chain \(none\)/);
  });

  it('refuses every receipt until the schedule was read, and none on a suite not watched', () => {
    expect(keyNotInForce({ watched: true }, OLD, ms(T0))).toMatch(/could not be read yet/);
    expect(keyNotInForce({ watched: false }, OLD, ms(T0) - 1)).toBeUndefined();
    expect(keyNotInForce({ watched: false, entries }, NEW, ms(T0))).toBeUndefined();
  });
});
