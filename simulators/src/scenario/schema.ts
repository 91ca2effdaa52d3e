import { z } from 'zod';

/**
 * The scenario file (YAML or JSON): where the readers are, what is tagged, and
 * what happens when. Times in the file are seconds (people write them); the engine
 * works in integer milliseconds. Every object is `.strict()` so a typo is an error.
 */
const Id = z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+');
const Gtin14 = z.string().regex(/^\d{14}$/, 'GTIN must be 14 digits (pad GTIN-12/13 with leading zeros)');

export const SimulatedReaderSchema = z
  .object({
    id: Id,
    /** How the CLI exposes this reader: over a serial protocol on a pty, an OPC UA endpoint, or only as reads. */
    protocol: z
      .enum(['chafon', 'thingmagic', 'opcua', 'llrp', 'simulated', 'impinj-iot', 'zebra-iot'])
      .default('simulated'),
    /** Serial protocols: where the CLI links the pty end the gateway opens (default: <--pty-dir>/<reader id>). */
    serialDevice: z.string().min(1).optional(),
    /** OPC UA: TCP port of the simulated server on 127.0.0.1 (0 = ephemeral). */
    opcuaPort: z.number().int().min(0).max(65535).optional(),
    /** LLRP: TCP port of this reader on 127.0.0.1 (0 = ephemeral; default: the CLI's --llrp-port). */
    llrpPort: z.number().int().min(0).max(65535).optional(),
    /** LLRP: which maker the reader announces (capabilities, power table, vendor extensions). */
    llrpVendor: z.enum(['impinj', 'zebra']).default('impinj'),
    /** impinj-iot: TCP port of the simulated reader's REST API and event stream on 127.0.0.1 (0 = ephemeral). */
    httpPort: z.number().int().min(0).max(65535).optional(),
    /** impinj-iot: also POST the events to this webhook (the gateway's `transport: webhook` listener). */
    webhookUrl: z
      .string()
      .regex(/^https?:\/\//, 'must be an http(s) URL')
      .optional(),
    /** zebra-iot: events per MQTT message (1 = single objects, the connector's default; more = arrays). */
    eventsPerMessage: z.number().int().min(1).max(1_000).default(1),
    /** Time for one inventory round over all antennas; each antenna gets an equal slot. */
    roundPeriodMs: z.number().int().min(10).max(600_000).default(200),
    /** Receive sensitivity: tags weaker than this are never reported. */
    sensitivityDbm: z.number().min(-100).max(-30).default(-80),
  })
  .strict();

export const DoorSchema = z
  .object({
    id: Id,
    site: Id.optional(),
    reader: Id,
    /** Antenna ports per side; outside = dock/yard side, inside = warehouse side. */
    antennas: z
      .object({
        outside: z.array(z.number().int().min(1).max(64)).min(1),
        inside: z.array(z.number().int().min(1).max(64)).min(1),
      })
      .strict(),
    /**
     * Optional photo-eye beams wired to the reader's GPI ports, one each side of the door: the
     * simulators break and clear them as loads pass (see scenario/beams.ts).
     */
    beams: z
      .object({ outside: z.number().int().min(1).max(16), inside: z.number().int().min(1).max(16) })
      .strict()
      .optional(),
    /** Doors close enough to cross-read this door's tags. */
    neighbours: z.array(Id).default([]),
    /** Chance per tag per round that a neighbouring door's antenna catches a weak stray read. */
    strayReadProbability: z.number().min(0).max(1).default(0.02),
  })
  .strict();

export const ShelfSchema = z
  .object({
    id: Id,
    site: Id.optional(),
    reader: Id,
    antennas: z.array(z.number().int().min(1).max(64)).min(1),
    /** Chance a present item answers in a round (shelves are dense; some tags are shadowed). */
    readProbability: z.number().min(0).max(1).default(0.85),
  })
  .strict();

export const SiteSchema = z.object({ id: Id, name: z.string().optional() }).strict();

const ItemLineSchema = z
  .object({
    gtin: Gtin14,
    companyPrefixLength: z.number().int().min(6).max(12).default(7),
    count: z.number().int().min(1).max(10_000),
    /** EPC filter value (1 = point-of-sale item, 2 = full case). */
    filter: z.number().int().min(0).max(7).default(1),
  })
  .strict();

/** A case on a pallet; with `contains`, each case holds that many tagged items (read once it is unpacked). */
const CaseLineSchema = ItemLineSchema.extend({
  contains: z
    .object({
      gtin: Gtin14,
      companyPrefixLength: z.number().int().min(6).max(12).default(7),
      /** Items per case. */
      count: z.number().int().min(1).max(1_000),
      filter: z.number().int().min(0).max(7).default(1),
    })
    .strict()
    .optional(),
}).strict();

export const PopulationSchema = z.discriminatedUnion('kind', [
  z
    .object({
      id: Id,
      kind: z.literal('pallet'),
      sscc: z
        .object({
          companyPrefix: z.string().regex(/^\d{6,12}$/),
          extensionDigit: z.number().int().min(0).max(9).default(0),
          serialStart: z.number().int().min(0).default(1),
        })
        .strict(),
      cases: z.array(CaseLineSchema).min(1),
      /** First SGTIN serial; each loop of the scenario continues after the previous loop's serials. */
      serialStart: z.number().int().min(0).default(1),
    })
    .strict(),
  z
    .object({
      id: Id,
      kind: z.literal('items'),
      items: z.array(ItemLineSchema).min(1),
      serialStart: z.number().int().min(0).default(1),
    })
    .strict(),
]);

export const TimelineEventSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('pallet-pass'),
      atSeconds: z.number().min(0),
      door: Id,
      population: Id,
      direction: z.enum(['inbound', 'outbound']),
      /** Time the pallet takes to cross the read field (about 3 m on each side of the door). */
      passSeconds: z.number().min(0.5).max(120).default(3),
    })
    .strict(),
  z.object({ kind: z.literal('shelf-stock'), atSeconds: z.number().min(0), shelf: Id, population: Id }).strict(),
  z
    .object({
      kind: z.literal('shelf-take'),
      atSeconds: z.number().min(0),
      shelf: Id,
      count: z.number().int().min(1),
      overSeconds: z.number().min(0).default(0),
    })
    .strict(),
  z
    .object({
      /**
       * A clerk opens the population's cases in the backroom (those that arrived): each case tag is
       * discarded with its carton and its items lie in the backroom; a later `shelf-stock` of the population
       * stocks the items.
       */
      kind: z.literal('case-unpack'),
      atSeconds: z.number().min(0),
      population: Id,
    })
    .strict(),
  z
    .object({
      kind: z.literal('reader-offline'),
      atSeconds: z.number().min(0),
      reader: Id,
      durationSeconds: z.number().min(0.1),
    })
    .strict(),
]);

