import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import { generateScenarioRun, type ExpectedMovement, type ScenarioRun } from './scenario/engine.js';
import type { Scenario } from './scenario/schema.js';
import { runToTruth } from './scenario/truth.js';
import { unpacksOf, type Unpacking } from './scenario/unpacks.js';
import type { TruthHeader, TruthRecord } from '../../shared/src/contracts/truth.js';

/**
 * Offline generation: the reads a scenario produces, as RawRead JSONL (one object
 * per line, the gateway's replay format), plus the movements a correct gateway
 * must derive from them. Times are absolute epoch ms from `startEpochMs`.
 */
export interface ExpectedMovementAt {
  movement: ExpectedMovement;
  loopIndex: number;
  /** Epoch ms: pass end for portals, the take/stock time for shelves. */
  timeMs: number;
}

export function runToRawReads(run: ScenarioRun, loopStartEpochMs: number): RawRead[] {
  return run.reads.map((read) => ({
    epc: read.epc,
    antenna: read.antenna,
    rssi: read.rssiDbm,
    time: loopStartEpochMs + read.offsetMs,
    reader: read.readerId,
  }));
}

export interface GenerateJsonlOptions {
  seed?: number;
  loops?: number;
  startEpochMs: number;
  /** Only these readers' reads (default: all). */
  readerIds?: readonly string[];
}

export interface GeneratedScenario {
  reads: RawRead[];
  expected: ExpectedMovementAt[];
  /** Physical truth of every loop (see scenario/truth.ts), in time order. */
  truth: TruthRecord[];
  /** URIs of tags that never answer any reader (scenario `rates.tagUnreadableProbability`). */
  unreadable: string[];
  /** Dead tags re-tagged (at receiving, or when their case is opened): URI and the epoch ms from which they answer. */
  retagged: Array<{ uri: string; atMs: number }>;
  /** Inbound pallets with every case the supplier listed (short-shipped ones too): what an ASN would say. */
  deliveries: Delivery[];
  /** Cases opened in the backroom, each with its items (scenario `case-unpack` events). */
  unpacks: Unpacking[];
}

export interface Delivery {
  /** Epoch ms the pallet passes the door. */
  timeMs: number;
  sscc: string;
  cases: { uri: string; gtin: string }[];
}

/** The inbound pallet passes of one loop, each with the full case list of its population. */
function deliveriesOf(run: ScenarioRun, loopStartEpochMs: number): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const movement of run.expected) {
    if (movement.kind !== 'portal' || movement.direction !== 'inbound' || movement.parentEpc === null) continue;
    const pallet = run.tags.find((tag) => tag.epc === movement.parentEpc);
    if (!pallet || movement.parentUri === null) continue;
    const cases = run.tags.filter((tag) => tag.populationId === pallet.populationId && tag.role === 'case');
    deliveries.push({
      timeMs: loopStartEpochMs + movement.startMs,
      sscc: movement.parentUri,
      cases: cases.map((tag) => ({ uri: tag.uri, gtin: tag.gtin ?? '' })),
    });
  }
  return deliveries;
}

export function generateScenarioReads(scenario: Scenario, options: GenerateJsonlOptions): GeneratedScenario {
  const loops = options.loops ?? 1;
  const reads: RawRead[] = [];
  const expected: ExpectedMovementAt[] = [];
  const truth: TruthRecord[] = [];
  const unreadable: string[] = [];
  const retagged: Array<{ uri: string; atMs: number }> = [];
  const deliveries: Delivery[] = [];
  const unpacks: Unpacking[] = [];
  const wanted = options.readerIds ? new Set(options.readerIds) : null;
  for (let loopIndex = 0; loopIndex < loops; loopIndex++) {
    const run = generateScenarioRun(scenario, {
      loopIndex,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
    const loopStartEpochMs = options.startEpochMs + loopIndex * run.durationMs;
    truth.push(...runToTruth(scenario, run, loopStartEpochMs));
    unreadable.push(...run.unreadable);
    retagged.push(...run.retagged.map(({ uri, atMs }) => ({ uri, atMs: loopStartEpochMs + atMs })));
    deliveries.push(...deliveriesOf(run, loopStartEpochMs));
    unpacks.push(...unpacksOf(run, loopStartEpochMs));
    for (const read of runToRawReads(run, loopStartEpochMs)) if (!wanted || wanted.has(read.reader)) reads.push(read);
    for (const movement of run.expected) {
      if (wanted && !wanted.has(movement.readerId)) continue;
      expected.push({
        movement,
        loopIndex,
        timeMs: loopStartEpochMs + (movement.kind === 'portal' ? movement.endMs : movement.atMs),
      });
    }
  }
  return { reads, expected, truth, unreadable, retagged, deliveries, unpacks };
}

/** Writes the truth file: a header line naming the run, then one record per line. */
export async function writeTruthJsonl(
  file: string,
  header: TruthHeader,
  truth: Iterable<TruthRecord>,
): Promise<number> {
  return writeJsonl(file, [header], truth);
}

/** Writes reads as JSONL, honouring back-pressure so a long scenario does not buffer in RAM twice. */
export async function writeReadsJsonl(file: string, reads: Iterable<RawRead>): Promise<number> {
  return writeJsonl(file, [], reads);
}

/** One JSON document per line after the preamble lines; returns the count of body lines. */
async function writeJsonl(file: string, preamble: readonly unknown[], body: Iterable<unknown>): Promise<number> {
  const stream = createWriteStream(file, { encoding: 'utf8' });
  for (const line of preamble) if (!stream.write(`${JSON.stringify(line)}\n`)) await once(stream, 'drain');
  let count = 0;
  for (const line of body) {
    if (!stream.write(`${JSON.stringify(line)}\n`)) await once(stream, 'drain');
    count++;
  }
  stream.end();
  await once(stream, 'finish');
  return count;
}
