#!/usr/bin/env node
import { isMainModule } from '../../shared/src/main-module.js';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/src/errors.js';
import { loadGatewayConfig, type GatewayConfig } from './config.js';
import type { GatewayParts } from './daemon.js';
import { gatewayVersion } from './status/version.js';
import { runGateway } from './systemd/service.js';

/**
 * The production parts: the debounce engine and the reader drivers. Imported on
 * demand so `--help` and `check-config` do not load every protocol stack.
 */
export async function defaultParts(): Promise<GatewayParts> {
  const { createDebounceEngine } = await import('./debounce/engine.js');
  const { createReaderDriver } = await import('./readers/factory.js');
  return {
    createEngine: (config: Readonly<GatewayConfig>) =>
      createDebounceEngine(config.debounce, { siteId: config.siteId, gatewayId: config.gatewayId }),
    createReader: (readerConfig, context) => createReaderDriver(readerConfig, context),
  };
}

const USAGE = `stockwire-gateway — RFID portal gateway daemon

usage:
  stockwire-gateway [run] --config <file>       run the daemon (default command)
  stockwire-gateway check-config --config <file> validate a config file and exit (0 valid, 1 invalid)
  stockwire-gateway replay ...                  replay recorded reads through the debounce engine (see replay --help)
  stockwire-gateway llrp decode <file> [--type <MESSAGE_NAME>]  decode a captured LLRP message to JSON (llrp --help)
  stockwire-gateway --help | --version

signals: SIGTERM/SIGINT stop cleanly (readers stopped, passes closed, outbox persisted);
         SIGHUP reloads reader and debounce settings (a bad file keeps the running config).
`;

// Loaded at run time: replay is another part's module and only needed by its subcommand.
const REPLAY_MODULE = './replay.js';

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('-') ? 'run' : first;
  const commandArgs = command === first ? rest : [...argv];
  if (command === 'replay') {
    const replay = (await import(REPLAY_MODULE)) as {
      runReplay: (args: readonly string[], out: NodeJS.WritableStream) => Promise<number>;
    };
    return replay.runReplay(commandArgs, process.stdout);
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
    case 'check-config':
      try {
        const config = loadGatewayConfig(configFile);
        process.stdout.write(
          `${configFile}: valid (site ${config.siteId}, gateway ${config.gatewayId}, ${config.readers.length} readers)\n`,
        );
        return 0;
      } catch (error) {
        process.stderr.write(`${errorMessage(error)}\n`);
        return 1;
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
