/**
 * Sign-In with Ethereum: real secp256k1 wallets, a fake clock, and one test per way a sign-in
 * must be refused, each pinned to its reason code.
 */
import { Wallet, type HDNodeWallet } from 'ethers';
import { SiweMessage } from 'siwe';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSignInMessage, DEFAULT_SIGN_IN_STATEMENT, encodeSignInToken } from '../../vrf/protocol/sign-in-message.ts';
import { parseDelegation } from '../../vrf/protocol/authorization.ts';
import { SignInError, SignInService, type SignInFailure, type SignInOptions } from '../../server/auth/siwe.ts';
import { MemoryNonceStore, NonceQuotaExceeded } from '../../server/auth/nonce-store.ts';
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_LINES, MAX_RESOURCES, MAX_TOKEN_CHARS, messageOverLimit, tokenOverLimit } from '../../server/auth/sign-in-limits.ts';

const DOMAIN = 'play.fairplay.test';
const URI = 'https://play.fairplay.test';
const TTL_MS = 5 * 60_000;
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
/** The chain the service is configured with; messages name chain 1 unless told otherwise. */
const CHAIN_ID = 1;
/** Whom nonces are issued to (a client key, as `server/limits/client-ip.ts` makes them). */
const CLIENT = '192.0.2.1';

let alice: HDNodeWallet;
let mallory: HDNodeWallet;
beforeAll(() => {
  alice = Wallet.createRandom();
  mallory = Wallet.createRandom();
});

function setup(extra: Partial<SignInOptions> = {}) {
  let t = T0;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const service = new SignInService({ domain: DOMAIN, uri: URI, chainId: CHAIN_ID, nonceTtlMs: TTL_MS, now: clock.now, ...extra });
  return { service, clock };
}

type BuildParams = Parameters<typeof buildSignInMessage>[0];

/** A message for `alice` on the service's domain, stamped with the fake clock's time. */
const DAY = 24 * 60 * 60 * 1000;

function messageFor(nonce: string, now: number, overrides: Partial<BuildParams> = {}): string {
  return buildSignInMessage({ domain: DOMAIN, uri: URI, address: alice.address, nonce, issuedAt: new Date(now), ...overrides });
}

