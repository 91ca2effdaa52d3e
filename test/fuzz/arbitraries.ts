import fc from 'fast-check';
import { BIZ_STEPS, buildEpcisDocument, type EpcisEvent } from '../../shared/src/contracts/epcis.js';
import { withEventId } from '../../shared/src/contracts/event-id.js';

/**
 * fast-check arbitraries for the fuzz suite (docs/security.md): API bodies and EPCIS
 * documents that are valid in shape but carry extreme values, dates, ids and
 * cross-references. Values come from small pools on purpose, so random inputs hit
 * the same products, EPCs and transaction ids and interact (reversals of earlier
 * receipts, EPCs shipped by one site and received by another).
 */
const GTINS = ['10614141000019', '10614141000026', '00614141200016', '99999999999994'];
const SKUS = ['CASE-COLA-24', 'WATER-500', 'NO-SUCH-SKU'];
const ITEM_REFERENCES = ['100001', '100002', '020001'];
export const SITES = ['store-1', 'store-2'] as const;
export const FUZZ_LOCATIONS = [
  'urn:stockwire:loc:store-1:backroom',
  'urn:stockwire:loc:store-1:shelf-b2',
  'urn:stockwire:loc:store-1:in-transit',
  'urn:stockwire:loc:store-1:sales-floor',
  'urn:stockwire:loc:store-2:backroom',
  'urn:stockwire:loc:store-2:in-transit',
  'urn:epc:id:sgln:0614141.00001.0',
];

const serial = fc.integer({ min: 1, max: 40 });
export const epcArbitrary = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...ITEM_REFERENCES), serial)
      .map(([item, number]) => `urn:epc:id:sgtin:0614141.${item}.${number}`),
  },
  { weight: 1, arbitrary: fc.constant('urn:epc:id:sscc:0614141.1234567890') },
  { weight: 1, arbitrary: fc.constant('urn:epc:raw:96.x3074257BF7194E4000001A85') },
);

