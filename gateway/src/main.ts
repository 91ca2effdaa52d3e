import { systemClock } from '../../shared/src/clock.js';
import { errorMessage } from '../../shared/src/errors.js';
import { createLogger } from '../../shared/src/log.js';
import { loadGatewayConfig, type GatewayConfig } from './config.js';
import { createGatewayDaemon, type GatewayParts } from './daemon.js';
import { createNotifier } from './systemd/notify.js';

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

/**
 * Startup wiring of the gateway process: runs it as a service until SIGTERM/SIGINT and resolves with
 * the exit code: config validated first (a bad file exits 1 naming the field),
 * sd_notify READY/WATCHDOG/STATUS/STOPPING, SIGHUP reloads reader and debounce
 * settings. `loadParts` supplies the engine and readers (bin.ts: the production ones;
 * the reliability tests' child: a synthetic stream), loaded only after the config is valid.
 */
export async function runGateway(configFile: string, loadParts: () => Promise<GatewayParts>): Promise<number> {
  const logger = createLogger('stockwire-gateway');
  let config: Readonly<GatewayConfig>;
  try {
    config = loadGatewayConfig(configFile);
  } catch (error) {
    logger.fatal({ err: errorMessage(error) }, 'invalid configuration');
    return 1;
  }
  const notifier = createNotifier({ logger });
  if (notifier.enabled) logger.info({ transport: notifier.transport }, 'sd_notify enabled');
  const daemon = createGatewayDaemon({
    config,
    parts: await loadParts(),
    clock: systemClock,
    logger,
    notifier,
    reloadConfig: () => loadGatewayConfig(configFile),
  });
  let stopRequested: ((signal: string) => void) | undefined;
  const stopSignal = new Promise<string>((resolve) => (stopRequested = resolve));
  const onStop = (signal: string) => () => stopRequested?.(signal);
  process.once('SIGTERM', onStop('SIGTERM'));
  process.once('SIGINT', onStop('SIGINT'));
  // Reloads are serialised: a burst of SIGHUPs applies the file once per signal, in order.
  let reloading = Promise.resolve();
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading configuration');
    reloading = reloading.then(() => daemon.reload().then(() => undefined));
  });
  try {
    await daemon.start();
  } catch (error) {
    logger.fatal({ err: errorMessage(error) }, 'gateway failed to start');
    await daemon.stop('start failed').catch(() => undefined);
    return 1;
  }
  const signal = await stopSignal;
  await reloading;
  await daemon.stop(signal);
  // The tool transport sends from child processes: let STOPPING=1 reach systemd before exit.
  await notifier.settled();
  return 0;
}
