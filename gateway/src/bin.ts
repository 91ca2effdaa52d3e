#!/usr/bin/env node
import { isMainModule } from '../../shared/src/main-module.js';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/src/errors.js';
import { checkGatewayConfigFile } from './config-references.js';
import { gatewayVersion } from './status/version.js';
import { defaultParts, runGateway } from './main.js';

const USAGE = `stockwire-gateway — RFID portal gateway daemon

usage:
  stockwire-gateway run --config <file>         run the daemon (the default: "run" may be left out)
  stockwire-gateway check-config --config <file> validate a config file and exit (0 valid, 1 invalid)
  stockwire-gateway replay ...                  replay recorded reads through the debounce engine (see replay --help)
  stockwire-gateway llrp decode <file> [--type <MESSAGE_NAME>]  decode a captured LLRP message to JSON (llrp --help)
  stockwire-gateway capture --config <file> --reader <id> --out <reads.jsonl> [--seconds N]
                                                record one reader's normalised reads for replay (see capture --help)
  stockwire-gateway --help | --version

signals: SIGTERM/SIGINT stop cleanly (readers stopped, passes closed, outbox persisted);
         SIGHUP reloads reader and debounce settings (a bad file keeps the running config).
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('-') ? 'run' : first;
  const commandArgs = command === first ? rest : [...argv];
  if (command === 'replay') {
    // Loaded on demand (a literal path, so tools can follow it): only this subcommand needs it.
    const { runReplay } = await import('./replay.js');
    return runReplay(commandArgs, process.stdout);
  }
  if (command === 'capture') {
    const { runCapture } = await import('./capture.js');
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop).once('SIGTERM', stop);
    return runCapture(commandArgs, process.stderr, { signal: controller.signal });
  }
  if (command === 'llrp') {
    const { runLlrpCli } = await import('./readers/llrp/cli.js');
    return runLlrpCli(commandArgs, process.stdout, process.stderr);
  }
  let values: { config?: string | undefined; help?: boolean | undefined; version?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...commandArgs],
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${gatewayVersion()}\n`);
    return 0;
  }
  const configFile = values.config ?? process.env['STOCKWIRE_GATEWAY_CONFIG'];
  if (configFile === undefined) {
    process.stderr.write(`missing --config <file>\n\n${USAGE}`);
    return 2;
  }
  switch (command) {
    case 'run':
      return runGateway(configFile, defaultParts);
    case 'check-config': {
      const outcome = checkGatewayConfigFile(configFile);
      (outcome.code === 0 ? process.stdout : process.stderr).write(`${outcome.text}\n`);
      return outcome.code;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (isMainModule(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${errorMessage(error)}\n`);
      process.exit(1);
    },
  );
}
