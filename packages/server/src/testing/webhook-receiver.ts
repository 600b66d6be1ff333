import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verify,
} from '../webhooks/webhook-signature.js';

export interface ReceivedDelivery {
  id: string;
  event: string;
  body: string;
  json: { id: string; event: string; webhook_id: string; created_at: string; data: Record<string, unknown> };
  /** Whether X-Pennon-Signature verified against the secret the test gave, as a receiver checks it. */
  verified: boolean;
}

/**
 * A webhook receiver on loopback (node:http), as a user would write one: reads the raw body,
 * verifies the signature with the webhook's secret, and answers what the test queued (200 when
 * nothing is queued).
 */
export async function startReceiver(): Promise<{
  url: string;
  received: ReceivedDelivery[];
  /** The secret to verify with; set after creating the webhook. */
  secret: { value: string };
  /** Answers for the next requests, in order. */
  answers: { status: number; body: string }[];
  close(): Promise<void>;
}> {
  const received: ReceivedDelivery[] = [];
  const answers: { status: number; body: string }[] = [];
  const secret = { value: '' };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        id: String(request.headers[DELIVERY_HEADER]),
        event: String(request.headers['x-pennon-event']),
        body,
        json: JSON.parse(body),
        verified: verify(
          secret.value,
          {
            signature: request.headers[SIGNATURE_HEADER] as string | undefined,
            timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
          },
          body,
          Math.floor(Date.now() / 1000),
        ),
      });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    secret,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
