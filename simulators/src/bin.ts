#!/usr/bin/env node
import { isMainModule } from '../../shared/src/main-module.js';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { systemClock } from '../../shared/src/clock.js';
import { errorMessage, makeError, StockwireError } from '../../shared/src/errors.js';
import { createLogger, silentLogger } from '../../shared/src/log.js';
import { SimulatorErrors } from './errors.js';
import { generateScenarioReads, writeReadsJsonl, writeTruthJsonl } from './reads-jsonl.js';
import { loadScenarioFile, resolveScenarioFile } from './scenario/load.js';
import type { Scenario } from './scenario/schema.js';
import { serveScenario } from './serve.js';
import { runStoreCli } from './store/cli.js';

/** Where the CLI prints: a Writable in production, a string collector in tests. */
export interface CliOutput {
  write(text: string): unknown;
}

export interface SimCliOptions {
  /** Stops serving when aborted (tests); the binary stops on SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

export const HELP_TEXT = `stockwire-sim — RFID reader simulators driven by a scenario file

Usage: stockwire-sim <scenario.yaml|json | bundled name, e.g. dock-door-demo> [options]
       stockwire-sim store --cloud-url <url> --mqtt-url <url> [options]   (shoppers at a till: --help there)
       stockwire-sim gateway --config <gateway.yaml>   the gateway daemon with simulated readers (see gateway --help)

Serves every reader in the scenario over its real protocol (Chafon / ThingMagic on a
socat pseudo-terminal, OPC UA AutoID and LLRP on 127.0.0.1) so an unchanged gateway connects
to it, and/or writes the reads the scenario generates.

Options:
  --reads-out <file>      write the generated raw reads as JSONL (RawRead per line)
  --expected-out <file>   write the movements a correct gateway must derive (JSON)
  --truth-out <file>      write the physical truth (where every case and item is, JSONL; docs/accuracy.md)
  --loops <n>             loops to generate for the --*-out files (default 1)
  --start-time <ms|iso>   epoch of the first loop for generated files (default: now)
  --serve / --no-serve    serve the readers (default: serve unless a --*-out file is asked for)
  --seed <n>              override the scenario's seed
  --no-loop               play the timeline once instead of repeating it
  --speed <x>             time scale while serving (2 = twice as fast; default 1)
  --duration <seconds>    stop serving after this long (default: until Ctrl-C)
  --pty-dir <dir>         pty links for serial readers without serialDevice
  --opcua-port <port>     OPC UA port when no reader sets opcuaPort (default 4840)
  --reader-mqtt-url <url> broker the zebra-iot readers publish to (default: an embedded one)
  --reader-mqtt-port <p>  port of that embedded broker on 127.0.0.1 (default: ephemeral)
  --pki-dir <dir>         OPC UA server PKI folder (default: <tmp>/stockwire-sim-pki)
  --llrp-port <port>      first LLRP port for readers without llrpPort (next ones +1; default 5084, 0 = ephemeral)
  --quiet                 no logs, only the summary
  -h, --help              this text

Exit codes: 0 ok, 1 bad scenario or runtime failure, 2 bad usage.
`;

function parseStartTime(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const asNumber = Number(text);
  const value = Number.isFinite(asNumber) ? asNumber : Date.parse(text);
  if (!Number.isFinite(value))
    throw makeError(SimulatorErrors.USAGE, { reason: `--start-time "${text}" is neither epoch ms nor ISO 8601` });
  return value;
}

function positiveNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw makeError(SimulatorErrors.USAGE, { reason: `${name} must be a positive number, got "${text}"` });
  return value;
}

function llrpPortOf(text: string | undefined): number {
  if (text === undefined) return 5084;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw makeError(SimulatorErrors.USAGE, { reason: `--llrp-port must be 0–65535, got "${text}"` });
  return port;
}

interface FileOutputs {
  readsOut: string | undefined;
  expectedOut: string | undefined;
  truthOut: string | undefined;
  loops: number;
  startEpochMs: number;
}

/** `--reads-out`, `--truth-out`, `--expected-out`: one generation, written to each file asked for. */
async function writeGeneratedFiles(
  scenario: Scenario,
  seed: number | undefined,
  output: CliOutput,
  files: FileOutputs,
): Promise<void> {
  const generated = generateScenarioReads(scenario, {
    loops: files.loops,
    startEpochMs: files.startEpochMs,
    ...(seed === undefined ? {} : { seed }),
  });
  if (files.readsOut) {
    const count = await writeReadsJsonl(files.readsOut, generated.reads);
    output.write(`wrote ${count} reads to ${files.readsOut}\n`);
  }
  if (files.truthOut) {
    const header = {
      truth: 'stockwire/truth/v1' as const,
      scenario: scenario.name,
      seed: seed ?? scenario.seed,
      startTime: new Date(files.startEpochMs).toISOString(),
    };
    const count = await writeTruthJsonl(files.truthOut, header, generated.truth);
    output.write(`wrote ${count} truth records to ${files.truthOut}\n`);
  }
  if (files.expectedOut) {
    const document = { scenario: scenario.name, seed: seed ?? scenario.seed, expected: generated.expected };
    writeFileSync(files.expectedOut, `${JSON.stringify(document, null, 2)}\n`);
    output.write(`wrote ${generated.expected.length} expected movements to ${files.expectedOut}\n`);
  }
}

const SIM_CLI_OPTIONS = {
  'reads-out': { type: 'string' },
  'expected-out': { type: 'string' },
  'truth-out': { type: 'string' },
  loops: { type: 'string' },
  'start-time': { type: 'string' },
  serve: { type: 'boolean' },
  seed: { type: 'string' },
  loop: { type: 'boolean', default: true },
  speed: { type: 'string' },
  duration: { type: 'string' },
  'pty-dir': { type: 'string' },
  'opcua-port': { type: 'string' },
  'reader-mqtt-url': { type: 'string' },
  'reader-mqtt-port': { type: 'string' },
  'pki-dir': { type: 'string' },
  'llrp-port': { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseSimArgs(args: readonly string[]) {
  return parseArgs({ args: [...args], allowPositionals: true, allowNegative: true, options: SIM_CLI_OPTIONS });
}

type SimCliValues = ReturnType<typeof parseSimArgs>['values'];

export async function runSimCli(
  args: readonly string[],
  output: CliOutput,
  options: SimCliOptions = {},
): Promise<number> {
  if (args[0] === 'store') return runStoreCli(args.slice(1), output, options.signal);
  if (args[0] === 'gateway') {
    // Loaded on demand: the daemon's stack is only needed by this subcommand.
    const { runSimulatedGatewayCli } = await import('./gateway-cli.js');
    return runSimulatedGatewayCli(args.slice(1), output);
  }
  let parsed;
  try {
    parsed = parseSimArgs(args);
  } catch (error) {
    output.write(`stockwire-sim: ${errorMessage(error)}\n\n${HELP_TEXT}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.write(HELP_TEXT);
    return 0;
  }
  if (positionals.length !== 1) {
    output.write(`stockwire-sim: expected exactly one scenario file\n\n${HELP_TEXT}`);
    return 2;
  }
  try {
    const scenario = loadScenarioFile(resolveScenarioFile(positionals[0] ?? ''));
    const seed = values.seed === undefined ? undefined : Math.trunc(Number(values.seed));
    if (seed !== undefined && !Number.isFinite(seed))
      throw makeError(SimulatorErrors.USAGE, { reason: `--seed "${values.seed}" is not an integer` });
    const writesFiles =
      values['reads-out'] !== undefined || values['expected-out'] !== undefined || values['truth-out'] !== undefined;
    if (writesFiles)
      await writeGeneratedFiles(scenario, seed, output, {
        readsOut: values['reads-out'],
        expectedOut: values['expected-out'],
        truthOut: values['truth-out'],
        loops: Math.trunc(positiveNumber(values.loops, '--loops', 1)),
        startEpochMs: parseStartTime(values['start-time']),
      });
    if (!(values.serve ?? !writesFiles)) return 0;
    await serveUntilStopped(scenario, seed, values, output, options.signal);
    return 0;
  } catch (error) {
    output.write(`stockwire-sim: ${errorMessage(error)}\n`);
    return error instanceof StockwireError && error.code === SimulatorErrors.USAGE.code ? 2 : 1;
  }
}

/** Serves every reader of the scenario, prints the gateway config for them, and stops at --duration or a signal. */
async function serveUntilStopped(
  scenario: Scenario,
  seed: number | undefined,
  values: SimCliValues,
  output: CliOutput,
  signal: AbortSignal | undefined,
): Promise<void> {
  const logger = values.quiet ? silentLogger() : createLogger('stockwire-sim');
  const serving = await serveScenario({
    scenario,
    clock: systemClock,
    logger,
    loop: values.loop ?? true,
    speed: positiveNumber(values.speed, '--speed', 1),
    ptyDir: values['pty-dir'] ?? join(tmpdir(), 'stockwire-sim'),
    opcuaPort: Math.trunc(positiveNumber(values['opcua-port'], '--opcua-port', 4840)),
    pkiDir: values['pki-dir'] ?? join(tmpdir(), 'stockwire-sim-pki'),
    llrpPort: llrpPortOf(values['llrp-port']),
    ...(values['reader-mqtt-url'] === undefined ? {} : { readerMqttUrl: values['reader-mqtt-url'] }),
    ...(values['reader-mqtt-port'] === undefined
      ? {}
      : { readerMqttPort: Math.trunc(positiveNumber(values['reader-mqtt-port'], '--reader-mqtt-port', 1)) }),
    ...(seed === undefined ? {} : { seed }),
  });
  output.write(`scenario ${scenario.name}: serving ${serving.readers.length} reader(s). Gateway config:\n`);
  output.write(toYaml({ readers: serving.readers.map((reader) => reader.gatewayConfig) }));
  const durationSeconds = values.duration === undefined ? null : positiveNumber(values.duration, '--duration', 1);
  await untilStopped(durationSeconds, signal);
  await serving.stop();
  output.write('stopped\n');
}

/** Resolves after `durationSeconds` (never, when null), on SIGINT/SIGTERM, or when `signal` aborts. */
function untilStopped(durationSeconds: number | null, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((done) => {
    let timer: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      signal?.removeEventListener('abort', finish);
      done();
    };
    if (durationSeconds !== null) timer = setTimeout(finish, durationSeconds * 1000);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    signal?.addEventListener('abort', finish, { once: true });
    if (signal?.aborted) finish();
  });
}

/** True when run as the binary; npm links bins through symlinks, so compare real paths. */
if (isMainModule(import.meta.url)) {
  runSimCli(process.argv.slice(2), process.stdout).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`stockwire-sim: ${errorMessage(error)}\n`);
      process.exit(1);
    },
  );
}
