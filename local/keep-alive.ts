import type { Server } from 'node:http';

/**
 * Leaves idle keep-alive connections open until the client closes them (or the server stops),
 * instead of Node's 5 s timeout. The local cloud runs every function in its own event loop, and
 * the first call of a bundled function blocks that loop for seconds on a busy machine (8 s
 * measured with tests running beside it). A request sent on an idle connection during such a
 * block waited in the socket while the keep-alive timer expired, and the timer ran first when the
 * loop came back: the server closed a socket holding an unread request, and the client got
 * ECONNRESET for a request the server never saw. Clients close idle connections themselves
 * (fetch after 4 s), and a stop closes them all.
 */
export function keepIdleConnectionsOpen(server: Server): void {
  server.keepAliveTimeout = 0;
}
