import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/src/config/load.js';
import { EpcisEventSchema } from '../../shared/src/contracts/epcis.js';
import { GatewayConfigSchema } from '../src/config.js';
import { REPLAY_EXIT_BAD_LINES, REPLAY_EXIT_OK, REPLAY_EXIT_USAGE, runReplay } from '../src/replay.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(root, 'config/gateway-replay.example.yaml');
const READS = join(root, 'gateway/test/fixtures/replay-reads.jsonl');
const scratch = mkdtempSync(join(tmpdir(), 'stockwire-replay-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function replay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = new PassThrough();
  const errors = new PassThrough();
  const chunks: Buffer[] = [];
  const errorChunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  errors.on('data', (chunk: Buffer) => errorChunks.push(chunk));
  const code = await runReplay(args, output, errors);
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr: Buffer.concat(errorChunks).toString('utf8') };
}

describe('stockwire-gateway replay', () => {
  it('the example config is a valid gateway config', () => {
    const config = parseConfigText(readFileSync(CONFIG, 'utf8'), CONFIG, GatewayConfigSchema);
    expect(config.debounce.portals.map((portal) => portal.id)).toEqual(['door-1', 'door-2']);
  });

  it('prints the movements of the sample capture as JSON lines', async () => {
    const { code, stdout, stderr } = await replay(['replay', '--config', CONFIG, READS]);
    expect(code).toBe(REPLAY_EXIT_OK);
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((line) => EpcisEventSchema.parse(JSON.parse(line)));
    expect(events.map((event) => [event.type, event.bizStep, event.readPoint.id.split(':').pop()])).toEqual([
      ['ObjectEvent', 'stocking', 'shelf-a1'],
      // Same event time: ordered by eventID (the CBV 2.0 event hash since wave 2).
      ['ObjectEvent', 'receiving', 'door-1'],
      ['AggregationEvent', 'receiving', 'door-1'],
      ['ObjectEvent', 'shipping', 'door-2'],
      ['ObjectEvent', 'removing', 'shelf-a1'],
      ['ObjectEvent', 'cycle_counting', 'shelf-a1'],
    ]);
    const shipping = events[3];
    expect(shipping?.type === 'ObjectEvent' && shipping.epcList).toEqual([
      'urn:epc:id:sgtin:0614141.812345.4',
      'urn:epc:id:sgtin:0614141.812345.B802011712345678',
    ]);
    expect(stderr).toMatch(
      /replay: 522 reads, 6 events, 0 bad lines skipped; ignored tags: 1 stray, 4 cross-read, 1 direction unknown/,
    );
  });

  it('is deterministic: two runs are byte-identical', async () => {
    const first = await replay(['--config', CONFIG, READS]);
    const second = await replay([`--config=${CONFIG}`, READS]);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout.length).toBeGreaterThan(1_000);
  });

  it('reports bad lines with their number, skips them and goes on', async () => {
    const lines = readFileSync(READS, 'utf8').trimEnd().split('\n');
    const file = join(scratch, 'bad.jsonl');
    writeFileSync(
      file,
      [
        lines[0],
        '{not json',
        lines[1],
        '{"epc":"XYZW","antenna":1,"rssi":-50,"time":1,"reader":"dock"}',
        '',
        ...lines.slice(2),
      ].join('\n'),
    );
    const { code, stdout, stderr } = await replay(['--config', CONFIG, file]);
    expect(code).toBe(REPLAY_EXIT_OK);
    expect(stderr).toContain(`SW_REPLAY_BAD_LINE: ${file}:2: not JSON`);
    expect(stderr).toContain(`${file}:4: epc: epc must be hex digits`);
    expect(stderr).toContain('2 bad lines skipped');
    expect(stdout).toBe((await replay(['--config', CONFIG, READS])).stdout);
    expect((await replay(['--config', CONFIG, file, '--strict'])).code).toBe(REPLAY_EXIT_BAD_LINES);
  });

  it('prints its usage with --help', async () => {
    const { code, stdout } = await replay(['replay', '--help']);
    expect(code).toBe(REPLAY_EXIT_OK);
    expect(stdout).toContain('usage: stockwire-gateway replay --config <gateway.yaml> <reads.jsonl>');
  });

  it.each([
    { name: 'no config', args: [READS], message: 'SW_REPLAY_USAGE: --config <file> is required' },
    { name: 'no reads file', args: ['--config', CONFIG], message: 'exactly one reads file' },
    { name: 'unknown option', args: ['--config', CONFIG, READS, '--fast'], message: 'unknown option --fast' },
    {
      name: 'missing config file',
      args: ['--config', '/nonexistent/gateway.yaml', READS],
      message: 'SW_CONFIG_UNREADABLE',
    },
    {
      name: 'missing reads file',
      args: ['--config', CONFIG, join(scratch, 'missing.jsonl')],
      message: 'SW_REPLAY_UNREADABLE',
    },
  ])('exits 2 with a clear message: $name', async ({ args, message }) => {
    const { code, stderr, stdout } = await replay(args);
    expect(code).toBe(REPLAY_EXIT_USAGE);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });
});
