// The load side of the streams benchmark: many SSE streams over raw sockets, read as cheaply as
// Node allows, so that the time to a change's arrival measures the server's fan-out and not the
// client's parsing.
//
// Every socket reads through `onread` into ONE shared buffer (Node's "static buffer" reads): no
// stream machinery, no Buffer allocated per read, no 'data' events. A read is handled at once,
// synchronously, so sharing the buffer is safe. Arrival is the `performance.now()` of the first
// read that holds the change event, taken in that read's callback: it includes the time this
// process takes to reach that socket among the others that became readable together, but no
// parsing beyond finding two byte sequences.

import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const SHARED = Buffer.allocUnsafe(64 * 1024);
const CHANGE = Buffer.from('event: change\n');
const ID = Buffer.from('id: ');
const END_OF_MESSAGE = Buffer.from('\n\n');

/**
 * One round of timing: every armed stream records when the change arrived and the event id it
 * carried; `done` resolves when all have, or at `timeoutMs`.
 */
export function armRound(streams, timeoutMs) {
  const round = { pending: streams.length, finish: () => {} };
  round.done = new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    round.finish = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  for (const stream of streams) {
    stream.round = round;
    stream.arrivedAt = undefined;
    stream.id = undefined;
  }
  if (round.pending === 0) round.finish();
  return round;
}

export function disarm(streams) {
  for (const stream of streams) stream.round = undefined;
}

/**
 * Opens one stream (`GET path` on a raw socket). Resolves once the response is 200 and the
 * opening `change` event came; rejects on any other answer.
 */
export function openStream({ host, port, path }) {
  return new Promise((resolve, reject) => {
    const stream = {
      socket: undefined,
      opened: false,
      round: undefined,
      arrivedAt: undefined,
      id: undefined,
      /** Bytes of a message split across reads (rare on loopback: each message is one write). */
      partial: undefined,
    };
    let head = '';
    const onread = (nread, buffer) => {
      if (!stream.opened) {
        head += buffer.latin1Slice(0, nread);
        if (!head.startsWith('HTTP/1.1 200')) {
          if (head.includes('\r\n')) {
            socket.destroy();
            reject(new Error(head.split('\r\n')[0]));
          }
          return true;
        }
        if (head.includes('event: change')) {
          stream.opened = true;
          socket.setTimeout(0);
          head = '';
          resolve(stream);
        }
        return true;
      }
      if (stream.round !== undefined && stream.arrivedAt === undefined) received(stream, buffer, nread);
      return true;
    };
    const socket = connect({ host, port, noDelay: true, onread: { buffer: SHARED, callback: onread } });
    stream.socket = socket;
    socket.setTimeout(60_000);
    socket.on('timeout', () => socket.destroy(new Error('no answer within 60 s')));
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    socket.on('error', (error) => reject(error));
    socket.on('close', () => {
      if (!stream.opened) reject(new Error('closed before the opening event'));
    });
  });
}

/** A read while armed: the arrival is this read if it completes a change event. */
function received(stream, buffer, nread) {
  const at = performance.now();
  let bytes = buffer.subarray(0, nread);
  if (stream.partial !== undefined) {
    bytes = Buffer.concat([stream.partial, bytes]);
    stream.partial = undefined;
  }
  const change = bytes.indexOf(CHANGE);
  if (change === -1 || bytes.indexOf(END_OF_MESSAGE, change) === -1) {
    // Not yet whole (or a heartbeat): keep what follows the last complete message.
    const end = bytes.lastIndexOf(END_OF_MESSAGE);
    const rest = end === -1 ? bytes : bytes.subarray(end + 2);
    if (rest.length > 0) stream.partial = Buffer.from(rest);
    return;
  }
  // The id line precedes the event line within the message.
  const idStart = bytes.lastIndexOf(ID, change);
  const idEnd = idStart === -1 ? -1 : bytes.indexOf(10, idStart);
  stream.id = idEnd === -1 ? '' : bytes.latin1Slice(idStart + ID.length, idEnd);
  stream.arrivedAt = at;
  const { round } = stream;
  if (--round.pending === 0) round.finish();
}

/** Opens `count` streams, at most `parallel` connecting at a time. */
export async function openStreams(target, count, parallel) {
  const streams = [];
  const failures = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      try {
        streams.push(await openStream(target));
      } catch (error) {
        failures.push(String(error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return { streams, failures };
}

export function closeAll(streams) {
  for (const stream of streams) stream.socket.destroy();
}
