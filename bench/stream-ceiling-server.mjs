// The ceiling of the streams benchmark: what a bare `node:net` server costs for the same fan-out.
// Any request on a connection gets the head of an event stream and an opening `change` event;
// on {type: 'change', id} from the parent, it writes one pre-encoded `change` event to every
// open socket with `socket.write`, as Pennon's hub does. No HTTP parsing, routing, keys,
// snapshots or bookkeeping beyond one Set: what is left is Node's and the kernel's cost per
// stream, on this machine, in the same run.
//
//   messages in:  {type: 'change', id}  {type: 'memory'} → {type: 'memory', ...}  {type: 'stop'}
//   message out:  {type: 'listening', url} once it listens

import { createServer } from 'node:net';
import { sendMemory } from './child-memory.mjs';

const HEAD =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n' +
  'connection: close\r\n\r\nretry: 3000\n\n';
const event = (id) =>
  `id: ${id}\nevent: change\ndata: {"updated_at":"${new Date().toISOString()}","etag":${JSON.stringify(id)}}\n\n`;

const sockets = new Set();
let current = '"0"';
const server = createServer({ noDelay: true }, (socket) => {
  socket.once('data', () => {
    socket.write(HEAD + event(current));
    sockets.add(socket);
  });
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
});
server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', url: `http://127.0.0.1:${server.address().port}` });
});

process.on('message', (message) => {
  if (message?.type === 'change') {
    current = message.id;
    const bytes = Buffer.from(event(current));
    for (const socket of sockets) socket.write(bytes);
    process.send({ type: 'changed' });
  } else if (message?.type === 'memory') {
    sendMemory();
  } else if (message?.type === 'stop') {
    for (const socket of sockets) socket.destroy();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