/**
 * Rates of the physical events readers do not see directly (all 0 by default, so a
 * scenario without them behaves as before); sources per rate in docs/simulators.md.
 */
export const RatesSchema = z
  .object({
    /** Share of case/item tags that never answer any reader (liquids, metal, damaged inlays). */
    tagUnreadableProbability: z.number().min(0).max(1).default(0),
    /** Per case on an inbound pallet: absent although the pallet's list (the ASN) names it. */
    shortShipCaseProbability: z.number().min(0).max(1).default(0),
    /** Share of shelf takes that walk out unpaid. */
    theftShareOfTakes: z.number().min(0).max(1).default(0),
    /** Share of shelf takes a shopper puts down on another shelf. */
    misplaceShareOfTakes: z.number().min(0).max(1).default(0),
    /** Seconds from an honest take to paying at the till (0: no pay events recorded). */
    checkoutSeconds: z.number().min(0).max(86_400).default(0),
    /**
     * Share of till lines rung up wrong: the cashier scans the barcode of another product (a look-alike)
     * instead of the item. Nothing physical changes, so the truth does not record it; the books do.
     */
    posScanErrorShareOfPays: z.number().min(0).max(1).default(0),
    /** Share of dead-tag items on an ASN'd inbound pallet the associate finds and re-tags (scenario/retagging.ts). */
    retagAtReceivingShare: z.number().min(0).max(1).default(0),
    /** Share of shelf takes that are an associate pulling a damaged item (crushed, leaking) to write it off. */
    damageShareOfTakes: z.number().min(0).max(1).default(0),
    /** Share of paid items a customer brings back to the till for a refund (needs `checkoutSeconds` > 0). */
    returnShareOfPays: z.number().min(0).max(1).default(0),
    /** Seconds from paying to bringing the item back. */
    returnDelaySeconds: z.number().min(0).max(604_800).default(86_400),
    /** Seconds a returned item waits in the backroom before a clerk puts it back on its shelf. */
    restockSeconds: z.number().min(0).max(604_800).default(3_600),
  })
  .strict()
  .refine((rates) => rates.theftShareOfTakes + rates.misplaceShareOfTakes + rates.damageShareOfTakes <= 1, {
    message: 'theftShareOfTakes + misplaceShareOfTakes + damageShareOfTakes must not exceed 1',
  });

