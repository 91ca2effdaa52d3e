import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EpcUrnSchema, OBJECT_EVENT_EPCS_MAX } from './epcis.js';
import { isoTimeSchema } from './iso-time.js';

/**
 * Count digests: a smart shelf's cycle count on the wire as a digest of its EPC set plus
 * the changes since the shelf's previous count, instead of the whole set (a 1,000-EPC
 * shelf is ~60 KB as a full list, ~0.3 KB as a digest with no change).
 *
 * The digest event is an EPCIS 2.0 ObjectEvent (OBSERVE, bizStep `cycle_counting`) with an
 * empty `epcList` and the `stockwire:countDigest` extension below. The cloud applies the
 * changes to what its books hold on the shelf and compares digests; when they disagree it
 * asks for the full set on `stockwire/v1/<site>/<gateway>/commands` (CountCommandSchema),
 * and the gateway answers with a full count marked `stockwire:fullCount: "requested"`.
 *
 * Canonical form of the digest (COUNT_DIGEST_ALGORITHM): the set's EPC URNs exactly as they
 * travel in `epcList` (pure-identity or raw URNs), de-duplicated, sorted by UTF-16 code
 * unit (= byte order: URNs are ASCII), each followed by one LF (0x0A), UTF-8; SHA-256 of
 * that, lower-case hex. The empty set is the SHA-256 of zero bytes.
 */

export const COUNT_DIGEST_ALGORITHM = 'sha256-sorted-urn-lf';
/** Event extension carrying a digest count. */
export const COUNT_DIGEST_EXTENSION = 'stockwire:countDigest';
/** Event extension on a full count sent while digests are on: why this one is full. */
export const FULL_COUNT_EXTENSION = 'stockwire:fullCount';

/** Changed EPCs per digest at most; past it a full count is cheaper anyway. */
export const COUNT_CHANGES_MAX = OBJECT_EVENT_EPCS_MAX;

export const CountDigestSchema = z
  .object({
    algorithm: z.literal(COUNT_DIGEST_ALGORITHM),
    /** SHA-256 (hex) of the shelf's whole EPC set at eventTime, canonicalised as above. */
    digest: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
    /** Size of the set the digest covers. */
    tags: z.number().int().nonnegative().max(OBJECT_EVENT_EPCS_MAX),
    /** eventID of the shelf's previous count, the basis of the changes (for people and logs). */
    basis: z.string().min(1).max(256),
    /** EPCs in the set now that were not in the previous count's set (sorted). */
    added: z.array(EpcUrnSchema).max(COUNT_CHANGES_MAX),
    /** EPCs in the previous count's set that are gone now (sorted). */
    removed: z.array(EpcUrnSchema).max(COUNT_CHANGES_MAX),
  })
  .strict();
export type CountDigest = z.infer<typeof CountDigestSchema>;

/** Why a count went out in full while digests are on. */
export const FULL_COUNT_REASONS = ['first', 'requested', 'cadence', 'changes'] as const;
export type FullCountReason = (typeof FULL_COUNT_REASONS)[number];

/** Cloud → gateway, QoS 1, not retained, on the gateway's `commands` topic. */
export const CountCommandSchema = z
  .object({
    command: z.literal('full_count'),
    /** The shelf id (`stockwire:shelf` of its events). */
    shelf: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .max(64),
    /** The shelf's bizLocation, for people reading the topic. */
    location: z.string().min(1).max(512),
    reason: z.literal('digest_mismatch'),
    /** The digest count the cloud could not confirm. */
    eventId: z.string().min(1).max(256),
    time: isoTimeSchema({ secondsRequired: true }),
  })
  .strict();
export type CountCommand = z.infer<typeof CountCommandSchema>;

/** Sorted, de-duplicated copy of the URNs: the canonical order of a count. */
export function canonicalEpcSet(urns: Iterable<string>): string[] {
  return [...new Set(urns)].sort();
}

/** The digest of an EPC set (any order, duplicates ignored). */
export function countDigestOf(urns: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const urn of canonicalEpcSet(urns)) hash.update(`${urn}\n`, 'utf8');
  return hash.digest('hex');
}

/** What changed between two canonical (sorted, unique) sets, in one merge pass. */
export function countChanges(
  previous: readonly string[],
  current: readonly string[],
): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < previous.length || j < current.length) {
    const before = previous[i];
    const now = current[j];
    if (now === undefined || (before !== undefined && before < now)) {
      removed.push(before as string);
      i++;
    } else if (before === undefined || now < before) {
      added.push(now);
      j++;
    } else {
      i++;
      j++;
    }
  }
  return { added, removed };
}

/** The set a digest count describes, rebuilt from a basis set (the cloud's books): basis + added − removed. */
export function applyCountChanges(basis: Iterable<string>, digest: Pick<CountDigest, 'added' | 'removed'>): string[] {
  const set = new Set(basis);
  for (const urn of digest.removed) set.delete(urn);
  for (const urn of digest.added) set.add(urn);
  return canonicalEpcSet(set);
}
