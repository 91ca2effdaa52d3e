import { describe, expect, it } from 'vitest';
import { mulberry32, type Random } from '../../../simulators/src/prng.js';
import { impinjGpiEvent, impinjTagEvent } from '../../../simulators/src/readers/impinj-iot-sim.js';
import { zebraGpiEvent, zebraTagEvent } from '../../../simulators/src/readers/zebra-iot-sim.js';
import { parseImpinjMessage } from '../../src/readers/impinj-iot.js';
import { parseJsonSafely, type PushEvent } from '../../src/readers/push/events.js';
import { LineSplitter } from '../../src/readers/push/ndjson.js';
import { parseZebraMessage } from '../../src/readers/zebra-iot/events.js';

/**
 * ≥ 100K hostile inputs per JSON parser, run the way the drivers run them (line
 * splitter → JSON.parse guard → vendor parser): random bytes, truncated and mutated
 * events, type-confused fields, and good events after garbage lines. Nothing throws,
 * every rejected input is counted as bad, and a good event after garbage still decodes.
 */
const SEQUENCES = 100_000;
const LINE_BYTES_MAX = 4_096;

function randomEpc(random: Random): string {
  const bytes = random.chance(0.8) ? 12 : random.int(2, 31) * 2;
  return Array.from({ length: bytes }, () => random.int(0, 255).toString(16).padStart(2, '0')).join('');
}

function randomText(random: Random, lengthMax: number): string {
  return String.fromCharCode(...Array.from({ length: random.int(0, lengthMax) }, () => random.int(0, 255)));
}

const HOSTILE_VALUES: unknown[] = [null, true, 0, -1, 1e308, -1e308, 'x', '', [], {}, [1, 2], { a: 1 }, 1.5, 'AAAA'];

/** Replaces one leaf of a good event with something of the wrong type or out of range. */
function typeConfuse(random: Random, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return HOSTILE_VALUES[random.int(0, HOSTILE_VALUES.length - 1)];
  const copy: Record<string, unknown> = Array.isArray(value) ? ({ ...value } as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys[random.int(0, keys.length - 1)];
  if (key !== undefined) copy[key] = typeConfuse(random, copy[key]);
  return copy;
}

interface JsonParserUnderTest {
  name: string;
  goodEvent(random: Random): object;
  parse(value: unknown): PushEvent[];
}

const parsers: JsonParserUnderTest[] = [
  {
    name: 'impinj-iot events',
    goodEvent: (random) =>
      random.chance(0.1)
        ? impinjGpiEvent(random.int(1, 4), random.chance(0.5), '2026-12-04T10:00:00.000Z', 'r700')
        : impinjTagEvent(
            { epc: randomEpc(random), antenna: random.int(1, 4), rssiDbm: random.int(-90, -30) },
            '2026-12-04T10:00:00.000Z',
            'r700',
            random.chance(0.5),
          ),
    parse: parseImpinjMessage,
  },
  {
    name: 'zebra-iot events',
    goodEvent: (random) =>
      random.chance(0.1)
        ? zebraGpiEvent(random.int(1, 4), random.chance(0.5), '2026-12-04T10:00:00.000Z')
        : zebraTagEvent(
            { epc: randomEpc(random), antenna: random.int(1, 8), rssiDbm: random.int(-90, -30) },
            '2026-12-04T10:00:00.000Z',
            random.int(1, 1e6),
          ),
    parse: parseZebraMessage,
  },
];

function runLine(parser: JsonParserUnderTest, line: string): { bad: number; good: number } {
  const json = parseJsonSafely(line, LINE_BYTES_MAX);
  if (!json.ok) return { bad: 1, good: 0 };
  const events = parser.parse(json.value);
  const bad = events.filter((event) => event.kind === 'bad').length;
  return { bad, good: events.length - bad };
}

describe.each(parsers)('fuzz: $name', (parser) => {
  it(`survives ${SEQUENCES} hostile inputs, counts them, and decodes good events after garbage`, () => {
    const random = mulberry32(0x15ee);
    let rejected = 0;
    let mustReject = 0;
    let recovered = 0;
    let recoveryChecks = 0;
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const good = JSON.stringify(parser.goodEvent(random));
      const kind = sequence % 5;
      const splitter = new LineSplitter(LINE_BYTES_MAX);
      let text: string;
      if (kind === 0) text = randomText(random, 120);
      else if (kind === 1) text = good.slice(0, random.int(1, good.length - 1)); // truncated: never valid JSON
      else if (kind === 2) {
        const at = random.int(0, good.length - 1);
        text = good.slice(0, at) + String.fromCharCode(random.int(0, 255)) + good.slice(at + 1);
      } else if (kind === 3) text = JSON.stringify(typeConfuse(random, JSON.parse(good)));
      else text = `${randomText(random, 60).replace(/\n/g, '')}\n${good}`;
      const lines = splitter.push(`${text}\n`);
      const results = lines.map((line) => runLine(parser, line));
      const badCount = results.reduce((sum, result) => sum + result.bad, 0);
      if (kind === 1) {
        mustReject++;
        if (badCount === 1) rejected++;
      }
      if (kind === 4) {
        recoveryChecks++;
        if (results.at(-1)?.good === 1) recovered++;
      }
    }
    expect(rejected).toBe(mustReject);
    expect(recovered).toBe(recoveryChecks);
  });

  it('counts an over-long line once and keeps decoding after it', () => {
    const splitter = new LineSplitter(LINE_BYTES_MAX);
    const good = JSON.stringify(parser.goodEvent(mulberry32(7)));
    const lines = [...splitter.push('x'.repeat(LINE_BYTES_MAX * 3)), ...splitter.push(`yyy\n${good}\n`)];
    expect(splitter.linesTooLong).toBe(1);
    expect(lines).toEqual([good]);
    expect(runLine(parser, good)).toEqual({ bad: 0, good: 1 });
  });
});
