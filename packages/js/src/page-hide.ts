import { type EventQueue, sdkUrl } from '@pennon/sdk-core';

/**
 * When the page is hidden (tab switched, closed, navigated away; the last moment a page is
 * sure to run), hands every queued event to `navigator.sendBeacon`, which the browser delivers
 * even after the page is gone. Beacons cannot send headers, so the client key goes in the
 * query and the JSON as text/plain. A beacon the browser refuses (too large) is put back for
 * the normal sender. Returns the function that stops listening.
 * @example
 * const stop = sendOnPageHide(queue, { url, key: clientKey });
 */
export function sendOnPageHide(queue: EventQueue, endpoint: { url: string; key: string }): () => void {
  if (typeof document === 'undefined' || typeof navigator === 'undefined' || !navigator.sendBeacon) {
    return () => {};
  }
  const target = `${sdkUrl(endpoint, 'events')}?key=${encodeURIComponent(endpoint.key)}`;
  const send = () => {
    // Small batches: browsers refuse beacons past about 64 KiB in flight.
    for (let batch = queue.drain(100); batch; batch = queue.drain(100)) {
      const body = new Blob([JSON.stringify(batch)], { type: 'text/plain' });
      if (!navigator.sendBeacon(target, body)) {
        queue.restore(batch);
        return;
      }
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') send();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', send);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', send);
  };
}
