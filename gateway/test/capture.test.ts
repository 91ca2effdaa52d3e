import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/src/clock.js';
import { RawReadSchema } from '../../shared/src/contracts/raw-read.js';
import { silentLogger } from '../../shared/src/log.js';
import { startImpinjIotSimulator, type ImpinjIotSimulator } from '../../simulators/src/readers/impinj-iot-sim.js';
import { StaticTagSource } from '../../simulators/src/readers/read-source.js';
import { runCapture } from '../src/capture.js';
import { runReplay } from '../src/replay.js';

/**
 * `stockwire-gateway capture` against a real Impinj IoT simulator over HTTP: the
 * JSONL it writes is valid RawRead lines that `replay` accepts unchanged.
 */
let directory = '';
let simulator: ImpinjIotSimulator;
const source = new StaticTagSource();

function text(stream: PassThrough): string {
  return (stream.read() as Buffer | null)?.toString('utf8') ?? '';
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'stockwire-capture-'));
  source.show(['3039606303C74380001A0559', '30340242201D8840009C4005'], 1, -52);
  const beams = {
    queue: [
      { port: 1, state: true },
      { port: 1, state: false },
    ],
    take: () => beams.queue.splice(0),
  };
  simulator = await startImpinjIotSimulator({
    source,
    beams,
    clock: systemClock,
    port: 0,
    eventIntervalMs: 50,
    autoStart: true,
  });
  writeFileSync(
    join(directory, 'gateway.json'),
    JSON.stringify({
      siteId: 'store-1',
      gatewayId: 'dock-gw-1',
      readers: [{ id: 'r700', protocol: 'impinj-iot', baseUrl: simulator.baseUrl }],
      debounce: {
        portals: [
          {
            id: 'door-1',
            inboundLocation: 'urn:stockwire:loc:store-1:backroom',
            outboundLocation: 'urn:stockwire:loc:store-1:in-transit',
            antennas: [{ reader: 'r700', antenna: 1, side: 'outside' }],
          },
        ],
      },
    }),
  );
});

afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('stockwire-gateway capture', () => {
  it('records a reader for --seconds to JSONL that replay takes', async () => {
    const stderr = new PassThrough();
    const out = join(directory, 'reads.jsonl');
    const code = await runCapture(
      ['capture', '--config', join(directory, 'gateway.json'), '--reader', 'r700', '--out', out, '--seconds', '1'],
      stderr,
      { logger: silentLogger() },
    );
    expect(code).toBe(0);
    expect(text(stderr)).toMatch(/captured \d+ reads from r700 \(impinj-iot\)/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines)
      expect(RawReadSchema.parse(JSON.parse(line))).toMatchObject({ reader: 'r700', rssi: -52 });
    const replayOut = new PassThrough();
    expect(await runReplay(['--config', join(directory, 'gateway.json'), out], replayOut)).toBe(0);
  });

  it.each([
    [['capture', '--help'], 0, 'usage: stockwire-gateway capture'],
    [['capture', '--config', 'x.yaml'], 2, 'missing --config, --reader or --out'],
    [['capture', '--bogus'], 2, "Unknown option '--bogus'"],
  ])('%j exits %i', async (args, expectedCode, message) => {
    const stderr = new PassThrough();
    const stdout = new PassThrough();
    expect(await runCapture(args, stderr, { stdout })).toBe(expectedCode);
    expect(text(stdout) + text(stderr)).toContain(message);
  });

  it('names a reader missing from the config', async () => {
    const stderr = new PassThrough();
    const args = ['--config', join(directory, 'gateway.json'), '--reader', 'nope', '--out', join(directory, 'x.jsonl')];
    expect(await runCapture(args, stderr)).toBe(2);
    expect(text(stderr)).toContain('reader "nope" is not in');
  });
});
