import { OBJECT_EVENT_EPCS_MAX, type EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import type { CountCommand } from '../../../shared/src/contracts/count-digest.js';
import { gatewayTopic } from '../../../shared/src/contracts/topics.js';
import type { Clock } from '../../../shared/src/clock.js';
import { errorMessage } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { confirmDigest, digestCountsOf, fullCountsOf, unbookableEpcs, type DigestCount } from './count-digest.js';

/**
 * The shell around count-digest.ts: reads what the books hold on a shelf, confirms each digest
 * count of a document, and asks the gateway for the full set when the books disagree, at most
 * once per shelf per `requestIntervalMs` (a request lost on the way is sent again at the next
 * disagreement after that). Requests go to `stockwire/v1/<site>/<gateway>/commands`, QoS 1.
 */

export interface CountDigestOptions {
  /** Requests for one shelf at most this often. */
  requestIntervalMs: number;
  /** Shelves whose last request time is remembered; past it the oldest is forgotten. */
  shelvesTrackedMax: number;
}

export interface CountDigestStats {
  digestsAgreed: number;
  digestsDisagreed: number;
  fullCountRequests: number;
  fullCountRequestsSuppressed: number;
  booksUnreadable: number;
}

export interface CountDigestDeps {
  /** EPCs in stock at a location, per the books. */
  books(location: string, limit: number): Promise<string[]>;
  publish(topic: string, payload: string): void;
  clock: Clock;
  logger: Logger;
}

export class CountDigestResolver {
  private readonly lastRequestMs = new Map<string, number>();
  /** Per shelf: EPCs of its last count the books cannot hold (count-digest.ts unbookableEpcs); only non-empty ones. */
  private readonly unbookableByShelf = new Map<string, readonly string[]>();
  private readonly counters: CountDigestStats = {
    digestsAgreed: 0,
    digestsDisagreed: 0,
    fullCountRequests: 0,
    fullCountRequestsSuppressed: 0,
    booksUnreadable: 0,
  };

  constructor(
    private readonly options: CountDigestOptions,
    private readonly deps: CountDigestDeps,
  ) {}

  /**
   * eventID → the shelf's whole EPC set, for each digest count of the document the books confirm.
   * Undefined when the document has none (the common case costs one scan of its events).
   */
  async resolve(
    document: EpcisDocument,
    siteId: string,
    gatewayId: string,
  ): Promise<ReadonlyMap<string, readonly string[]> | undefined> {
    for (const full of fullCountsOf(document))
      this.rememberUnbookable(`${siteId}/${gatewayId}/${full.shelf}`, full.unbookable);
    const counts = digestCountsOf(document);
    if (counts.length === 0) return undefined;
    const resolved = new Map<string, readonly string[]>();
    for (const count of counts) {
      const books = await this.readBooks(count.location);
      if (books === undefined) continue;
      const shelfKey = `${siteId}/${gatewayId}/${count.shelf}`;
      const verdict = confirmDigest(books, count.digest, this.unbookableByShelf.get(shelfKey));
      if (verdict.agrees) {
        this.counters.digestsAgreed++;
        this.rememberUnbookable(shelfKey, unbookableEpcs(verdict.epcs));
        resolved.set(count.eventId, verdict.epcs);
        continue;
      }
      this.counters.digestsDisagreed++;
      this.deps.logger.info(
        { site: siteId, gateway: gatewayId, shelf: count.shelf, ...verdict, gatewayTags: count.digest.tags },
        'count digest disagrees with the books',
      );
      this.requestFullCount(siteId, gatewayId, count);
    }
    return resolved;
  }

  stats(): CountDigestStats {
    return { ...this.counters };
  }

  private rememberUnbookable(shelfKey: string, unbookable: readonly string[]): void {
    this.unbookableByShelf.delete(shelfKey);
    if (unbookable.length === 0) return;
    this.unbookableByShelf.set(shelfKey, unbookable);
    if (this.unbookableByShelf.size > this.options.shelvesTrackedMax) {
      const oldest = this.unbookableByShelf.keys().next().value;
      if (oldest !== undefined) this.unbookableByShelf.delete(oldest);
    }
  }

  /** Undefined when the store cannot answer: the count then books nothing (the next one tries again). */
  private async readBooks(location: string): Promise<string[] | undefined> {
    try {
      return await this.deps.books(location, OBJECT_EVENT_EPCS_MAX + 1);
    } catch (error) {
      this.counters.booksUnreadable++;
      this.deps.logger.warn({ err: errorMessage(error), location }, 'books unreadable; digest count not booked');
      return undefined;
    }
  }

  private requestFullCount(siteId: string, gatewayId: string, count: DigestCount): void {
    const key = `${siteId}/${gatewayId}/${count.shelf}`;
    const nowMs = this.deps.clock.nowMs();
    const lastMs = this.lastRequestMs.get(key);
    if (lastMs !== undefined && nowMs - lastMs < this.options.requestIntervalMs) {
      this.counters.fullCountRequestsSuppressed++;
      return;
    }
    this.lastRequestMs.delete(key);
    this.lastRequestMs.set(key, nowMs);
    if (this.lastRequestMs.size > this.options.shelvesTrackedMax) {
      const oldest = this.lastRequestMs.keys().next().value;
      if (oldest !== undefined) this.lastRequestMs.delete(oldest);
    }
    const command: CountCommand = {
      command: 'full_count',
      shelf: count.shelf,
      location: count.location,
      reason: 'digest_mismatch',
      eventId: count.eventId,
      time: new Date(nowMs).toISOString(),
    };
    this.counters.fullCountRequests++;
    this.deps.publish(gatewayTopic(siteId, gatewayId, 'commands'), JSON.stringify(command));
  }
}
