#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { StockwireError, errorMessage } from '../../shared/src/errors.js';
import { isMainModule } from '../../shared/src/main-module.js';
import { runCloud } from './main.js';

const HELP = `stockwire-cloud — consumes gateway movements, keeps the perpetual-inventory ledger, serves the API.

Usage:
  stockwire-cloud run --config <cloud.yaml>      start the consumer and the HTTP API (default command)
  stockwire-cloud check-config --config <cloud.yaml>
                                                  validate the file and every file it names; exit 0 valid, 1 invalid
  stockwire-cloud ledger replay <tx.jsonl>       apply a transactions file to a fresh in-memory ledger; print JSON
  stockwire-cloud check --store sqlite:<path>|postgres:<url> --catalog <catalog.yaml>
                                                  verify the ledger's invariants; exit 1 with a report if broken
  stockwire-cloud epcis hash <document.json>     print each event's CBV 2.0 event hash, one per line (see --help)
  stockwire-cloud accuracy --store <url> --truth <truth.jsonl> [--at <time>]
                                                  inventory record accuracy: the books against a simulator's truth
  stockwire-cloud --help

Environment: LOG_LEVEL (pino level, default info).`;

export async function runCloudCli(args: string[]): Promise<number> {
  const [command = 'run', ...rest] =
    args[0]?.startsWith('-') && args[0] !== '--help' && args[0] !== '-h' ? ['run', ...args] : args;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command === 'check-config') {
    const { runCheckConfig } = await import('./config-references.js');
    return runCheckConfig(rest, process.stdout, process.stderr);
  }
  if (command === 'accuracy') {
    const { runAccuracyCli } = await import('./accuracy/cli.js');
    return runAccuracyCli(rest, process.stdout);
  }
  if (command === 'ledger' || command === 'check') {
    const { runLedgerCli } = await import('./ledger-cli.js');
    return runLedgerCli(command === 'check' ? ['check', ...rest] : rest, process.stdout);
  }
  if (command === 'epcis') {
    const { runEpcisCli } = await import('./epcis/cli.js');
    return runEpcisCli(rest, process.stdout, process.stderr);
  }
  if (command !== 'run') {
    process.stderr.write(`unknown command "${command}"\n\n${HELP}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!values.config) {
    process.stderr.write('missing --config <cloud.yaml> (see config/cloud.example.yaml)\n');
    return 2;
  }
  return runCloud(values.config);
}

if (isMainModule(import.meta.url)) {
  runCloudCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Bad input (config) gets its message without a stack trace; anything else is a bug.
      if (error instanceof StockwireError) process.stderr.write(`${error.code}: ${error.message}\n`);
      else process.stderr.write(`fatal: ${errorMessage(error)}\n${error instanceof Error ? error.stack : ''}\n`);
      process.exit(1);
    },
  );
}
