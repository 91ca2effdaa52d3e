import { CountCommandSchema } from '../../../shared/src/contracts/count-digest.js';
import type { EpcisDocument, EpcisEvent } from '../../../shared/src/contracts/epcis.js';
import { ManualClock } from '../../../shared/src/clock.js';
import { silentLogger } from '../../../shared/src/log.js';
import { CountDigestConfigSchema } from '../../../gateway/src/counts/config.js';
import { CountDigester } from '../../../gateway/src/counts/digester.js';
import { CountDigestResolver } from '../../../cloud/src/ingest/count-digest-requests.js';
import type { ResolvedCounts } from '../../../cloud/src/ingest/epcis-to-transactions.js';
import type { LedgerStore } from '../../../cloud/src/store/ledger-store.js';

/**
 * Shelf counts on the wire, as production sends them: the gateway's CountDigester turns each
 * `cycle_counting` snapshot into a digest + changes (or a full set when it must), the cloud's
 * CountDigestResolver confirms a digest against the books and, when they disagree, publishes a
 * full-count request, which reaches the digester here as the gateway's commands topic would (its
 * next count of that shelf goes out in full). With `digests: false` every count carries its whole
 * EPC set (the gateway option `counts.digests`). The bytes of every shelf count as sent (its JSON)
 * are summed, so the ablation shows what digests save.
 *
 * One difference from the daemon: the replay's debounce engine has already run, so a request cannot
 * make the shelf count at its next round (the engine's requestCount); the next scheduled count goes
 * out in full instead (countIntervalMs later at most).
 */

export interface CountWireStats {
  /** Shelf counts sent, and the bytes of their JSON. */
  counts: number;
  bytes: number;
  /** Counts sent as a digest; digests the books confirmed / did not (nothing booked, full set requested). */
  digests: number;
  digestsAgreed: number;
  digestsDisagreed: number;
  fullCountRequests: number;
}

export interface CountWire {
  /** Gateway side: a document's events as they leave the gateway. */
  shape(events: readonly EpcisEvent[]): readonly EpcisEvent[];
  /** Cloud side: the shelf sets of the document's digest counts the books confirm. */
  resolve(document: EpcisDocument): Promise<ResolvedCounts | undefined>;
  /** The replay's clock: the time of the document being fed. */
  advanceTo(timeMs: number): void;
  stats(): CountWireStats;
}

export function openCountWire(options: {
  digests: boolean;
  store: LedgerStore;
  siteId: string;
  gatewayId: string;
}): CountWire {
  // The replay's time: the document being fed (the resolver reads only nowMs, it sets no timers).
  const clock = new ManualClock();
  const digester = new CountDigester(CountDigestConfigSchema.parse({ digests: options.digests }));
  const resolver = new CountDigestResolver(
    { requestIntervalMs: 60_000, shelvesTrackedMax: 4_096 },
    {
      books: async (location, limit) =>
        (await options.store.epcsWhere({ status: 'in_stock', locations: [location], limit })).map((row) => row.epc),
      // The commands topic: the cloud's request reaches the gateway's digester.
      publish: (_topic, payload) => {
        const command = CountCommandSchema.parse(JSON.parse(payload));
        digester.requestFull(command.shelf, clock.nowMs());
      },
      clock,
      logger: silentLogger(),
    },
  );
  const sent = { counts: 0, bytes: 0 };
  return {
    shape(events) {
      const shaped = digester.shape(events);
      for (const event of shaped) {
        if (event.bizStep !== 'cycle_counting' || typeof event['stockwire:shelf'] !== 'string') continue;
        sent.counts++;
        sent.bytes += Buffer.byteLength(JSON.stringify(event));
      }
      return shaped;
    },
    resolve: (document) => resolver.resolve(document, options.siteId, options.gatewayId),
    advanceTo: (timeMs) => clock.advanceTo(timeMs),
    stats() {
      const cloud = resolver.stats();
      return {
        ...sent,
        digests: digester.stats().countsDigest,
        digestsAgreed: cloud.digestsAgreed,
        digestsDisagreed: cloud.digestsDisagreed,
        fullCountRequests: cloud.fullCountRequests,
      };
    },
  };
}
