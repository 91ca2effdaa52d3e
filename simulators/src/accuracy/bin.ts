import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/src/errors.js';
import { isMainModule } from '../../../shared/src/main-module.js';
import { formatAccuracyReport } from '../../../cloud/src/accuracy/format.js';
import { loadScenarioFile, resolveScenarioFile } from '../scenario/load.js';
import { runAblation } from './ablation.js';
import { runAccuracyPipeline } from './pipeline.js';

const HELP = `npm run accuracy -- [scenario] [--seed <n>] [--loops <n>] [--top <n>] [--no-ablation]

Runs a scenario (default store-day) through the real gateway debounce engine and the
real cloud ledger on a simulated clock, then prints inventory record accuracy against
the scenario's physical truth, then the ablation: the same run with one gateway mechanism
switched off at a time (docs/accuracy.md).`;

/** Fixed start so a seed always prints the same table. */
const START_TIME = '2026-03-02T08:00:00.000Z';

export async function runAccuracyBin(args: readonly string[], output: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    allowNegative: true,
    options: {
      seed: { type: 'string' },
      loops: { type: 'string' },
      top: { type: 'string' },
      ablation: { type: 'boolean', default: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    output.write(`${HELP}\n`);
    return 0;
  }
  const scenario = loadScenarioFile(resolveScenarioFile(positionals[0] ?? 'store-day'));
  const seed = values.seed === undefined ? scenario.seed : Math.trunc(Number(values.seed));
  const loops = values.loops === undefined ? 1 : Math.max(1, Math.trunc(Number(values.loops)));
  const startedMs = performance.now();
  const result = await runAccuracyPipeline(scenario, { seed, loops, startEpochMs: Date.parse(START_TIME) });
  const elapsedMs = performance.now() - startedMs;
  output.write(
    `scenario ${scenario.name}, seed ${seed}, ${loops} loop(s): ${result.reads} reads → ${result.events} EPCIS events → ` +
      `${result.transactions} ledger transactions (${result.skipped} events skipped, e.g. aggregations; ` +
      `${result.tillSales} till sales, ${result.handheldCounts} handheld sweeps) in ${(elapsedMs / 1000).toFixed(1)} s\n`,
  );
  for (const line of result.refused.slice(0, 10)) output.write(`  ledger refused ${line}\n`);
  if (result.retagged.items > 0)
    output.write(
      `  re-tagged at receiving or case opening: ${result.retagged.items} dead-tag items, ${result.retagged.onExceptionList} of them ` +
        `on receiving's list of ASN cases the door did not read\n`,
    );
  const wire = result.countWire;
  if (wire.counts > 0)
    output.write(
      `  shelf counts on the wire: ${wire.counts} (${wire.digests} as digests: ${wire.digestsAgreed} confirmed by the ` +
        `books, ${wire.digestsDisagreed} not, ${wire.fullCountRequests} full counts requested), ${wire.bytes} bytes\n`,
    );
  output.write(formatAccuracyReport(result.report, values.top === undefined ? 10 : Number(values.top)));
  if (values.ablation)
    output.write(`\n${await runAblation(scenario, { seed, loops, startEpochMs: Date.parse(START_TIME) }, result)}`);
  return 0;
}

if (isMainModule(import.meta.url)) {
  runAccuracyBin(process.argv.slice(2), process.stdout).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`accuracy: ${errorMessage(error)}\n`);
      process.exit(1);
    },
  );
}
