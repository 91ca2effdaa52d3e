import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EpcisDocumentSchema, EpcisEventSchema, buildEpcisDocument } from '../../../shared/src/contracts/epcis.js';
import { T0, dockConfig, passReads, run, sgtin, shelfReads, sscc } from './builders.js';

// The official GS1 EPCIS 2.0 JSON Schema (draft-07), vendored unchanged under test/fixtures/epcis/.
const schemaPath = fileURLToPath(new URL('../../../test/fixtures/epcis/EPCIS-JSON-Schema.json', import.meta.url));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function officialValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

describe('emitted events conform to EPCIS 2.0', () => {
  const reads = [
    ...passReads({ epcs: [sscc(1), sgtin(1), sgtin(2)], direction: 'inbound', startMs: T0 }),
    ...passReads({
      epcs: [sgtin(3), 'E2003412B802011712345678', '3674257BF6B7A659B2C2BF100000000000000000000000000000'],
      direction: 'outbound',
      startMs: T0 + 20_000,
    }),
    ...shelfReads([sgtin(10), sgtin(11)], 70, (tag, round) => tag === 0 || round < 30, T0 + 40_000),
  ].sort((a, b) => a.time - b.time);
  const { events } = run(dockConfig({ tagMap: { E200: '80614141123458' } }), reads);

  it('covers every kind of event the engine emits', () => {
    const kinds = new Set(events.map((event) => `${event.type}:${event.bizStep}`));
    expect([...kinds].sort()).toEqual([
      'AggregationEvent:receiving',
      'ObjectEvent:cycle_counting',
      'ObjectEvent:receiving',
      'ObjectEvent:removing',
      'ObjectEvent:shipping',
      'ObjectEvent:stocking',
    ]);
  });

  it('each event validates with the zod contract', () => {
    for (const event of events) expect(EpcisEventSchema.safeParse(event).error).toBeUndefined();
  });

  it('the document validates against the official JSON schema (ajv, draft-07)', () => {
    const document = buildEpcisDocument(events, {
      creationDate: new Date(T0).toISOString(),
      gatewayId: 'gw-1',
      sequence: 1,
    });
    expect(EpcisDocumentSchema.safeParse(document).error).toBeUndefined();
    const validate = officialValidator();
    const valid = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the validator is not vacuous: a broken event fails it', () => {
    const broken = { ...events[0], bizStep: 'not a uri', eventTimeZoneOffset: '+99:00' };
    const document = buildEpcisDocument([broken as never], { creationDate: new Date(T0).toISOString() });
    expect(officialValidator()(document)).toBe(false);
  });
});
