import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLlrpCli } from '../../../src/readers/llrp/cli.js';
import { encodeReaderEventNotification, encodeRoAccessReport } from '../../../src/readers/llrp/reader-messages.js';

/** `stockwire-gateway llrp decode`: captured bytes (binary or hex text) → JSON. */
const directory = mkdtempSync(join(tmpdir(), 'stockwire-llrp-decode-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runLlrpCli(
    args,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  return { code, stdout, stderr };
}

function file(name: string, content: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

// The hand-written RO_ACCESS_REPORT of the codec tests (EPC-96, antenna 2, -60 dBm, first seen µs).
const REPORT_HEX = '043d 00000029 00000063 00f0 001f 8d 3039606303c74380001a0559 81 0002 86 c4 82 0006282781655000';

describe('llrp decode', () => {
  it('decodes a whole RO_ACCESS_REPORT from hex text; absent fields are omitted', async () => {
    const result = await run(['decode', file('report.hex', `${REPORT_HEX}\n`)]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      type: 'RO_ACCESS_REPORT',
      version: 1,
      messageId: 0x63,
      tagReports: [
        { epc: '3039606303C74380001A0559', antennaId: 2, peakRssiDbm: -60, firstSeenUtcMicros: 1_733_000_000_000_000 },
      ],
    });
  });

  it('decodes a raw binary body given --type, preferring ImpinjPeakRSSI (dBm×100)', async () => {
    const message = encodeRoAccessReport(1, [
      {
        epcHex: 'E2801160600002',
        antennaId: 3,
        peakRssiDbm: -48,
        impinjPeakRssiCdbm: -4788,
        lastSeenUtcMicros: 5,
        seenCount: 2,
        channelIndex: 11,
      },
    ]);
    const result = await run(['decode', file('body.bin', message.subarray(10)), '--type', 'RO_ACCESS_REPORT']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      type: 'RO_ACCESS_REPORT',
      tagReports: [
        {
          epc: 'E2801160600002',
          antennaId: 3,
          peakRssiDbm: -47.88,
          lastSeenUtcMicros: 5,
          seenCount: 2,
          channelIndex: 11,
        },
      ],
    });
  });

  it('decodes reader events (a refused connection)', async () => {
    const bytes = encodeReaderEventNotification(4, 1_000_000, [{ kind: 'connectionAttempt', status: 2 }]);
    const result = await run(['decode', file('event.bin', bytes)]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      type: 'READER_EVENT_NOTIFICATION',
      timestampUtcMicros: 1_000_000,
      events: [{ kind: 'connectionAttempt', status: 2 }],
    });
  });

  it.each([
    ['not LLRP', ['decode', 'garbage.hex'], 'ffffffffffffffffffffff', 1, 'SW_READER_LLRP_DECODE'],
    ['a cut too short', ['decode', 'short.hex'], REPORT_HEX.slice(0, 40), 1, 'the header says 41 bytes'],
    ['an unknown --type', ['decode', 'body.hex', '--type', 'NO_SUCH'], '00', 1, 'unknown message type'],
    ['no file', ['decode'], '', 2, 'expected: llrp decode <file>'],
  ])('%s → exit %i', async (_name, args, content, code, message) => {
    const [command, name, ...rest] = args;
    const result = await run(name ? [command!, file(name, content), ...rest] : [command!]);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });

  it('--help explains the input and the output', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('llrp decode <file> [--type <MESSAGE_NAME>]');
  });
});
