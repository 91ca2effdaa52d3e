import {
  COUNT_DIGEST_EXTENSION,
  CountDigestSchema,
  applyCountChanges,
  countDigestOf,
  type CountDigest,
} from '../../../shared/src/contracts/count-digest.js';
import type { EpcisDocument } from '../../../shared/src/contracts/epcis.js';

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

export type DigestVerdict =
  { agrees: true; epcs: string[] } | { agrees: false; booksTags: number; expectedTags: number };

/** Books (the EPCs in stock at the shelf) + the count's changes, hashed and compared. */
export function confirmDigest(books: readonly string[], digest: CountDigest): DigestVerdict {
  const expected = applyCountChanges(books, digest);
  if (expected.length === digest.tags && countDigestOf(expected) === digest.digest)
    return { agrees: true, epcs: expected };
  return { agrees: false, booksTags: books.length, expectedTags: expected.length };
}
