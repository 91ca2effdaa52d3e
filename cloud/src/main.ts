import { systemClock } from '../../shared/src/clock.js';
import { createLogger } from '../../shared/src/log.js';
import { loadCloudConfig } from './config.js';
import { configDirOf, startCloudService } from './service.js';

/**
 * Startup wiring of the cloud process: validate the config, compose the service
 * (cloud/src/service.ts), run until SIGINT/SIGTERM, stop in reverse order.
 * Resolves with the exit code; a bad config throws its coded error (bin.ts prints it).
 */
export async function runCloud(configFile: string): Promise<number> {
  const logger = createLogger('stockwire-cloud');
  const config = loadCloudConfig(configFile);
  const service = await startCloudService(config, {
    configDir: configDirOf(configFile),
    logger,
    clock: systemClock,
  });
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await service.stop();
  return 0;
}
