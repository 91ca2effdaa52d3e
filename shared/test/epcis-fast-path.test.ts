import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AggregationEventSchema,
  buildEpcisDocument,
  EPCIS_CONTEXT,
  EpcisDocumentSchema,
  ObjectEventSchema,
} from '../src/contracts/epcis.js';
import { FAST_PATH_KEYS, parseEpcisDocumentFast, safeParseEpcisDocument } from '../src/contracts/epcis-fast-path.js';
import { withEventId } from '../src/contracts/event-id.js';
import { formatIssues } from '../src/zod-issues.js';

/**
 * The fast path may only answer "valid" where the zod schema does, and then with the schema's very output (same
 * values, same key order). Documents come from a generator of valid ones and from random mutations of those
 * (edge values at any path, keys removed or added, JS-only oddities); every case compares both paths.
 */

const SEED = 20261205;

/** Values picked for being on or just past an edge the schema draws. */
const EDGE_VALUES: unknown[] = [
  '',
  'x',
  'x'.repeat(8),
  'x'.repeat(9),
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(513),
  'urn:epc:id:sgtin:0614141.107346.2017',
  'urn:epc:raw:96.x3074257BF7194E4000001A85',
  'urn:epc:id:sgtin:0614141.107346.20 17',
  `urn:epc:id:sgtin:0614141.107346.${'9'.repeat(256 - 32)}`,
  `urn:epc:id:sgtin:0614141.107346.${'9'.repeat(257 - 32)}`,
  'urn:stockwire:loc:store-1:door-3',
  'urn:x: y',
  '2026-11-25T10:00:00.000Z',
  '2026-11-25T10:00:00+14:00',
  '2026-11-25T10:00:00+14:01',
  '2026-11-25T10:00Z',
  '2026-02-29T10:00:00Z',
  '2028-02-29T10:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-25T24:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-11-25T10:00:00.1234567890Z',
  '+00:00',
  '-13:59',
  '+14:00',
  '+14:30',
  'ObjectEvent',
  'AggregationEvent',
  'EPCISDocument',
  '2.0',
  'ADD',
  'OBSERVE',
  'observe',
  'receiving',
  'dancing',
  0,
  -0,
  -1,
  1.5,
  2 ** 53,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  null,
  undefined,
  [],
  {},
  [''],
  { id: 'urn:x:y' },
  { id: 'urn:x:y', extra: 1 },
  { stockwire: 'https://stockwire.dev/ns/epcis#' },
  { bizTransaction: 'urn:po:1' },
  { type: 'po', bizTransaction: 'urn:po:1' },
  { epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 3 },
  { epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: -3, uom: 'KGM' },
  new Date(0),
  new Map([['id', 'urn:x:y']]),
  Object.assign(Object.create(null) as object, { id: 'urn:x:y' }),
];

const KEYS = [
  'type',
  'eventID',
  'eventTime',
  'recordTime',
  'disposition',
  'parentID',
  'epcList',
  'childEPCs',
  'quantityList',
  'bizTransactionList',
  'stockwire:readCount',
  'stockwire:sequence',
  'stockwire:gateway',
  'unknown',
  '__proto__',
  '@context',
  'id',
  'uom',
  'a:b:c',
  '1:x',
];

const epc = fc
  .tuple(fc.integer({ min: 0, max: 999_999 }), fc.constantFrom('', '!', "'()"))
  .map(([serial, suffix]) => `urn:epc:id:sgtin:0614141.107346.${serial}${suffix}`);
const time = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .chain((date) =>
    fc.constantFrom(
      date.toISOString(),
      date.toISOString().replace('.000Z', 'Z'),
      `${date.toISOString().slice(0, 19)}+01:00`,
    ),
  );
