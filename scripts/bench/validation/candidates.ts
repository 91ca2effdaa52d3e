/**
 * The EPCIS document schema written three other ways, for `npm run bench -- validation` only: zod 4 (`zod/v4`),
 * zod 4 mini (`zod/v4-mini`) and Ajv (JSON Schema compiled to code; the ISO time and extension-key rules as a format
 * and a `propertyNames` pattern). Same rules as shared/src/contracts/epcis.ts; they answer valid or not (the
 * production path's errors come from the zod 3 schema either way).
 */
import { Ajv } from 'ajv';
import { z as z4 } from 'zod/v4';
import * as zm from 'zod/v4-mini';
import {
  BIZ_STEPS,
  EPC_URN_PATTERN,
  EVENTS_PER_DOCUMENT_MAX,
  EXTENSION_KEY_PATTERN,
  OBJECT_EVENT_EPCS_MAX,
  QUANTITY_ELEMENTS_MAX,
  URI_PATTERN,
} from '../../../shared/src/contracts/epcis.js';
import { parseIsoTime, TIME_ZONE_OFFSET_PATTERN } from '../../../shared/src/contracts/iso-time.js';

export type Check = (input: unknown) => boolean;

const isIsoTime = (text: string): boolean => parseIsoTime(text, { secondsRequired: true }).ok;
const COMMON_KEYS = ['eventID', 'eventTime', 'eventTimeZoneOffset', 'recordTime', 'action', 'bizStep'];
const KNOWN_COMMON = [...COMMON_KEYS, 'disposition', 'readPoint', 'bizLocation', 'bizTransactionList', 'type'];

function unknownKeys(value: Record<string, unknown>, known: ReadonlySet<string>): string[] {
  return Object.keys(value).filter((key) => !known.has(key) && !EXTENSION_KEY_PATTERN.test(key));
}

export function zod4Check(): Check {
  const isoTime = z4.string().max(40).refine(isIsoTime, { message: 'bad time' });
  const epc = z4.string().max(256).regex(EPC_URN_PATTERN);
  const uri = z4.string().min(1).max(512).regex(URI_PATTERN);
  const quantity = z4.strictObject({
    epcClass: z4.string().min(1).max(256),
    quantity: z4.number().nonnegative(),
    uom: z4.string().max(8).optional(),
  });
  const common = {
    eventID: z4.string().min(1).max(256),
    eventTime: isoTime,
    eventTimeZoneOffset: z4.string().regex(TIME_ZONE_OFFSET_PATTERN),
    recordTime: isoTime.optional(),
    action: z4.enum(['ADD', 'OBSERVE', 'DELETE']),
    bizStep: z4.enum(BIZ_STEPS),
    disposition: z4.string().max(64).optional(),
    readPoint: z4.strictObject({ id: uri }),
    bizLocation: z4.strictObject({ id: uri }),
    bizTransactionList: z4
      .array(z4.strictObject({ type: z4.string().max(64).optional(), bizTransaction: z4.string().min(1).max(256) }))
      .max(16)
      .optional(),
  };
  const extensionsOnly = (known: string[]) => {
    const knownSet = new Set(known);
    return (value: Record<string, unknown>) => unknownKeys(value, knownSet).length === 0;
  };
  const objectEvent = z4
    .object({ type: z4.literal('ObjectEvent'), ...common, epcList: z4.array(epc).max(OBJECT_EVENT_EPCS_MAX) })
    .extend({ quantityList: z4.array(quantity).max(QUANTITY_ELEMENTS_MAX).optional() })
    .catchall(z4.unknown())
    .refine(extensionsOnly([...KNOWN_COMMON, 'epcList', 'quantityList']));
  const aggregationEvent = z4
    .object({
      type: z4.literal('AggregationEvent'),
      ...common,
      parentID: epc,
      childEPCs: z4.array(epc).max(OBJECT_EVENT_EPCS_MAX),
      childQuantityList: z4.array(quantity).max(QUANTITY_ELEMENTS_MAX).optional(),
    })
    .catchall(z4.unknown())
    .refine(extensionsOnly([...KNOWN_COMMON, 'parentID', 'childEPCs', 'childQuantityList']));
  const document = z4.strictObject({
    '@context': z4.array(z4.union([z4.string(), z4.record(z4.string(), z4.string())])).min(1),
    type: z4.literal('EPCISDocument'),
    schemaVersion: z4.literal('2.0'),
    creationDate: isoTime,
    'stockwire:gateway': z4.string().max(64).optional(),
    'stockwire:sequence': z4.number().int().nonnegative().optional(),
    'stockwire:confirmedThrough': z4.number().int().nonnegative().optional(),
    epcisBody: z4.strictObject({
      eventList: z4
        .array(z4.union([objectEvent, aggregationEvent]))
        .min(1)
        .max(EVENTS_PER_DOCUMENT_MAX),
    }),
  });
  return (input) => document.safeParse(input).success;
}