async function expectRefused(attempt: Promise<unknown>, reason: SignInFailure): Promise<void> {
  const err = await attempt.then(
    () => expect.fail(`expected a SignInError with reason "${reason}", but sign-in succeeded`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SignInError);
  expect((err as SignInError).reason).toBe(reason);
  expect((err as SignInError).message).not.toBe('');
}

describe('buildSignInMessage', () => {
  it('produces EIP-4361 text with the default statement, chain 1, and a 10-minute expiry', () => {
    const text = messageFor('abcdef0123456789', T0);
    const parsed = new SiweMessage(text);
    expect(parsed.domain).toBe(DOMAIN);
    expect(parsed.address).toBe(alice.address);
    expect(parsed.statement).toBe(DEFAULT_SIGN_IN_STATEMENT);
    expect(parsed.chainId).toBe(1);
    expect(parsed.version).toBe('1');
    expect(parsed.issuedAt).toBe(new Date(T0).toISOString());
    expect(parsed.expirationTime).toBe(new Date(T0 + 10 * 60_000).toISOString());
  });

  it('is byte for byte the text the siwe package prepares for the same fields', () => {
    const text = messageFor('abcdef0123456789', T0, { address: alice.address.toLowerCase(), chainId: 10 });
    const reference = new SiweMessage({
      domain: DOMAIN,
      address: alice.address,
      statement: DEFAULT_SIGN_IN_STATEMENT,
      uri: URI,
      version: '1',
      chainId: 10,
      nonce: 'abcdef0123456789',
      issuedAt: new Date(T0).toISOString(),
      expirationTime: new Date(T0 + 10 * 60_000).toISOString(),
    }).prepareMessage();
    expect(text).toBe(reference);
    expect(() => messageFor('short', T0)).toThrow(/nonce/);
    expect(() => messageFor('abcdef0123456789', T0, { domain: 'evil.test/path' })).toThrow(/domain/);
    expect(() => messageFor('abcdef0123456789', T0, { statement: 'two\nlines' })).toThrow(/one line/);
  });

  it('with a session key, ends with its resource line, as siwe prepares it, and parses to the same key', () => {
    const key = Wallet.createRandom().address;
    const text = messageFor('abcdef0123456789', T0, { sessionKey: key.toLowerCase() });
    const reference = new SiweMessage({
      domain: DOMAIN, address: alice.address, statement: DEFAULT_SIGN_IN_STATEMENT, uri: URI, version: '1', chainId: 1, nonce: 'abcdef0123456789',
      issuedAt: new Date(T0).toISOString(), expirationTime: new Date(T0 + DAY).toISOString(), resources: [`urn:fairplay:session-key:${key}`],
    }).prepareMessage();
    expect(text).toBe(reference);
    expect(text.endsWith(`\nResources:\n- urn:fairplay:session-key:${key}`)).toBe(true);
    // A delegating sign-in lasts a day by default: the session key signs a day of play.
    expect(parseDelegation(text)).toEqual({ address: alice.address, sessionKey: key, issuedAt: T0, expiresAt: T0 + DAY });
  });

  it('a delegation must expire, within 7 days, and name its times once, to the millisecond', () => {
    const key = Wallet.createRandom().address;
    const text = messageFor('abcdef0123456789', T0, { sessionKey: key, expirationTime: new Date(T0 + 7 * DAY) });
    expect(parseDelegation(text).expiresAt).toBe(T0 + 7 * DAY);
    const without = text.split('\n').filter((l) => !l.startsWith('Expiration Time: ')).join('\n');
    expect(() => parseDelegation(without)).toThrow(/no Expiration Time/);
    expect(() => parseDelegation(messageFor('abcdef0123456789', T0, { sessionKey: key, expirationTime: new Date(T0 + 7 * DAY + 1) }))).toThrow(/within 7 days/);
    expect(() => parseDelegation(text.replace('Nonce:', `Issued At: ${new Date(T0).toISOString()}\nNonce:`))).toThrow(/2 Issued At lines/);
    expect(() => parseDelegation(text.replace(/Issued At: (.*)\.000Z/, 'Issued At: $1.0001Z'))).toThrow(/to the millisecond/);
  });

  it('refuses to build without a nonce rather than inventing one', () => {
    expect(() => messageFor('', T0)).toThrow(/nonce/);
  });
});

describe('SignInService', () => {
  it('keeps the session key a sign-in delegates to, with the exact text and signature (the delegation)', async () => {
    const { service, clock } = setup();
    const key = Wallet.createRandom().address;
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), { sessionKey: key });
    const signature = await alice.signMessage(message);
    expect(await service.verify({ message, signature })).toEqual({
      address: alice.address,
      sessionKey: key,
      delegation: { message, signature },
      delegationIssuedAt: clock.now(),
      delegationExpiresAt: clock.now() + DAY,
    });
    const plain = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    expect(await service.verify({ message: plain, signature: await alice.signMessage(plain) })).toEqual({ address: alice.address });
    // A resource that names a session key but not as one address: the sign-in is refused, not joined without it.
    const bad = `${messageFor((await service.issueNonce(CLIENT)).nonce, clock.now())}\nResources:\n- urn:fairplay:session-key:0x1234`;
    await expectRefused(service.verify({ message: bad, signature: await alice.signMessage(bad) }), 'malformed');
  });

  it('accepts a good sign-in and returns the EIP-55 address, even if the client passed it lowercase', async () => {
    const { service, clock } = setup();
    const { nonce } = await service.issueNonce(CLIENT);
    const message = messageFor(nonce, clock.now(), { address: alice.address.toLowerCase() });
    const signature = await alice.signMessage(message);
    clock.advance(1_000);
    const { address } = await service.verify({ message, signature });
    expect(address).toBe(alice.address);
    expect(address).not.toBe(address.toLowerCase());
  });

  it('issues unique alphanumeric nonces of at least 16 characters, expiring one TTL after issue', async () => {
    const { service } = setup();
    const nonces = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const { nonce, expiresAt } = await service.issueNonce(`192.0.2.${i % 250}`);
      expect(nonce).toMatch(/^[A-Za-z0-9]{16,}$/);
      expect(expiresAt).toBe(new Date(T0 + TTL_MS).toISOString());
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(1_000);
  });

  it('refuses a replay of the same message and signature (nonce)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    const signature = await alice.signMessage(message);
    await expect(service.verify({ message, signature })).resolves.toEqual({ address: alice.address });
    await expectRefused(service.verify({ message, signature }), 'nonce');
  });

  it('lets only one of two concurrent verifications of the same message through', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    const signature = await alice.signMessage(message);
    const results = await Promise.allSettled([service.verify({ message, signature }), service.verify({ message, signature })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses a nonce it never issued (nonce)', async () => {
    const { service, clock } = setup();
    await service.issueNonce(CLIENT);
    const message = messageFor('0123456789abcdef0123456789abcdef', clock.now());
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'nonce');
  });

  it('accepts a nonce just inside its TTL and refuses one at its TTL (nonce)', async () => {
    const { service, clock } = setup();
    const fresh = (await service.issueNonce(CLIENT)).nonce;
    const stale = (await service.issueNonce(CLIENT)).nonce;
    clock.advance(TTL_MS - 1);
    const ok = messageFor(fresh, clock.now());
    await expect(service.verify({ message: ok, signature: await alice.signMessage(ok) })).resolves.toBeDefined();
    clock.advance(1);
    const late = messageFor(stale, clock.now());
    await expectRefused(service.verify({ message: late, signature: await alice.signMessage(late) }), 'nonce');
  });

  it('refuses an expired nonce after it has been pruned too (nonce)', async () => {
    const { service, clock } = setup();
    const { nonce } = await service.issueNonce(CLIENT);
    clock.advance(TTL_MS + 1);
    await service.issueNonce(CLIENT); // issuing prunes expired nonces
    const message = messageFor(nonce, clock.now());
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'nonce');
  });

  it('refuses a signature made by another wallet (signature)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    await expectRefused(service.verify({ message, signature: await mallory.signMessage(message) }), 'signature');
  });

  it('refuses a well-formed signature string that is not a valid signature (signature)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    await expectRefused(service.verify({ message, signature: `0x${'00'.repeat(65)}` }), 'signature');
  });

  it('spends the nonce on a failed attempt, so a correct retry with it fails (nonce)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    await expectRefused(service.verify({ message, signature: await mallory.signMessage(message) }), 'signature');
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'nonce');
  });

  it('refuses a message signed for another domain (domain)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), { domain: 'fairplay.evil.test' });
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'domain');
  });

  it('refuses a message signed for another URI, including a look-alike prefix (uri)', async () => {
    const { service, clock } = setup();
    for (const uri of ['https://evil.test', `${URI}.evil.test/`, 'http://play.fairplay.test']) {
      const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), { uri });
      await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'uri');
    }
  });

  it('accepts a URI under the configured one', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), { uri: `${URI}/rooms/dice` });
    await expect(service.verify({ message, signature: await alice.signMessage(message) })).resolves.toEqual({
      address: alice.address,
    });
  });

  it('refuses a message whose address was changed after signing (signature)', async () => {
    const { service, clock } = setup();
    const original = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    const signature = await alice.signMessage(original);
    const altered = original.replace(alice.address, mallory.address);
    expect(altered).not.toBe(original);
    await expectRefused(service.verify({ message: altered, signature }), 'signature');
  });

  it('refuses a message whose statement was changed after signing (signature)', async () => {
    const { service, clock } = setup();
    const original = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    const signature = await alice.signMessage(original);
    const altered = original.replace('does not authorize', 'does authorize');
    expect(altered).not.toBe(original);
    await expectRefused(service.verify({ message: altered, signature }), 'signature');
  });

  it('refuses a message past its expirationTime (expired)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), { expirationTime: new Date(clock.now() + 1_000) });
    const signature = await alice.signMessage(message);
    clock.advance(1_000);
    await expectRefused(service.verify({ message, signature }), 'expired');
  });

  it('refuses a message whose notBefore is in the future (not-yet-valid)', async () => {
    const { service, clock } = setup();
    // buildSignInMessage never sets notBefore, so build this one by hand.
    const message = rawMessage((await service.issueNonce(CLIENT)).nonce, clock.now(), { notBefore: new Date(clock.now() + 1_000).toISOString() });
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'not-yet-valid');
  });

  it('allows 60 s of clock skew on issuedAt but refuses more (not-yet-valid)', async () => {
    const { service, clock } = setup();
    const skewed = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now() + 60_000);
    await expect(service.verify({ message: skewed, signature: await alice.signMessage(skewed) })).resolves.toBeDefined();
    const future = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now() + 60_001);
    await expectRefused(service.verify({ message: future, signature: await alice.signMessage(future) }), 'not-yet-valid');
  });

  it('refuses an issuedAt older than the nonce TTL (expired)', async () => {
    const { service, clock } = setup();
    const old = new Date(clock.now() - TTL_MS - 60_001);
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), {
      issuedAt: old,
      expirationTime: new Date(clock.now() + 60_000),
    });
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'expired');
  });

  it('refuses text that is not an EIP-4361 message (malformed)', async () => {
    const { service, clock } = setup();
    await expectRefused(service.verify({ message: 'let me in', signature: await alice.signMessage('let me in') }), 'malformed');
    // A non-checksummed address in the message itself violates EIP-4361.
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now()).replace(alice.address, alice.address.toLowerCase());
    await expectRefused(service.verify({ message, signature: await alice.signMessage(message) }), 'malformed');
  });

  it('refuses a message over a published limit before parsing it or spending its nonce (too-large)', async () => {
    const { service, clock } = setup();
    const nonce = (await service.issueNonce(CLIENT)).nonce;
    const refusedFor = async (message: string, why: RegExp) => {
      const err = await service.verify({ message, signature: await alice.signMessage(message) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SignInError);
      expect((err as SignInError).reason).toBe('too-large');
      expect((err as SignInError).message).toMatch(why);
    };
    // Each well-formed apart from its size (siwe prepares it), so only a limit can refuse it.
    const resources = (n: number, prefix = `${URI}/r/`) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    await refusedFor(rawMessage(nonce, clock.now(), { resources: resources(200) }), new RegExp(`more than ${MAX_MESSAGE_BYTES} bytes`));
    // Short in UTF-16 code units, long in UTF-8 bytes.
    await refusedFor(messageFor(nonce, clock.now(), { statement: '\u20ac'.repeat(700) }), /message is \d+ bytes, more than/);
    await refusedFor(rawMessage(nonce, clock.now(), { resources: resources(MAX_RESOURCES + 1) }), /lists 5 Resources, more than the 4 allowed/);
    await refusedFor(rawMessage(nonce, clock.now(), { resources: resources(12, 'a:') }), new RegExp(`more than the ${MAX_MESSAGE_LINES} allowed`));
    // None of those spent the nonce: a message within every limit (as many Resources as allowed) signs in with it.
    const atLimit = rawMessage(nonce, clock.now(), { resources: resources(MAX_RESOURCES) });
    expect(new TextEncoder().encode(atLimit).length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(await service.verify({ message: atLimit, signature: await alice.signMessage(atLimit) })).toEqual({ address: alice.address });
  });

  it('leaves the client\'s own message several times under each limit', () => {
    const message = messageFor('abcdef0123456789abcdef0123456789', T0, { sessionKey: mallory.address, chainId: 31337 });
    const signature = `0x${'ab'.repeat(65)}`;
    expect(messageOverLimit(message)).toBeUndefined();
    expect(new TextEncoder().encode(message).length * 3).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(message.split('\n').length).toBeLessThan(MAX_MESSAGE_LINES);
    expect(encodeSignInToken(message, signature).length * 3).toBeLessThan(MAX_TOKEN_CHARS);
    // The largest message the limits allow still makes a token within the token limit.
    const largest = `${message}\n${'x'.repeat(MAX_MESSAGE_BYTES - message.length - 1)}`;
    expect(messageOverLimit(largest)).toBeUndefined();
    expect(tokenOverLimit(encodeSignInToken(largest, signature))).toBeUndefined();
    expect(tokenOverLimit('A'.repeat(MAX_TOKEN_CHARS + 1))).toMatch(/more than the 3072 allowed/);
  });

  it('checks the nonce before parsing the message or recovering a signature (nonce)', async () => {
    const { service, clock } = setup();
    const unknown = 'feedfacefeedface';
    // A bad signature under a nonce it never issued: refused for the nonce, so no signature was recovered.
    const message = messageFor(unknown, clock.now());
    await expectRefused(service.verify({ message, signature: `0x${'00'.repeat(65)}` }), 'nonce');
    await expectRefused(service.verify({ message, signature: await mallory.signMessage(message) }), 'nonce');
    // Text the grammar would refuse, under an unknown nonce: refused for the nonce, so it was not parsed.
    await expectRefused(service.verify({ message: `not EIP-4361 at all\nNonce: ${unknown}`, signature: `0x${'00'.repeat(65)}` }), 'nonce');
    // A message must name one nonce: with two, which one is spent would be ambiguous.
    const issued = (await service.issueNonce(CLIENT)).nonce;
    const twice = messageFor(issued, clock.now()).replace(`Nonce: ${issued}`, `Nonce: ${issued}\nNonce: ${unknown}`);
    await expectRefused(service.verify({ message: twice, signature: await alice.signMessage(twice) }), 'malformed');
  });

  it('refuses a message for another chain id, and tells clients its own (chain)', async () => {
    const { service, clock } = setup({ chainId: 31337 });
    const issued = await service.issueNonce(CLIENT);
    expect(issued.chainId).toBe(31337);
    for (const chainId of [999, 1]) {
      const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now(), { chainId });
      const err = await service.verify({ message, signature: await alice.signMessage(message) }).catch((e: unknown) => e);
      expect((err as SignInError).reason).toBe('chain');
      expect((err as SignInError).message).toBe(`message is for chain id ${chainId}, this server's chain is 31337`);
    }
    const right = messageFor(issued.nonce, clock.now(), { chainId: 31337 });
    expect(await service.verify({ message: right, signature: await alice.signMessage(right) })).toEqual({ address: alice.address });
  });

  it('refuses malformed signature strings (malformed)', async () => {
    const { service, clock } = setup();
    const message = messageFor((await service.issueNonce(CLIENT)).nonce, clock.now());
    const good = await alice.signMessage(message);
    for (const signature of ['', '0x1234', good.slice(2), `${good}00`, `0x${'zz'.repeat(65)}`]) {
      await expectRefused(service.verify({ message, signature }), 'malformed');
    }
  });

  it('refuses a client more than its quota of unused nonces, evicting none, and frees the quota on use and on expiry', async () => {
    const { service, clock } = setup({ nonces: new MemoryNonceStore({ perClient: 3, total: 100 }) });
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await service.issueNonce(CLIENT)).nonce);
    clock.advance(1000);
    const refused = await service.issueNonce(CLIENT).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NonceQuotaExceeded);
    expect(refused).toMatchObject({ scope: 'client', retryAfterMs: TTL_MS - 1000 });
    // Another client is not held back, and nothing was evicted: each of the first three still signs in.
    await service.issueNonce('192.0.2.2');
    const signed = async (nonce: string) => {
      const message = messageFor(nonce, clock.now());
      return { message, signature: await alice.signMessage(message) };
    };
    await expect(service.verify(await signed(mine[0]!))).resolves.toEqual({ address: alice.address });
    // Used: one more may be issued, and then the quota is full again.
    mine.push((await service.issueNonce(CLIENT)).nonce);
    await expect(service.issueNonce(CLIENT)).rejects.toBeInstanceOf(NonceQuotaExceeded);
    // Expired: the quota frees on its own.
    clock.advance(TTL_MS);
    await service.issueNonce(CLIENT);
    await expect(service.verify(await signed(mine[1]!))).rejects.toMatchObject({ reason: 'nonce' });
  });

  it('refuses every client once the whole store is full, evicting none', async () => {
    const { service, clock } = setup({ nonces: new MemoryNonceStore({ perClient: 2, total: 3 }) });
    const a = (await service.issueNonce('192.0.2.1')).nonce;
    await service.issueNonce('192.0.2.1');
    await service.issueNonce('192.0.2.2');
    await expect(service.issueNonce('192.0.2.3')).rejects.toMatchObject({ scope: 'store', retryAfterMs: TTL_MS });
    const message = messageFor(a, clock.now());
    await expect(service.verify({ message, signature: await alice.signMessage(message) })).resolves.toEqual({ address: alice.address });
    await service.issueNonce('192.0.2.3');
  });

  it('rejects nonsensical options', () => {
    expect(() => setup({ nonceTtlMs: 0 })).toThrow(RangeError);
    expect(() => setup({ chainId: 0 })).toThrow(RangeError);
    expect(() => new MemoryNonceStore({ perClient: 0, total: 10 })).toThrow(RangeError);
    expect(() => new MemoryNonceStore({ perClient: 1, total: 1.5 })).toThrow(RangeError);
  });
});


/** An EIP-4361 message built with the siwe package directly, for fields buildSignInMessage never sets. */
function rawMessage(nonce: string, now: number, extra: { notBefore?: string; resources?: string[]; statement?: string }): string {
  return new SiweMessage({ domain: DOMAIN, address: alice.address, uri: URI, version: '1', chainId: 1, nonce, issuedAt: new Date(now).toISOString(), ...extra }).prepareMessage();
}
