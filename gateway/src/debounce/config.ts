import { z } from 'zod';
import { hasValidCheckDigit } from '../../../shared/src/epc/index.js';

/**
 * Debounce configuration: dock-door portals and smart shelves with their
 * parameters. Every default is explained in docs/debounce.md (the table there
 * and this file are kept in step by gateway/test/debounce/config.test.ts).
 */

const ownerId = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+')
  .max(64);
const locationUri = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/i, 'must be a URI, e.g. urn:stockwire:loc:store-1:backroom');
const readerId = z.string().min(1).max(64);
const antennaPort = z.number().int().min(0).max(255);

export const PORTAL_SIDES = ['outside', 'inside'] as const;
export type PortalSide = (typeof PORTAL_SIDES)[number];

export const PortalAntennaSchema = z
  .object({
    reader: readerId,
    antenna: antennaPort,
    /** Which side of the door the antenna faces: inbound = outside → inside. */
    side: z.enum(PORTAL_SIDES),
  })
  .strict();

/** A photo-eye (or motion sensor) wired to a reader's GPI input; the input is high while the beam is broken. */
export const PortalBeamSchema = z.object({ reader: readerId, port: z.number().int().min(1).max(16) }).strict();

export const PortalConfigSchema = z
  .object({
    id: ownerId,
    /** readPoint of the events; default `urn:stockwire:loc:<siteId>:<portal id>`. */
    readPoint: locationUri.optional(),
    /** bizLocation of `receiving` events: where inbound goods go (e.g. the backroom). */
    inboundLocation: locationUri,
    /** bizLocation of `shipping` events: where outbound goods go (e.g. in-transit). */
    outboundLocation: locationUri,
    antennas: z.array(PortalAntennaSchema).min(1).max(64),
    /** Portals close enough to cross-read this one's tags. */
    neighbours: z.array(ownerId).max(16).default([]),
    /** A pass closes when none of its tags was read for this long (ALE stable-set interval). */
    stableSetMs: z.number().int().min(100).max(600_000).default(3_000),
    /** Reads a tag needs in a pass to count (the N-th read counts); fewer is a stray read. */
    readCountMin: z.number().int().min(1).max(1_000).default(2),
    /** Peak RSSI a tag needs in a pass; weaker is a stray read (next door, parked nearby). */
    rssiMinDbm: z.number().min(-150).max(20).default(-70),
    /** A tag read continuously for longer is parked: reported once, then ignored until it goes quiet. */
    dwellMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
    /** Reads (at or above rssiMinDbm) a side needs before it can vote on direction. */
    sideReadCountMin: z.number().int().min(1).max(1_000).default(2),
    /** How far the RSSI-weighted mean read times of the two sides may contradict the first/last-side order. */
    directionTimeMarginMs: z.number().int().min(0).max(60_000).default(250),
    /** A neighbour's record of the same tag counts as a cross-read when the two overlap within this window. */
    crossReadWindowMs: z.number().int().min(0).max(600_000).default(5_000),
    /** Optional photo-eye beams, one each side: when both break during a pass, their order decides the direction. */
    beams: z.object({ outside: PortalBeamSchema, inside: PortalBeamSchema }).strict().optional(),
    /** A beam broken longer than this is stuck (sensor fault, pallet parked in it): a reader fault, reads-only fallback. */
    beamStuckMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
    /** Beam breaks this long before the first or after the last read of a pass still belong to it. */
    beamMatchWindowMs: z.number().int().min(0).max(60_000).default(3_000),
  })
  .strict();

export const ShelfAntennaSchema = z.object({ reader: readerId, antenna: antennaPort }).strict();

export const ShelfConfigSchema = z
  .object({
    id: ownerId,
    /** bizLocation of the shelf's events. */
    location: locationUri,
    /** readPoint of the events; default: the shelf location. */
    readPoint: locationUri.optional(),
    antennas: z.array(ShelfAntennaSchema).min(1).max(64),
    /** Length of one inventory round; set it to at least the reader's real inventory cycle. */
    roundMs: z.number().int().min(50).max(600_000).default(1_000),
    /** k: rounds (out of the last windowRounds) a tag must be seen in to become present. */
    presentRounds: z.number().int().min(1).max(32).default(2),
    /** n: the sliding window of rounds for presentRounds. */
    windowRounds: z.number().int().min(1).max(32).default(3),
    /** m: consecutive missed rounds after which a present tag is gone. */
    goneRounds: z.number().int().min(1).max(10_000).default(6),
    /** Optional: a present tag unread for this long is gone even if fewer than goneRounds rounds closed. */
    goneMs: z.number().int().min(100).max(86_400_000).optional(),
    /** Reads weaker than this are ignored on shelves (neighbouring shelves, carts passing by). */
    rssiMinDbm: z.number().min(-150).max(20).default(-75),
    /** Cadence of `cycle_counting` snapshots (the full EPC set), aligned to multiples of it. */
    countIntervalMs: z.number().int().min(1_000).max(86_400_000).default(900_000),
    /** Rounds without a single read while tags were present that are held (reader pause) before absence counts. */
    silentRoundsMax: z.number().int().min(0).max(100_000).default(30),
  })
  .strict()
  .superRefine((shelf, context) => {
    if (shelf.presentRounds > shelf.windowRounds) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['presentRounds'],
        message: `presentRounds (${shelf.presentRounds}) cannot exceed windowRounds (${shelf.windowRounds})`,
      });
    }
  });

