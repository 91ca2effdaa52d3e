import { createReadStream, type ReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { EpcisEvent } from '../../shared/src/contracts/epcis.js';
import type { z } from 'zod';
import { RawReadSchema, type RawRead } from '../../shared/src/contracts/raw-read.js';
import { StockwireError, errorMessage, makeError } from '../../shared/src/errors.js';
import { loadGatewayConfig } from './config.js';
import { BeamLineSchema } from './debounce/beams.js';
import { createDebounceEngine } from './debounce/engine.js';
import { DebounceErrors } from './debounce/errors.js';
import { SimulatedRun, drainAfterLastReadMs, progressiveAfterGapMs } from './debounce/simulate.js';

/**
 * `stockwire-gateway replay --config <file> <reads.jsonl>`: runs the daemon's
 * debounce engine over captured raw reads on a simulated clock and prints the
 * events as JSON lines. Same input → byte-identical output.
 *
 * Exit codes: 0 done (bad lines, if any, were reported on stderr and skipped;
 * with --strict they make it 1), 2 usage, config or file error.
 */
export const REPLAY_EXIT_OK = 0;
export const REPLAY_EXIT_BAD_LINES = 1;
export const REPLAY_EXIT_USAGE = 2;
/** Longest line accepted: a raw read is ~100 bytes; anything this long is not one. */
export const REPLAY_LINE_CHARACTERS_MAX = 4_096;
/** Bad-line messages printed before they are only counted. */
export const REPLAY_BAD_LINE_MESSAGES_MAX = 100;

export const REPLAY_USAGE = `usage: stockwire-gateway replay --config <gateway.yaml> <reads.jsonl> [options]

Runs the gateway's debounce engine over recorded raw reads (one JSON object per line:
{"epc","antenna","rssi","time","reader"}, and photo-eye changes {"beam":{"reader","port",
"state","time"}} as \`capture\` writes them) on a simulated clock and prints the EPCIS
events as JSON lines. Same input, byte-identical output.

options:
  --config <file>   gateway config (YAML or JSON); its debounce section is used
  --tick-ms <n>     tick cadence in simulated time (default: debounce.tickIntervalMs)
  --diagnostics     print pass diagnostics (unknown direction, ambiguous pallets) on stderr
  --strict          exit 1 if any line was bad (bad lines are always reported and skipped)
  --help            this text

exit codes: 0 done, 1 bad lines with --strict, 2 usage, config or file error
`;

interface ReplayArguments {
  configFile: string;
  readsFile: string;
  tickIntervalMs: number | null;
  diagnostics: boolean;
  strict: boolean;
}

function parseArguments(args: readonly string[]): ReplayArguments {
  const rest = args[0] === 'replay' ? args.slice(1) : [...args];
  let configFile: string | null = null;
  let tickIntervalMs: number | null = null;
  let diagnostics = false;
  let strict = false;
  const positional: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index] as string;
    if (argument === '--config') configFile = rest[++index] ?? null;
    else if (argument.startsWith('--config=')) configFile = argument.slice('--config='.length);
    else if (argument === '--tick-ms') tickIntervalMs = Number(rest[++index]);
    else if (argument === '--diagnostics') diagnostics = true;
    else if (argument === '--strict') strict = true;
    else if (argument.startsWith('--'))
      throw makeError(DebounceErrors.REPLAY_USAGE, { problem: `unknown option ${argument}` });
    else positional.push(argument);
  }
  if (configFile === null) throw makeError(DebounceErrors.REPLAY_USAGE, { problem: '--config <file> is required' });
  if (positional.length !== 1)
    throw makeError(DebounceErrors.REPLAY_USAGE, { problem: 'exactly one reads file is required' });
  if (tickIntervalMs !== null && (!Number.isInteger(tickIntervalMs) || tickIntervalMs < 1)) {
    throw makeError(DebounceErrors.REPLAY_USAGE, { problem: '--tick-ms must be a positive integer' });
  }
  return { configFile, readsFile: positional[0] as string, tickIntervalMs, diagnostics, strict };
}

