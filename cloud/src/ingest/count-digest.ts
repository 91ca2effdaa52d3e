import {
  COUNT_DIGEST_EXTENSION,
  CountDigestSchema,
  applyCountChanges,
  countDigestOf,
  type CountDigest,
} from '../../../shared/src/contracts/count-digest.js';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { gtinOfEpcUrn } from '../ledger/epc-product.js';

/**
 * Count digests, cloud side (pure). A digest count names a digest of the shelf's EPC set and the
 * changes since the shelf's previous count; the cloud applies the changes to what its books hold
 * on the shelf and hashes the result. Equal: that set is the shelf's set, booked as a count exactly
 * like a full one. Different: the books drifted (or a count was lost), the event books nothing and
 * the cloud asks the gateway for the full set (count-digest-requests.ts).
 *
 * Applying the changes to the books rather than to a remembered copy of the last count keeps it
 * right while the shelf's own stocking/removing events are still in flight: they move the same
 * EPCs the changes name, so books + changes is the same set before or after they commit.
 */

export interface DigestCount {
  eventId: string;
  shelf: string;
  location: string;
  digest: CountDigest;
}

/** The digest counts of a document, in order; a malformed extension is left to the mapping, which refuses it. */
export function digestCountsOf(document: EpcisDocument): DigestCount[] {
  const found: DigestCount[] = [];
  for (const event of document.epcisBody.eventList) {
    if (event.type !== 'ObjectEvent' || event.bizStep !== 'cycle_counting') continue;
    const extension = event[COUNT_DIGEST_EXTENSION];
    if (extension === undefined) continue;
    const parsed = CountDigestSchema.safeParse(extension);
    const shelf = event['stockwire:shelf'];
    if (!parsed.success || typeof shelf !== 'string') continue;
    found.push({ eventId: event.eventID, shelf, location: event.bizLocation.id, digest: parsed.data });
  }
  return found;
}

/** A full count of a document: its shelf and the EPCs in it the books can never hold. */
export interface FullCount {
  shelf: string;
  unbookable: string[];
}

/**
 * EPCs the ledger does not book (SSCC, GRAI, raw or undecodable tags: no GTIN) never show in the books,
 * so the cloud remembers them per shelf from the last full count and adds them to the books' side.
 */
export function unbookableEpcs(epcs: Iterable<string>): string[] {
  const found: string[] = [];
  for (const epc of epcs) if (gtinOfEpcUrn(epc) === undefined) found.push(epc);
  return found;
}

/** The full counts (shelf events with their epcList) of a document, in order. */
export function fullCountsOf(document: EpcisDocument): FullCount[] {
  const found: FullCount[] = [];
  for (const event of document.epcisBody.eventList) {
    if (event.type !== 'ObjectEvent' || event.bizStep !== 'cycle_counting') continue;
    const shelf = event['stockwire:shelf'];
    if (event[COUNT_DIGEST_EXTENSION] !== undefined || typeof shelf !== 'string') continue;
    found.push({ shelf, unbookable: unbookableEpcs(event.epcList) });
  }
  return found;
}

export type DigestVerdict =
  { agrees: true; epcs: string[] } | { agrees: false; booksTags: number; expectedTags: number };

/**
 * Books (the EPCs in stock at the shelf, plus the unbookable EPCs remembered from its last count) + the
 * count's changes, hashed and compared.
 */
export function confirmDigest(
  books: readonly string[],
  digest: CountDigest,
  unbookable: readonly string[] = [],
): DigestVerdict {
  const expected = applyCountChanges(unbookable.length === 0 ? books : [...books, ...unbookable], digest);
  if (expected.length === digest.tags && countDigestOf(expected) === digest.digest)
    return { agrees: true, epcs: expected };
  return { agrees: false, booksTags: books.length, expectedTags: expected.length };
}