export function zodMiniCheck(): Check {
  const isoTime = zm.string().check(zm.maxLength(40), zm.refine(isIsoTime));
  const epc = zm.string().check(zm.maxLength(256), zm.regex(EPC_URN_PATTERN));
  const uri = zm.string().check(zm.minLength(1), zm.maxLength(512), zm.regex(URI_PATTERN));
  const text = (lengthMin: number, lengthMax: number) =>
    zm.string().check(zm.minLength(lengthMin), zm.maxLength(lengthMax));
  const quantity = zm.strictObject({
    epcClass: text(1, 256),
    quantity: zm.number().check(zm.nonnegative()),
    uom: zm.optional(text(0, 8)),
  });
  const common = {
    eventID: text(1, 256),
    eventTime: isoTime,
    eventTimeZoneOffset: zm.string().check(zm.regex(TIME_ZONE_OFFSET_PATTERN)),
    recordTime: zm.optional(isoTime),
    action: zm.enum(['ADD', 'OBSERVE', 'DELETE']),
    bizStep: zm.enum(BIZ_STEPS),
    disposition: zm.optional(text(0, 64)),
    readPoint: zm.strictObject({ id: uri }),
    bizLocation: zm.strictObject({ id: uri }),
    bizTransactionList: zm.optional(
      zm
        .array(zm.strictObject({ type: zm.optional(text(0, 64)), bizTransaction: text(1, 256) }))
        .check(zm.maxLength(16)),
    ),
  };
  const extensionsOnly = (known: string[]) => {
    const knownSet = new Set(known);
    return zm.refine((value: unknown) => unknownKeys(value as Record<string, unknown>, knownSet).length === 0);
  };
  const quantities = zm.optional(zm.array(quantity).check(zm.maxLength(QUANTITY_ELEMENTS_MAX)));
  const epcs = zm.array(epc).check(zm.maxLength(OBJECT_EVENT_EPCS_MAX));
  const objectEvent = zm
    .catchall(
      zm.object({ type: zm.literal('ObjectEvent'), ...common, epcList: epcs, quantityList: quantities }),
      zm.unknown(),
    )
    .check(extensionsOnly([...KNOWN_COMMON, 'epcList', 'quantityList']));
  const aggregationEvent = zm
    .catchall(
      zm.object({
        type: zm.literal('AggregationEvent'),
        ...common,
        parentID: epc,
        childEPCs: epcs,
        childQuantityList: quantities,
      }),
      zm.unknown(),
    )
    .check(extensionsOnly([...KNOWN_COMMON, 'parentID', 'childEPCs', 'childQuantityList']));
  const count = zm.optional(zm.number().check(zm.int(), zm.nonnegative()));
  const document = zm.strictObject({
    '@context': zm.array(zm.union([zm.string(), zm.record(zm.string(), zm.string())])).check(zm.minLength(1)),
    type: zm.literal('EPCISDocument'),
    schemaVersion: zm.literal('2.0'),
    creationDate: isoTime,
    'stockwire:gateway': zm.optional(text(0, 64)),
    'stockwire:sequence': count,
    'stockwire:confirmedThrough': count,
    epcisBody: zm.strictObject({
      eventList: zm
        .array(zm.union([objectEvent, aggregationEvent]))
        .check(zm.minLength(1), zm.maxLength(EVENTS_PER_DOCUMENT_MAX)),
    }),
  });
  return (input) => document.safeParse(input).success;
}