export async function runReplay(
  args: readonly string[],
  output: NodeJS.WritableStream,
  errorOutput: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    output.write(REPLAY_USAGE);
    return REPLAY_EXIT_OK;
  }
  let parsed: ReplayArguments;
  let config: ReturnType<typeof loadGatewayConfig>;
  try {
    parsed = parseArguments(args);
    config = loadGatewayConfig(parsed.configFile);
  } catch (error) {
    errorOutput.write(`${error instanceof StockwireError ? `${error.code}: ` : ''}${errorMessage(error)}\n`);
    return REPLAY_EXIT_USAGE;
  }
  const engine = createDebounceEngine(config.debounce, { siteId: config.siteId, gatewayId: config.gatewayId });
  const pending: EpcisEvent[] = [];
  const run = new SimulatedRun(
    engine,
    parsed.tickIntervalMs ?? config.debounce.tickIntervalMs,
    (events) => {
      for (const event of events) pending.push(event);
    },
    progressiveAfterGapMs(config.debounce),
  );
  let eventsWritten = 0;
  const writeOut = async (): Promise<void> => {
    for (const event of pending) {
      eventsWritten++;
      if (!output.write(`${JSON.stringify(event)}\n`)) await once(output, 'drain');
    }
    pending.length = 0;
    if (parsed.diagnostics)
      for (const diagnostic of engine.drainDiagnostics()) errorOutput.write(`${JSON.stringify({ diagnostic })}\n`);
  };

  let badLines = 0;
  let reads = 0;
  const reportBadLine = (line: number, problem: string): void => {
    badLines++;
    if (badLines <= REPLAY_BAD_LINE_MESSAGES_MAX) {
      const error = makeError(DebounceErrors.REPLAY_BAD_LINE, { file: parsed.readsFile, line, problem });
      errorOutput.write(`${error.code}: ${error.message}\n`);
    }
  };

  const stream = await openReads(parsed.readsFile, errorOutput);
  if (stream === null) return REPLAY_EXIT_USAGE;
  let lineNumber = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber++;
    const replayLine = parseReplayLine(line);
    if (replayLine.kind === 'bad') reportBadLine(lineNumber, replayLine.problem);
    else if (replayLine.kind === 'beam') run.beam(replayLine.beam);
    else if (replayLine.kind === 'read') {
      reads++;
      run.read(replayLine.read);
    }
    if (pending.length > 0) await writeOut();
  }
  run.finish(drainAfterLastReadMs(config.debounce));
  await writeOut();
  const stats = engine.stats();
  errorOutput.write(
    `replay: ${reads} reads, ${eventsWritten} events, ${badLines} bad lines skipped; ignored tags: ${stats.tagsIgnoredStray} stray, ${stats.tagsIgnoredCrossRead} cross-read, ${stats.tagsUnknownDirection} direction unknown\n`,
  );
  return badLines > 0 && parsed.strict ? REPLAY_EXIT_BAD_LINES : REPLAY_EXIT_OK;
}

/** The reads file as a stream once it is open, or null after reporting why it cannot be read. */
async function openReads(file: string, errorOutput: NodeJS.WritableStream): Promise<ReadStream | null> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = await new Promise<Error | null>((resolve) => {
    stream.once('ready', () => resolve(null));
    stream.once('error', (error) => resolve(error));
  });
  if (opened === null) return stream;
  const error = makeError(DebounceErrors.REPLAY_UNREADABLE, {
    file,
    reason: (opened as NodeJS.ErrnoException).code ?? opened.message,
  });
  errorOutput.write(`${error.code}: ${error.message}\n`);
  return null;
}

type ReplayLine =
  | { kind: 'blank' }
  | { kind: 'bad'; problem: string }
  | { kind: 'beam'; beam: z.output<typeof BeamLineSchema>['beam'] }
  | { kind: 'read'; read: RawRead };

/** One line of a capture: a raw read, a photo-eye change, blank, or bad (with the problem to report). */
function parseReplayLine(line: string): ReplayLine {
  const text = line.trim();
  if (text === '') return { kind: 'blank' };
  if (text.length > REPLAY_LINE_CHARACTERS_MAX)
    return { kind: 'bad', problem: `line longer than ${REPLAY_LINE_CHARACTERS_MAX} characters` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'bad', problem: `not JSON (${errorMessage(error)})` };
  }
  if (typeof value === 'object' && value !== null && 'beam' in value) {
    const beam = BeamLineSchema.safeParse(value);
    if (beam.success) return { kind: 'beam', beam: beam.data.beam };
    return {
      kind: 'bad',
      problem: beam.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    };
  }
  const result = RawReadSchema.safeParse(value);
  if (result.success) return { kind: 'read', read: result.data };
  return {
    kind: 'bad',
    problem: result.error.issues.map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`).join('; '),
  };
}
