import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections in total; Node refuses (closes) any beyond. */
  total: number;
  /** Open connections from one peer address. */
  perAddress: number;
}

/**
 * Bounds the sockets one server holds, in total and per peer address, so one machine
 * opening connections (idle, or trickling a request) cannot take every socket the process
 * has. A connection over the bound is closed at once, before any byte of it is read.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.total;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.perAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * Node's http server options for receiving requests: a whole request (headers and body) must
 * arrive within `seconds`, or the connection gets 408 and is closed. Node checks at
 * `connectionsCheckingInterval`, so that runs often enough for the bound to hold within a quarter.
 */
export function receiveTimeouts(seconds: number) {
  const ms = seconds * 1000;
  return {
    requestTimeout: ms,
    http: { headersTimeout: ms, connectionsCheckingInterval: Math.min(5000, Math.max(100, ms / 4)) },
  };
}