const gtin14 = z
  .string()
  .regex(/^\d{14}$/, 'must be a 14-digit GTIN')
  .refine(hasValidCheckDigit, 'GTIN check digit is wrong');

export const TagMapValueSchema = z.union([
  gtin14,
  z.object({ gtin: gtin14, companyPrefixDigits: z.number().int().min(6).max(12).default(7) }).strict(),
]);

export const DebounceConfigSchema = z
  .object({
    /** How often the daemon (and replay, in simulated time) calls tick(). */
    tickIntervalMs: z.number().int().min(10).max(10_000).default(200),
    /** eventTimeZoneOffset of emitted events (eventTime itself is always UTC). */
    timeZoneOffset: z
      .string()
      .regex(/^[+-](0\d|1[0-3]):[0-5]\d$|^[+-]14:00$/, 'must look like +01:00')
      .default('+00:00'),
    /** Distinct tags tracked at once; reads of further new tags are dropped and counted. */
    liveTagsMax: z.number().int().min(1).max(10_000_000).default(250_000),
    /** Per-tag evidence entries per event; above it the event carries a summary only. */
    evidenceTagsMax: z.number().int().min(0).max(10_000).default(100),
    /** Pass diagnostics (unknown direction, all-stray passes) kept until drained. */
    diagnosticsMax: z.number().int().min(0).max(100_000).default(1_000),
    /** Non-GS1 tags: upper-case hex EPC prefix → GTIN-14 (or { gtin, companyPrefixDigits }). */
    tagMap: z
      .record(z.string().regex(/^[0-9A-F]{1,24}$/, 'keys must be upper-case hex prefixes'), TagMapValueSchema)
      .default({})
      .refine((map) => Object.keys(map).length <= 10_000, 'tagMap holds at most 10,000 prefixes'),
    portals: z.array(PortalConfigSchema).max(256).default([]),
    shelves: z.array(ShelfConfigSchema).max(4_096).default([]),
  })
  .strict()
  .superRefine((config, context) => {
    const ownerIds = new Set<string>();
    const bindings = new Map<string, string>();
    const portalIds = new Set(config.portals.map((portal) => portal.id));
    const owners: {
      kind: 'portals' | 'shelves';
      index: number;
      id: string;
      antennas: readonly { reader: string; antenna: number }[];
    }[] = [
      ...config.portals.map((portal, index) => ({
        kind: 'portals' as const,
        index,
        id: portal.id,
        antennas: portal.antennas,
      })),
      ...config.shelves.map((shelf, index) => ({
        kind: 'shelves' as const,
        index,
        id: shelf.id,
        antennas: shelf.antennas,
      })),
    ];
    for (const owner of owners) {
      if (ownerIds.has(owner.id))
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: [owner.kind, owner.index, 'id'],
          message: `id "${owner.id}" is used twice (portal and shelf ids share one namespace)`,
        });
      ownerIds.add(owner.id);
      owner.antennas.forEach((binding, antennaIndex) => {
        const key = `${binding.reader}#${binding.antenna}`;
        const previous = bindings.get(key);
        if (previous !== undefined) {
          context.addIssue({
            code: z.ZodIssueCode.custom,
            path: [owner.kind, owner.index, 'antennas', antennaIndex],
            message: `reader ${binding.reader} antenna ${binding.antenna} is already bound to ${previous}`,
          });
        }
        bindings.set(key, owner.id);
      });
    }
    config.portals.forEach((portal, index) => {
      portal.neighbours.forEach((neighbour, neighbourIndex) => {
        if (!portalIds.has(neighbour) || neighbour === portal.id) {
          context.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['portals', index, 'neighbours', neighbourIndex],
            message: `neighbour "${neighbour}" is not another configured portal`,
          });
        }
      });
    });
  });

export type DebounceConfig = z.infer<typeof DebounceConfigSchema>;
export type PortalConfig = z.infer<typeof PortalConfigSchema>;
export type ShelfConfig = z.infer<typeof ShelfConfigSchema>;
export type DebounceConfigInput = z.input<typeof DebounceConfigSchema>;
