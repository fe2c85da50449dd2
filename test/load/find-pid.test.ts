/** The load tool's lookup of a server's process by its port (/proc/net/tcp), on a table and on a real listener. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, listeningInodes, pidListeningOn } from './find-pid.ts';

const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0A07 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0A07 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 434343 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444444 1 0000000000000000 100 0 0 10 0`;

describe('find-pid', () => {
  it('looks a process up only for a loopback host', () => {
    for (const url of ['http://localhost:2567', 'http://LOCALHOST.:1', 'http://127.0.0.1:2567', 'http://127.1.2.3', 'http://[::1]:2567'])
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(true);
    for (const url of ['http://example.com:2567', 'http://10.0.0.5:2567', 'http://128.0.0.1', 'http://localhost.example.com', 'http://[::2]:2567'])
      expect(isLoopbackHost(new URL(url).hostname), url).toBe(false);
  });

  it('finds the inode of the socket listening on a port, not of its connections', () => {
    expect(listeningInodes(TABLE, 0x0a07)).toEqual(['424242']);
    expect(listeningInodes(TABLE, 8080)).toEqual(['444444']);
    expect(listeningInodes(TABLE, 9)).toEqual([]);
  });

  it('finds this process listening on a loopback port, and nothing on a closed one', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(pidListeningOn(port)).toBe(process.pid);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(pidListeningOn(port)).toBeUndefined();
  });
});
