import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.js';
import { epcisDocument, packingEvent, receivingEvent } from './documents.js';
import { WRITE_TOKEN, startEpcisInstance } from './harness.js';

describe('forwarding to an external EPCIS 2.0 capture interface (a second instance of ours on 127.0.0.1)', () => {
  it('keeps every event while the target is down and delivers all of them once it is back', async () => {
    // Reserve a port for the target, then take the target down: the source starts forwarding into nothing.
    const firstTarget = await startEpcisInstance();
    const targetUrl = firstTarget.url;
    const targetPort = Number(new URL(targetUrl).port);
    await firstTarget.stop();
    const source = await startEpcisInstance({
      forward: {
        url: targetUrl,
        token: WRITE_TOKEN,
        batchEventsMax: 2,
        pollIntervalMs: 20,
        requestTimeoutMs: 2_000,
        retryInitialDelayMs: 20,
        retryDelayMsMax: 100,
      },
    });
    let target: Awaited<ReturnType<typeof startEpcisInstance>> | undefined;
    try {
      const response = await fetch(`${source.url}/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(epcisDocument([receivingEvent([1, 2]), receivingEvent([3], 1), packingEvent([1, 2, 3])])),
      });
      expect(response.status).toBe(202);
      await waitFor(() => (source.epcis.forwarder!.stats().failures >= 2 ? true : undefined), 10_000, 'failures');
      expect(await source.epcis.repository.forwardBacklog()).toBe(3);

      target = await startEpcisInstance({}, targetPort);
      await waitFor(
        async () => ((await source.epcis.repository.forwardBacklog()) === 0 ? true : undefined),
        10_000,
        'the outbox to drain',
      );
      await target.epcis.capture.idle();
      const sent = (await source.epcis.repository.queryEvents({ limit: 10 })).events.map((event) => event.eventId);
      const received = (await target.epcis.repository.queryEvents({ limit: 10 })).events.map((event) => event.eventId);
      // Every event arrives exactly once; a retried delivery may land after a later one, so order is not asserted.
      expect([...received].sort()).toEqual([...sent].sort());
      expect(source.epcis.forwarder!.stats().eventsForwarded).toBe(3);
    } finally {
      await source.stop();
      await target?.stop();
    }
  });
});
