/**
 * Time-series sink throughput against a real InfluxDB 1.6.7 on loopback: stock-level and
 * movement points written through TimeseriesSink in batches of `batchLinesMax` (5,000),
 * against the naive baseline of one write request per ledger change (2 points).
 * `node --import tsx scripts/bench/timeseries.ts` (~15 s).
 */
import { systemClock } from '../../shared/src/clock.js';
import { silentLogger } from '../../shared/src/log.js';
import { isMainModule } from '../../shared/src/main-module.js';
import { startInflux } from '../../test/support/influx.js';
import type { PositionChange } from '../../cloud/src/events.js';
import { TimeseriesConfigSchema } from '../../cloud/src/timeseries/config.js';
import { Influx1Writer } from '../../cloud/src/timeseries/influx1-writer.js';
import { pointsFromPositions } from '../../cloud/src/timeseries/points.js';
import { TimeseriesSink } from '../../cloud/src/timeseries/sink.js';

const batchedChanges = 100_000;
const naiveChanges = 2_000;
const naiveTimeMaxMs = 10_000;

function changes(count: number, offsetMs: number): PositionChange[] {
  const startMs = Date.parse('2026-01-01T00:00:00Z') + offsetMs;
  return Array.from({ length: count }, (_, index) => ({
    product: `0950600013${String(index % 500).padStart(4, '0')}`,
    location: `store-${index % 20}/shelf-${index % 40}`,
    qtyDelta: '-1',
    valueDelta: '-1.25',
    qtyAfter: String(1000 - (index % 1000)),
    valueAfter: '1250.00',
    kind: index % 5 === 0 ? 'receipt' : 'sale',
    transactionId: `tx-${offsetMs}-${index}`,
    time: new Date(startMs + index).toISOString(),
  }));
}

export async function run(): Promise<void> {
  const influx = await startInflux();
  try {
    const config = TimeseriesConfigSchema.parse({
      kind: 'influx1',
      url: influx.url,
      database: 'bench',
      bufferPointsMax: 1_000_000,
    });
    const writer = new Influx1Writer(config);
    await writer.prepare();

    // naive: one request per change, awaited (what an event handler writing inline would do)
    const naive = changes(naiveChanges, 0);
    let naiveDone = 0;
    const naiveStartMs = performance.now();
    for (const change of naive) {
      await writer.write(pointsFromPositions([change], 0));
      naiveDone += 1;
      if (performance.now() - naiveStartMs > naiveTimeMaxMs) break;
    }
    const naivePointsPerSecond = (naiveDone * 2) / ((performance.now() - naiveStartMs) / 1000);

    // sink: enqueue everything (what the event listener does), then flush in 5,000-line batches
    const sink = new TimeseriesSink(config, writer, { clock: systemClock, logger: silentLogger() });
    const batched = changes(batchedChanges, 10_000_000);
    const enqueueStartMs = performance.now();
    for (let offset = 0; offset < batched.length; offset += 100)
      sink.enqueue(pointsFromPositions(batched.slice(offset, offset + 100), 0));
    const enqueueMs = performance.now() - enqueueStartMs;
    await sink.flush();
    const sinkMs = performance.now() - enqueueStartMs;
    const stats = sink.stats();
    await sink.close();
    const sinkPointsPerSecond = stats.writtenPoints / (sinkMs / 1000);

    console.log(
      `naive, 1 request per change : ${naiveDone} changes, ${Math.round(naivePointsPerSecond).toLocaleString('en-US')} points/s`,
    );
    console.log(
      `sink, ${config.batchLinesMax}-line batches : ${stats.writtenPoints.toLocaleString('en-US')} points in ${Math.round(sinkMs)} ms = ${Math.round(sinkPointsPerSecond).toLocaleString('en-US')} points/s (enqueue ${((enqueueMs / batchedChanges) * 1000).toFixed(2)} µs per change; dropped ${stats.droppedPoints})`,
    );
    console.log(`ratio sink / naive: ${(sinkPointsPerSecond / naivePointsPerSecond).toFixed(1)}×`);
  } finally {
    await influx.stop();
  }
}

if (isMainModule(import.meta.url)) await run();