/** Decimal strings: mostly ordinary amounts (so transactions book), often every edge: zero, the smallest unit, the 15-digit limit, one past it, junk. */
export const decimalArbitrary = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 50 }).map(String) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }))
      .map(([whole, part]) => `${whole}.${part}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0',
      '0.000001',
      '0.001',
      '0.0001',
      '999999999999999',
      '999999999999999.999',
      '9999999999999999',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '-1',
      '-999999999999999',
      '1e3',
      '',
      ' 1',
      '0x10',
      '12.3456789',
      '00001',
      'NaN',
      'Infinity',
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(1, 0, -5, 1.5, 1e15, Number.MAX_SAFE_INTEGER) },
);

const pad = (value: number, width = 2) => String(value).padStart(width, '0');
/** Mostly real instants; often out-of-range fields (month 13, Feb 31, hour 24, offset +99:99). */
export const dateArbitrary = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.integer({ min: Date.UTC(1971, 0), max: Date.UTC(2099, 11) }).map((ms) => new Date(ms).toISOString()),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(1969, 2000, 2024, 2026, 9999, 10000),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.constantFrom('Z', '+00:00', '+14:00', '-14:00', '+14:01', '+99:99', '-13:59', '+05:60', ''),
      )
      .map(
        ([year, month, day, hour, minute, zone]) =>
          `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00${zone}`,
      ),
  },
);
export const offsetArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('+00:00', '+01:00', '-14:00', '+14:00') },
  { weight: 1, arbitrary: fc.constantFrom('+14:30', '+99:99', '-05:60') },
);

/** A small id pool: repeats make duplicates, conflicts and reversals of earlier transactions. */
const idArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 2_000 }).map((number) => `t-${number}`) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a'.repeat(256), 'a'.repeat(257), '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const productArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...GTINS, ...SKUS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const locationArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FUZZ_LOCATIONS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const anyField = {
  id: idArbitrary,
  product: productArbitrary,
  location: locationArbitrary,
  from: locationArbitrary,
  to: locationArbitrary,
  qty: decimalArbitrary,
  unitCost: decimalArbitrary,
  unitPrice: decimalArbitrary,
  standardCost: decimalArbitrary,
  epcs: fc.uniqueArray(epcArbitrary, { minLength: 1, maxLength: 6 }),
  time: dateArbitrary,
  of: idArbitrary,
  reason: fc.constantFrom('damage', 'found', 'write_off', 'Bad Reason'),
  valuation: fc.constantFrom('fifo', 'average'),
  allowNegative: fc.boolean(),
};
type FieldName = keyof typeof anyField;

/** The fields each endpoint takes; bodies use them, drop some (cross-field rules must hold whatever is present) and rarely add a foreign one. */
const FIELDS_BY_PATH: Record<string, readonly FieldName[]> = {
  '/receipts': ['id', 'product', 'location', 'qty', 'epcs', 'unitCost', 'time'],
  '/sales': ['id', 'product', 'location', 'qty', 'epcs', 'unitPrice', 'time'],
  '/customer-returns': ['id', 'product', 'location', 'qty', 'epcs', 'of', 'unitPrice', 'time'],
  '/supplier-returns': ['id', 'product', 'location', 'qty', 'epcs', 'of', 'time'],
  '/transfers': ['id', 'product', 'from', 'to', 'qty', 'epcs', 'time'],
  '/adjustments': ['id', 'product', 'location', 'qty', 'reason', 'unitCost', 'time'],
  '/counts': ['id', 'product', 'location', 'qty', 'epcs', 'unitCost', 'time'],
  '/products': ['product', 'valuation', 'allowNegative', 'standardCost'],
  '/reversals': ['id', 'of', 'time'],
};
export const API_PATHS = Object.keys(FIELDS_BY_PATH);
const ALL_FIELDS = Object.keys(anyField) as FieldName[];

/** Receipts and counts bring stock in, so sales, transfers and returns have something to take. */
const pathArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/receipts', '/counts') },
  { weight: 5, arbitrary: fc.constantFrom(...API_PATHS) },
);

export const apiRequestArbitrary = pathArbitrary.chain((path) => {
  const fields = FIELDS_BY_PATH[path] ?? [];
  const picked = Object.fromEntries(fields.map((field) => [field, anyField[field]]));
  return fc
    .tuple(
      fc.record(picked),
      fc.oneof(
        { weight: 4, arbitrary: fc.constant<FieldName[]>([]) },
        { weight: 1, arbitrary: fc.subarray([...fields], { maxLength: 2 }) },
      ),
      fc.oneof(
        { weight: 14, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...ALL_FIELDS) },
      ),
    )
    .chain(([body, dropped, foreign]) =>
      (foreign === undefined ? fc.constant(undefined) : anyField[foreign]).map((foreignValue) => {
        const result: Record<string, unknown> = { ...body };
        for (const field of dropped) delete result[field];
        if (foreign !== undefined) result[foreign] = foreignValue;
        // Quantities with EPCs usually disagree; keep EPC bodies mostly EPC-only.
        if (result['epcs'] !== undefined) {
          delete result['qty'];
          // A product beside EPCs of another product is refused; keep that case rare.
          if (!String(result['id']).endsWith('7')) delete result['product'];
        }
        return { path, body: result };
      }),
    );
});

const eventArbitrary = fc
  .record({
    eventTime: dateArbitrary,
    eventTimeZoneOffset: offsetArbitrary,
    bizStep: fc.constantFrom(...BIZ_STEPS),
    bizLocation: fc.constantFrom(...FUZZ_LOCATIONS),
    epcList: fc.uniqueArray(epcArbitrary, { minLength: 1, maxLength: 5 }),
    quantity: fc.option(fc.constantFrom(0, 1, 7, 999_999_999_999_999, 1e15, Number.MAX_SAFE_INTEGER, 1.5), {
      nil: undefined,
    }),
  })
  .map(({ quantity, bizLocation, ...fields }): EpcisEvent =>
    withEventId({
      type: 'ObjectEvent' as const,
      action: 'OBSERVE' as const,
      readPoint: { id: bizLocation.replace(/:[a-z-]+$/, ':door-1') },
      bizLocation: { id: bizLocation },
      ...fields,
      ...(quantity === undefined
        ? {}
        : { epcList: [], quantityList: [{ epcClass: 'urn:epc:idpat:sgtin:0614141.100001.*', quantity }] }),
    }),
  );

/** One MQTT message: a gateway of one site and a document of 1–3 events. */
export const mqttMessageArbitrary = fc
  .record({
    site: fc.constantFrom(...SITES),
    gateway: fc.constantFrom('gw-a', 'gw-b'),
    events: fc.array(eventArbitrary, { minLength: 1, maxLength: 3 }),
  })
  .map(({ site, gateway, events }) => ({
    topic: `stockwire/v1/${site}/${gateway}/events`,
    payload: JSON.stringify(
      buildEpcisDocument(events, { creationDate: '2026-11-25T10:00:01.000Z', gatewayId: gateway }),
    ),
  }));