/**
 * Store operations the accuracy pipeline plays beside the readers (docs/accuracy.md): the tills, handheld
 * sweeps of the sales floor, and the supplier's ASNs. Defaults switch all of them off, so a scenario
 * without `operations` measures as before.
 */
export const OperationsSchema = z
  .object({
    /** Till payments (`pay` events) are booked as POS sales: the item's EPC read at the till, a barcode if the tag is dead. */
    tills: z.boolean().default(false),
    /** Seconds between handheld sweeps of the sales floor (0: none); paid-for-nowhere items missing there are shrink. */
    floorCountSeconds: z.number().min(0).max(86_400).default(0),
    /** Seconds between handheld sweeps of the backroom (0: none); what the books hold there unseen is shrink. */
    backroomCountSeconds: z.number().min(0).max(604_800).default(0),
    /** Inbound pallets come with the supplier's ASN (and its PO) listing every case the pallet should hold. */
    asns: z.boolean().default(false),
    /** Damaged items an associate pulls are written off on the handheld (EPCIS `destroying`, disposition `damaged`). */
    writeOffs: z.boolean().default(false),
    /**
     * Seconds from pulling a damaged item to recording its write-off (at the backroom's damages bin). Why not
     * at once: a shelf reader's gateway still lists a taken item in its counts until it declares it gone
     * (goneRounds × the round), and such a count would book a written-off item back on the shelf.
     */
    writeOffDelaySeconds: z.number().min(0).max(86_400).default(900),
    /** The backroom clerk's handheld records each case opened (AggregationEvent DELETE, bizStep `unpacking`). */
    unpackScans: z.boolean().default(false),
    /** Shelf price of every item at the till (tax included), a decimal string. */
    unitPrice: z
      .string()
      .regex(/^\d{1,9}(\.\d{1,4})?$/)
      .default('2.50'),
  })
  .strict();

export const ScenarioSchema = z
  .object({
    name: Id,
    description: z.string().optional(),
    seed: z.number().int().default(1),
    /** Length of one day of the timeline; with looping, the run repeats with fresh serials. */
    durationSeconds: z.number().min(1).max(86_400),
    /**
     * Days in one run: the timeline plays once per day (each day `durationSeconds` long) with fresh
     * serials for every population, while shelves keep what is on them (a store week: days 7).
     */
    days: z.number().int().min(1).max(14).default(1),
    sites: z.array(SiteSchema).default([]),
    readers: z.array(SimulatedReaderSchema).min(1),
    doors: z.array(DoorSchema).default([]),
    shelves: z.array(ShelfSchema).default([]),
    populations: z.array(PopulationSchema).default([]),
    timeline: z.array(TimelineEventSchema).default([]),
    rates: RatesSchema.default({}),
    operations: OperationsSchema.default({}),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type SimulatedReaderSpec = z.infer<typeof SimulatedReaderSchema>;
export type DoorSpec = z.infer<typeof DoorSchema>;
export type ShelfSpec = z.infer<typeof ShelfSchema>;
export type PopulationSpec = z.infer<typeof PopulationSchema>;
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;
