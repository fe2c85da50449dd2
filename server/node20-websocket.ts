/**
 * Colyseus 0.18 reads a global `WebSocket` when a client reconnects; Node 20 has none, so every
 * reconnect would fail. Import this module before Colyseus.
 */
import { WebSocket } from 'ws';

globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;
