import { invalid } from '../errors.js';

/**
 * A receiver's address: absolute http(s) only (no `file:`, `javascript:` or other schemes a
 * fetch could be pointed at), and no `user:password@`, which would sit in every listing and
 * every log line. Returns the URL as WHATWG normalises it.
 */
export function checkWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(
      'invalid_webhook_url',
      `'${value}' is not an absolute URL; send e.g. "https://hooks.example.com/pennon".`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(
      'invalid_webhook_url',
      `A webhook URL must use http or https, not '${url.protocol.slice(0, -1)}'.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(
      'invalid_webhook_url',
      'A webhook URL must not carry credentials (user:password@); deliveries are signed instead, ' +
        'verify the X-Pennon-Signature header.',
    );
  }
  return url.href;
}
