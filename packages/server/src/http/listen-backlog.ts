/**
 * Connections the kernel queues for the server before it accepts them. Node's default (511)
 * is smaller than a burst of SSE clients reconnecting at once (after a deploy, or a proxy
 * restart): the kernel drops the SYNs beyond it and the clients retry only a second or more
 * later. The kernel caps the value at `net.core.somaxconn` (4096 on current Linux).
 */
export const LISTEN_BACKLOG = 4096;
