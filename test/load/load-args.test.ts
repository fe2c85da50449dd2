/** The load tool's `--url`: a URL with credentials is refused without echoing them. */
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from './load-args.ts';

describe('load-args --url', () => {
  it('refuses a URL with a user name or password, and does not print it', () => {
    for (const url of ['http://user:secret@localhost:2567', 'http://secret@localhost:2567']) {
      expect(() => parseLoadArgs(['--url', url])).toThrow(/must not carry a user name or password/);
      expect(() => parseLoadArgs(['--url', url])).not.toThrow(/secret/);
    }
  });

  it('takes a plain URL, without its trailing slash', () => {
    expect(parseLoadArgs(['--url', 'http://localhost:2567/']).url).toBe('http://localhost:2567');
  });
});
