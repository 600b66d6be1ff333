// The ceiling of Node's HTTP on this machine, for the HTTP benchmark (DESIGN.md §8): a bare
// `node:http` server that does the least any server answering these requests must do — read
// the request body and JSON-parse it — and answers with bytes precomputed from Pennon's own
// answer to a sample request. Run as its own process, like Pennon's, so both get a core.
//
//   node bench/ceiling-server.mjs --port N --host H --answers FILE
//
// FILE: JSON `{ "<METHOD> <path>": { status, headers, body (base64) } }`. `GET /health` answers
// 200 so the benchmark can wait for it as it waits for Pennon.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, answers: { type: 'string' } },
});

const answers = new Map();
for (const [route, answer] of Object.entries(JSON.parse(readFileSync(values.answers, 'utf8')))) {
  const body = Buffer.from(answer.body, 'base64');
  answers.set(route, {
    status: answer.status,
    headers: { ...answer.headers, 'content-length': String(body.length) },
    body,
  });
}
answers.set('GET /health', { status: 200, headers: { 'content-length': '2' }, body: Buffer.from('ok') });
const notFound = { status: 404, headers: { 'content-length': '0' }, body: Buffer.alloc(0) };

const server = createServer((req, res) => {
  const answer = answers.get(`${req.method} ${req.url}`) ?? notFound;
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (chunks.length > 0) {
      try {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-length': '0' }).end();
        return;
      }
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(values.port), values.host);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