const location = fc.constantFrom('urn:stockwire:loc:store-1:door-3', 'urn:stockwire:loc:store-1:backroom', 'geo:1,2');
const quantityList = fc.array(
  fc.record(
    {
      epcClass: fc.constant('urn:epc:class:lgtin:4012345.012345.998877'),
      quantity: fc.nat(100),
      uom: fc.constant('EA'),
    },
    { requiredKeys: ['epcClass', 'quantity'] },
  ),
  { maxLength: 2 },
);
const common = {
  eventTime: time,
  eventTimeZoneOffset: fc.constantFrom('+00:00', '-05:00', '+14:00'),
  recordTime: time,
  action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'),
  bizStep: fc.constantFrom('receiving', 'removing', 'unpacking'),
  disposition: fc.constantFrom('in_progress', 'damaged'),
  readPoint: location.map((id) => ({ id })),
  bizLocation: location.map((id) => ({ id })),
  bizTransactionList: fc.array(
    fc.record(
      { type: fc.constant('po'), bizTransaction: fc.constant('urn:po:1') },
      { requiredKeys: ['bizTransaction'] },
    ),
    { maxLength: 2 },
  ),
  'stockwire:readCount': fc.nat(50),
  'stockwire:note': fc.constantFrom('x', { nested: [1, 'a'] }),
};
const REQUIRED = ['eventTime', 'eventTimeZoneOffset', 'action', 'bizStep', 'readPoint', 'bizLocation'] as const;
const objectEvent = fc
  .record(
    { ...common, epcList: fc.array(epc, { maxLength: 3 }), quantityList },
    { requiredKeys: [...REQUIRED, 'epcList' as const] },
  )
  .map((event) => withEventId({ type: 'ObjectEvent', ...event }));
const aggregationEvent = fc
  .record(
    { ...common, parentID: epc, childEPCs: fc.array(epc, { maxLength: 3 }), childQuantityList: quantityList },
    { requiredKeys: [...REQUIRED, 'parentID' as const, 'childEPCs' as const] },
  )
  .map((event) => withEventId({ type: 'AggregationEvent', ...event }));
const validDocument = fc
  .tuple(
    fc.array(fc.oneof(objectEvent, aggregationEvent), { minLength: 1, maxLength: 3 }),
    fc.option(fc.nat(1_000_000), { nil: undefined }),
    fc.option(fc.constantFrom('door-3', 'shelf-b2'), { nil: undefined }),
  )
  .map(([events, sequence, gatewayId]) => {
    const document = buildEpcisDocument(events as never, {
      creationDate: '2026-11-25T10:00:01.000Z',
      ...(sequence === undefined ? {} : { sequence, confirmedThrough: sequence }),
      ...(gatewayId === undefined ? {} : { gatewayId }),
    });
    // Through JSON, as the wire delivers it (key order as the gateway wrote it, not the schema's).
    return JSON.parse(JSON.stringify(document)) as unknown;
  });

/** Lengths on both sides of every length limit of the schema (`stretch` pads or cuts a string to one). */
const LENGTHS = [0, 1, 8, 9, 64, 65, 256, 257, 512, 513];

type Mutation = { kind: 'set' | 'delete' | 'add' | 'stretch'; at: number; value: number; key: number };
const mutation = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add', 'stretch'),
  at: fc.nat(),
  value: fc.nat(EDGE_VALUES.length - 1),
  key: fc.nat(KEYS.length - 1),
}) as fc.Arbitrary<Mutation>;

/** Every object and array inside a value (the value itself first). */
function containers(value: unknown, found: Array<Record<string, unknown> | unknown[]> = []): typeof found {
  if (value === null || typeof value !== 'object' || value instanceof Map || value instanceof Date) return found;
  found.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) containers(child, found);
  return found;
}