const ajvText = (minLength: number, maxLength: number) => ({ type: 'string', minLength, maxLength });
const ajvTime = { type: 'string', maxLength: 40, format: 'iso-time' };
const ajvEpc = { type: 'string', maxLength: 256, pattern: EPC_URN_PATTERN.source };
const ajvEpcs = { type: 'array', maxItems: OBJECT_EVENT_EPCS_MAX, items: ajvEpc };
const ajvCount = { type: 'integer', minimum: 0 };
const ajvId = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { ...ajvText(1, 512), pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*:\\S+$' } },
};
const ajvQuantities = {
  type: 'array',
  maxItems: QUANTITY_ELEMENTS_MAX,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['epcClass', 'quantity'],
    properties: { epcClass: ajvText(1, 256), quantity: { type: 'number', minimum: 0 }, uom: ajvText(0, 8) },
  },
};
const ajvCommon = {
  eventID: ajvText(1, 256),
  eventTime: ajvTime,
  eventTimeZoneOffset: { type: 'string', pattern: TIME_ZONE_OFFSET_PATTERN.source },
  recordTime: ajvTime,
  action: { enum: ['ADD', 'OBSERVE', 'DELETE'] },
  bizStep: { enum: [...BIZ_STEPS] },
  disposition: ajvText(0, 64),
  readPoint: ajvId,
  bizLocation: ajvId,
  bizTransactionList: {
    type: 'array',
    maxItems: 16,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['bizTransaction'],
      properties: { type: ajvText(0, 64), bizTransaction: ajvText(1, 256) },
    },
  },
};
const ajvRequired = ['type', 'eventID', 'eventTime', 'eventTimeZoneOffset', 'action', 'bizStep', 'readPoint'];

function ajvEvent(type: string, own: Record<string, unknown>, required: string[]) {
  const known = [...KNOWN_COMMON, ...Object.keys(own)];
  return {
    type: 'object',
    required: [...ajvRequired, 'bizLocation', ...required],
    properties: { type: { const: type }, ...ajvCommon, ...own },
    propertyNames: { pattern: `^(?:${known.join('|')})$|${EXTENSION_KEY_PATTERN.source}` },
  };
}

/** JSON Schema (draft 2020-12 subset) of the same document, compiled by Ajv. */
export function ajvCheck(): Check {
  const ajv = new Ajv({ allErrors: false });
  ajv.addFormat('iso-time', { type: 'string', validate: isIsoTime });
  const eventList = {
    type: 'array',
    minItems: 1,
    maxItems: EVENTS_PER_DOCUMENT_MAX,
    items: {
      oneOf: [
        ajvEvent('ObjectEvent', { epcList: ajvEpcs, quantityList: ajvQuantities }, ['epcList']),
        ajvEvent('AggregationEvent', { parentID: ajvEpc, childEPCs: ajvEpcs, childQuantityList: ajvQuantities }, [
          'parentID',
          'childEPCs',
        ]),
      ],
    },
  };
  const context = {
    type: 'array',
    minItems: 1,
    items: { anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' } }] },
  };
  const validate = ajv.compile({
    type: 'object',
    additionalProperties: false,
    required: ['@context', 'type', 'schemaVersion', 'creationDate', 'epcisBody'],
    properties: {
      '@context': context,
      type: { const: 'EPCISDocument' },
      schemaVersion: { const: '2.0' },
      creationDate: ajvTime,
      'stockwire:gateway': ajvText(0, 64),
      'stockwire:sequence': ajvCount,
      'stockwire:confirmedThrough': ajvCount,
      epcisBody: { type: 'object', additionalProperties: false, required: ['eventList'], properties: { eventList } },
    },
  });
  return (input) => validate(input);
}
