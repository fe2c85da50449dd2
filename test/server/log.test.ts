import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, Secret } from '../../server/log.ts';

const hex = (fill: string) => fill.repeat(64);
const secrets = {
  secretKey: hex('a'),
  privateKey: hex('b'),
  operatorKey: hex('c'),
  vrfSecretKey: hex('d'),
  nested: hex('e'),
  deeper: hex('f'),
  wrapped: '0123456789abcdef'.repeat(4),
};

function memoryLogger(level = 'info') {
  const lines: string[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { log, output: () => lines.join('') };
}

function expectNoSecret(text: string) {
  for (const value of Object.values(secrets)) expect(text).not.toContain(value);
}

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const { log, output } = memoryLogger('warn');
    log.info('hidden');
    log.warn({ room: 'dice-1' }, 'visible');
    const lines = output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, room: 'dice-1', msg: 'visible' });
  });

  it('redacts secret keys at the top level and nested one and two levels deep', () => {
    const { log, output } = memoryLogger();
    log.info(
      {
        secretKey: secrets.secretKey,
        privateKey: secrets.privateKey,
        keys: { operatorKey: secrets.operatorKey, vrfSecretKey: secrets.vrfSecretKey },
        server: { keys: { secretKey: secrets.nested, privateKey: secrets.deeper } },
        publicKey: 'not-secret',
        signature: '0xsig',
      },
      'keys loaded',
    );
    const text = output();
    expectNoSecret(text);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({
      secretKey: '[Redacted]',
      privateKey: '[Redacted]',
      keys: { operatorKey: '[Redacted]', vrfSecretKey: '[Redacted]' },
      server: { keys: { secretKey: '[Redacted]', privateKey: '[Redacted]' } },
      publicKey: 'not-secret',
      signature: '0xsig',
    });
  });

  it('never prints a Secret, under any key, in fields or in the message', () => {
    const { log, output } = memoryLogger();
    const secret = new Secret(secrets.wrapped);
    log.info({ token: secret, deep: { a: { b: { c: secret } } } }, `using ${secret}`);
    log.error(new Error(`failed with ${secret}`));
    const text = output();
    expectNoSecret(text);
    expect(text).toContain('[secret]');
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ token: '[secret]', msg: 'using [secret]' });
  });
});

describe('Secret', () => {
  it('reveals its value only through reveal()', () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    const secret = new Secret(bytes);
    expect(secret.reveal()).toBe(bytes);
    expect(Object.keys(secret)).toEqual([]);
  });

  it('renders as [secret] in JSON, strings, util.inspect and structured clones', () => {
    const secret = new Secret(secrets.wrapped);
    const renderings = [
      JSON.stringify({ secret }),
      String(secret),
      `${secret}`,
      'x' + secret,
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 10, showHidden: true }),
      new Error(`bad key ${secret}`).message,
      JSON.stringify(structuredClone({ secret })),
    ];
    for (const text of renderings) expect(text).not.toContain(secrets.wrapped);
    expect(renderings.slice(0, 6).every((text) => text.includes('[secret]'))).toBe(true);
  });
});
