import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { systemClock, type Clock } from '../../shared/src/clock.js';
import type { RawRead } from '../../shared/src/contracts/raw-read.js';
import { errorMessage } from '../../shared/src/errors.js';
import { createLogger, type Logger } from '../../shared/src/log.js';
import { loadGatewayConfig } from './config.js';
import type { ReaderConfig } from './readers/config.js';
import type { ReaderDriver } from './readers/driver.js';

/**
 * `stockwire-gateway capture`: records the normalised raw reads of one configured
 * reader (any protocol, through the daemon's own driver) to the JSONL that `replay`
 * takes, so a site engineer can tune the debounce offline on real traffic.
 */
export const CAPTURE_USAGE = `usage: stockwire-gateway capture --config <gateway.yaml> --reader <id> --out <reads.jsonl> [--seconds N]

Connects to one reader of the gateway config with the daemon's own driver and writes every
normalised raw read as one JSON line ({"epc","antenna","rssi","time","reader"}), and every GPI
(photo-eye) change as {"beam":{"reader","port","state","time"}}: the input of \`stockwire-gateway replay\`.
Stop with Ctrl-C (SIGINT/SIGTERM) or after --seconds.
Do not capture a reader the running daemon is connected to: most readers take one client.

options:
  --config <file>   gateway config (YAML or JSON)
  --reader <id>     which of its readers to record
  --out <file>      JSONL file to write (replaced)
  --seconds <n>     stop after this long (default: until interrupted)
  --help            this text

exit codes: 0 done, 1 reader or file error, 2 usage or config error
`;

export interface CaptureDependencies {
  clock?: Clock;
  logger?: Logger;
  /** Ends the capture (tests; the bin wires SIGINT/SIGTERM here). */
  signal?: AbortSignal;
  /** Where --help goes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  createDriver?: (config: ReaderConfig, context: { clock: Clock; logger: Logger }) => ReaderDriver;
}

interface CaptureArguments {
  configFile: string;
  readerId: string;
  outFile: string;
  seconds: number | null;
}

function parseCaptureArguments(args: readonly string[]): CaptureArguments | string {
  const rest = args[0] === 'capture' ? args.slice(1) : [...args];
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c' },
      reader: { type: 'string' },
      out: { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (!values.config || !values.reader || !values.out) return 'missing --config, --reader or --out';
  const seconds = values.seconds === undefined ? null : Number(values.seconds);
  if (seconds !== null && !(seconds > 0 && seconds <= 31 * 86_400)) return `--seconds "${values.seconds}" must be > 0`;
  return { configFile: values.config, readerId: values.reader, outFile: values.out, seconds };
}

export async function runCapture(
  args: readonly string[],
  stderr: NodeJS.WritableStream,
  deps: CaptureDependencies = {},
): Promise<number> {
  let parsed: CaptureArguments | string;
  try {
    parsed = parseCaptureArguments(args);
  } catch (error) {
    parsed = errorMessage(error);
  }
  if (parsed === 'help') {
    (deps.stdout ?? process.stdout).write(CAPTURE_USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    stderr.write(`${parsed}\n\n${CAPTURE_USAGE}`);
    return 2;
  }
  let readerConfig: ReaderConfig | undefined;
  try {
    readerConfig = loadGatewayConfig(parsed.configFile).readers.find((reader) => reader.id === parsed.readerId);
  } catch (error) {
    stderr.write(`${errorMessage(error)}\n`);
    return 2;
  }
  if (!readerConfig) {
    stderr.write(`reader "${parsed.readerId}" is not in ${parsed.configFile}\n`);
    return 2;
  }
  return record(readerConfig, parsed, stderr, deps);
}

async function record(
  readerConfig: ReaderConfig,
  parsed: CaptureArguments,
  stderr: NodeJS.WritableStream,
  deps: CaptureDependencies,
): Promise<number> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger('stockwire-capture');
  const createDriver = deps.createDriver ?? (await import('./readers/factory.js')).createReaderDriver;
  let driver: ReaderDriver;
  try {
    driver = createDriver(readerConfig, { clock, logger });
  } catch (error) {
    // e.g. a `simulated` reader: the gateway ships no simulator (stockwire-sim plays scenarios itself).
    stderr.write(`capture failed: ${errorMessage(error)}\n`);
    return 2;
  }
  const out: WriteStream = createWriteStream(parsed.outFile);
  await once(out, 'open');
  let reads = 0;
  let beams = 0;
  driver.onRead((read: RawRead) => {
    reads++;
    out.write(`${JSON.stringify(read)}\n`);
  });
  // Photo-eye changes go in between, so replay decides direction with the beams as the daemon does.
  driver.onGpi?.((event) => {
    beams++;
    out.write(
      `${JSON.stringify({ beam: { reader: event.readerId, port: event.port, state: event.state, time: event.timeMs } })}\n`,
    );
  });
  const startedMs = clock.nowMs();
  try {
    await driver.connect();
    await driver.start();
    await untilStopped(clock, parsed.seconds, deps.signal);
    return 0;
  } catch (error) {
    stderr.write(`capture failed: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await driver.close().catch(() => undefined);
    out.end();
    await once(out, 'finish');
    const seconds = ((clock.nowMs() - startedMs) / 1000).toFixed(1);
    stderr.write(
      `captured ${reads} reads from ${readerConfig.id} (${readerConfig.protocol}) in ${seconds} s, ${beams} photo-eye changes → ${parsed.outFile}\n`,
    );
  }
}

function untilStopped(clock: Clock, seconds: number | null, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = seconds === null ? null : clock.setTimeout(resolve, seconds * 1000);
    if (signal?.aborted) resolve();
    signal?.addEventListener(
      'abort',
      () => {
        timer?.cancel();
        resolve();
      },
      { once: true },
    );
  });
}
