/**
 * `npm run bench -- validation`: what checking one gateway EPCIS document costs per event, by candidate, on the
 * ingest bench's documents (single-item receipts, 40 events per document, as scripts/bench/ingest.ts builds them).
 * The baseline is today's zod 3 schema (`EpcisDocumentSchema`); the others are the same rules in zod 4, zod 4 mini,
 * Ajv (scripts/bench/validation/candidates.ts) and the hand-written fast path the cloud now tries first
 * (shared/src/contracts/epcis-fast-path.ts). Then the eventID check (every id recomputed): `matchesEventId` per
 * event and `verifyEventIds` per document (reads `@context` once). Both run today's hash: its before/after is
 * measured across checkouts (docs/scale-out.md, "Round 4: validation").
 * Rounds alternate the candidates so a change in load hits them all; the median round is printed with its ratio.
 *
 *   VALIDATION_BENCH_EVENTS=8000 VALIDATION_BENCH_ROUNDS=7 node --import tsx scripts/bench.ts validation
 */
import { loadavg } from 'node:os';
import { buildEpcisDocument, EpcisDocumentSchema, type EpcisDocument } from '../../shared/src/contracts/epcis.js';
import { parseEpcisDocumentFast } from '../../shared/src/contracts/epcis-fast-path.js';
import { matchesEventId, verifyEventIds } from '../../shared/src/contracts/event-id.js';
import { movement } from './e2e/fleet.js';
import { ajvCheck, zod4Check, zodMiniCheck, type Check } from './validation/candidates.js';

const EVENTS_PER_DOCUMENT = 40;
const GATEWAYS = 100;
const SITES = 20;

function documents(total: number): unknown[] {
  return Array.from({ length: Math.ceil(total / EVENTS_PER_DOCUMENT) }, (_, index) => {
    const [gateway, round] = [index % GATEWAYS, Math.floor(index / GATEWAYS)];
    const events = Array.from({ length: EVENTS_PER_DOCUMENT }, (_, k) =>
      movement(gateway, round * EVENTS_PER_DOCUMENT + k, 1, SITES),
    );
    const document = buildEpcisDocument(events, {
      creationDate: new Date().toISOString(),
      gatewayId: `bench-gw-${gateway}`,
    });
    return JSON.parse(JSON.stringify(document)) as unknown;
  });
}

function candidates(parsed: readonly EpcisDocument[]): Array<[string, (input: unknown, index: number) => boolean]> {
  const fromCheck = (check: Check) => (input: unknown) => check(input);
  return [
    ['zod 3 schema (today)', (input) => EpcisDocumentSchema.safeParse(input).success],
    ['zod 4 (zod/v4)', fromCheck(zod4Check())],
    ['zod 4 mini', fromCheck(zodMiniCheck())],
    ['ajv (compiled)', fromCheck(ajvCheck())],
    ['fast path', (input) => parseEpcisDocumentFast(input) !== undefined],
    [
      'eventIDs, matchesEventId each',
      (_input, index) =>
        parsed[index]!.epcisBody.eventList.every((event) => matchesEventId(event, parsed[index]!['@context'])),
    ],
    ['eventIDs, verifyEventIds', (_input, index) => verifyEventIds(parsed[index]!) === undefined],
  ];
}

export async function run(): Promise<void> {
  const total = Number(process.env['VALIDATION_BENCH_EVENTS'] ?? 8_000);
  const rounds = Number(process.env['VALIDATION_BENCH_ROUNDS'] ?? 7);
  const inputs = documents(total);
  const parsed = inputs.map((input) => EpcisDocumentSchema.parse(input));
  const events = inputs.length * EVENTS_PER_DOCUMENT;
  const list = candidates(parsed);
  const times = new Map<string, number[]>(list.map(([name]) => [name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [name, check] of list) {
      const startNs = process.hrtime.bigint();
      for (let index = 0; index < inputs.length; index++) {
        if (!check(inputs[index], index)) throw new Error(`${name} refused a bench document`);
      }
      // Round 0 warms every candidate up (JIT, caches) and is not counted.
      if (round > 0) times.get(name)!.push(Number(process.hrtime.bigint() - startNs) / 1_000 / events);
    }
  }
  report(events, rounds, times);
  await Promise.resolve();
}

function report(events: number, rounds: number, times: ReadonlyMap<string, number[]>): void {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const baseline = median(times.get('zod 3 schema (today)')!);
  const eventIdBaseline = median(times.get('eventIDs, matchesEventId each')!);
  const load = loadavg().map((value) => value.toFixed(2));
  const lines = [...times].map(([name, values]) => {
    const perEventUs = median(values);
    const against = name.startsWith('eventIDs') ? eventIdBaseline : baseline;
    return `  ${name.padEnd(30)} ${perEventUs.toFixed(2).padStart(7)} µs/event  ${(against / perEventUs).toFixed(1)}× ${name.startsWith('eventIDs') ? 'matchesEventId' : 'zod 3'}\n`;
  });
  process.stdout.write(
    `validation: ${events} single-item events in ${events / EVENTS_PER_DOCUMENT} documents, median of ${rounds} rounds; load average ${load.join(' ')}\n` +
      lines.join(''),
  );
}