function mutate(document: unknown, mutations: readonly Mutation[]): unknown {
  const copy = structuredClone(document);
  for (const { kind, at, value, key } of mutations) {
    if (kind === 'stretch') {
      stretch(copy, at, LENGTHS[value % LENGTHS.length]!);
      continue;
    }
    const all = containers(copy);
    const target = all[at % all.length]!;
    const keys = Object.keys(target);
    const name = kind === 'add' || keys.length === 0 ? KEYS[key]! : keys[at % keys.length]!;
    if (kind === 'delete') delete (target as Record<string, unknown>)[name];
    else if (Array.isArray(target) && kind === 'add') target.push(edgeValue(value));
    else
      Object.defineProperty(target, name, {
        value: edgeValue(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

/** Pads or cuts one of the document's strings to a length; 'x' keeps an EPC serial, a URI or a name valid. */
function stretch(document: unknown, at: number, lengthWanted: number): void {
  const slots = containers(document).flatMap((container) =>
    Object.entries(container)
      .filter(([, entry]) => typeof entry === 'string')
      .map(([name]) => [container as Record<string, unknown>, name] as const),
  );
  if (slots.length === 0) return;
  const [container, name] = slots[at % slots.length]!;
  container[name] = (container[name] as string).padEnd(lengthWanted, 'x').slice(0, lengthWanted);
}

/** A fresh copy of an edge value, so later mutations never change the table (nor make a cycle). */
function edgeValue(index: number): unknown {
  const value = EDGE_VALUES[index];
  if (value === null || typeof value !== 'object') return value;
  if (Object.getPrototypeOf(value) === null) return Object.assign(Object.create(null) as object, value);
  return structuredClone(value);
}

/** Both paths agree: the fast one answers only where the schema accepts, with the same output and key order. */
function expectSameOutcome(input: unknown): boolean {
  const fast = parseEpcisDocumentFast(input);
  const schema = EpcisDocumentSchema.safeParse(input);
  const combined = safeParseEpcisDocument(input);
  expect(combined.success).toBe(schema.success);
  if (schema.success) expect(combined.data).toStrictEqual(schema.data);
  // (union issues hold ZodError objects, whose methods are per instance: compare what the dead-letter path reads)
  else expect(formatIssues(combined.error?.issues ?? [])).toBe(formatIssues(schema.error.issues));
  if (fast === undefined) return false;
  expect(schema.success).toBe(true);
  expect(fast).toStrictEqual(schema.data);
  expect(keyOrder(fast)).toEqual(keyOrder(schema.data));
  return true;
}

function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (value === null || typeof value !== 'object') return value;
  return Object.entries(value).map(([key, entry]) => [key, keyOrder(entry)]);
}

describe('the EPCIS fast path', () => {
  it('answers for every valid generated document, exactly as the schema does', () => {
    fc.assert(
      fc.property(validDocument, (document) => {
        expect(expectSameOutcome(document)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never accepts what the schema refuses, nor outputs anything else, on mutated documents', () => {
    let [accepted, answeredFast] = [0, 0];
    fc.assert(
      fc.property(validDocument, fc.array(mutation, { minLength: 1, maxLength: 3 }), (document, mutations) => {
        const input = mutate(document, mutations);
        if (EpcisDocumentSchema.safeParse(input).success) accepted++;
        if (expectSameOutcome(input)) answeredFast++;
      }),
      { seed: SEED, numRuns: 4_000 },
    );
    // The mutations must reach both sides of the line for the comparison to mean something.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(3_800);
    expect(answeredFast).toBeGreaterThan(100);
  });

  it('answers for the gateway documents the ingest bench sends', () => {
    const events = Array.from({ length: 40 }, (_, index) =>
      withEventId({
        type: 'ObjectEvent' as const,
        eventTime: new Date(Date.UTC(2026, 10, 25, 10) + index).toISOString(),
        eventTimeZoneOffset: '+00:00',
        action: 'OBSERVE' as const,
        bizStep: 'receiving' as const,
        readPoint: { id: 'urn:stockwire:loc:store-1:door-3' },
        bizLocation: { id: 'urn:stockwire:loc:store-1:backroom' },
        epcList: [`urn:epc:id:sgtin:0614141.100001.${index + 1}`],
        'stockwire:gateway': 'bench-gw-0',
      }),
    );
    const document = buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: 'bench-gw-0' });
    expect(expectSameOutcome(JSON.parse(JSON.stringify(document)))).toBe(true);
  });

  it.each([
    ['a record in @context with a __proto__ key', { ...baseDocument(), '@context': [JSON.parse('{"__proto__":"x"}')] }],
    ['an optional field present as undefined', { ...baseDocument(), 'stockwire:gateway': undefined }],
    ['a sequence past the safe integers', { ...baseDocument(), 'stockwire:sequence': 2 ** 60 }],
    ['a document that is a Map', new Map(Object.entries(baseDocument()))],
  ])('leaves %s to the schema', (_name, input) => {
    expect(parseEpcisDocumentFast(input)).toBeUndefined();
    expectSameOutcome(input);
  });

  // Each length limit of the schema, at the limit and one past it, at its own path (random mutations reach them rarely).
  it.each([
    ['stockwire:gateway', 64, (document: Full) => document],
    ['eventID', 256, (document: Full) => document.epcisBody.eventList[0]!],
    ['disposition', 64, (document: Full) => document.epcisBody.eventList[0]!],
    ['id', 512, (document: Full) => document.epcisBody.eventList[0]!['readPoint'] as Record<string, unknown>],
    ['type', 64, (document: Full) => firstEntry(document, 'bizTransactionList')],
    ['bizTransaction', 256, (document: Full) => firstEntry(document, 'bizTransactionList')],
    ['epcClass', 256, (document: Full) => firstEntry(document, 'quantityList')],
    ['uom', 8, (document: Full) => firstEntry(document, 'quantityList')],
    ['0', 256, (document: Full) => document.epcisBody.eventList[0]!['epcList'] as Record<string, unknown>],
  ])('treats %s at its limit of %i characters and one past it as the schema does', (name, lengthMax, holder) => {
    for (const length of [lengthMax, lengthMax + 1]) {
      const document = fullDocument();
      const target = holder(document);
      target[name] = String(target[name]).padEnd(length, 'x');
      expect(expectSameOutcome(document)).toBe(length === lengthMax);
    }
  });

  it('answers for an object without a prototype as the schema does', () => {
    expect(expectSameOutcome(Object.assign(Object.create(null) as object, baseDocument()))).toBe(true);
  });

  it('knows exactly the keys of the schema (a field added to one and not the other fails here)', () => {
    const keys = (set: ReadonlySet<string>) => [...set].sort();
    expect(keys(FAST_PATH_KEYS.document)).toEqual(Object.keys(EpcisDocumentSchema.shape).sort());
    expect(keys(FAST_PATH_KEYS.ObjectEvent)).toEqual(Object.keys(ObjectEventSchema.innerType().shape).sort());
    expect(keys(FAST_PATH_KEYS.AggregationEvent)).toEqual(Object.keys(AggregationEventSchema.innerType().shape).sort());
  });

  it('keeps the schema context of EPCIS_CONTEXT', () => {
    expect(parseEpcisDocumentFast(baseDocument())?.['@context']).toEqual([...EPCIS_CONTEXT]);
  });
});

function baseDocument(): Record<string, unknown> {
  const event = withEventId({
    type: 'ObjectEvent' as const,
    eventTime: '2026-11-25T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    action: 'OBSERVE' as const,
    bizStep: 'receiving' as const,
    readPoint: { id: 'urn:stockwire:loc:store-1:door-3' },
    bizLocation: { id: 'urn:stockwire:loc:store-1:backroom' },
    epcList: ['urn:epc:id:sgtin:0614141.107346.2017'],
  });
  return { ...buildEpcisDocument([event], { creationDate: '2026-11-25T10:00:01.000Z' }) };
}

type Full = Record<string, unknown> & { epcisBody: { eventList: Array<Record<string, unknown>> } };

/** A document with every optional field of the schema present. */
function fullDocument(): Full {
  const document = { ...baseDocument(), 'stockwire:gateway': 'door-3', 'stockwire:sequence': 7 } as unknown as Full;
  document.epcisBody = structuredClone(document.epcisBody);
  Object.assign(document.epcisBody.eventList[0]!, {
    recordTime: '2026-11-25T10:00:02Z',
    disposition: 'in_progress',
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:po:1' }],
    quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 2, uom: 'EA' }],
  });
  return document;
}

function firstEntry(document: Full, list: string): Record<string, unknown> {
  return (document.epcisBody.eventList[0]![list] as Array<Record<string, unknown>>)[0]!;
}
