import { errorMessage } from '../../../shared/src/errors.js';
import type { ReaderConfig } from '../readers/config.js';
import { onGpi, onRead, withTimeout } from './flow.js';
import { READER_STOP_TIMEOUT_MS, type DaemonContext, type ReaderSlot } from './types.js';

/** Reader slots: create through the injected factory, start, close, and swap the changed ones on reload. */

export function makeReader(daemon: DaemonContext, readerConfig: ReaderConfig): ReaderSlot {
  const driver = daemon.parts.createReader(readerConfig, { clock: daemon.clock, logger: daemon.logger });
  driver.onRead((read) => onRead(daemon, read));
  driver.onGpi?.((event) => onGpi(daemon, event));
  return { config: readerConfig, driver, downSinceMs: null };
}

export async function startReader(daemon: DaemonContext, slot: ReaderSlot): Promise<void> {
  const { logger } = daemon;
  const connected = await withTimeout(
    slot.driver.connect().then(
      () => true,
      (error: unknown) => {
        logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader not reachable; it keeps trying');
        return false;
      },
    ),
    daemon.config.readerConnectTimeoutMs,
    daemon.clock,
  );
  if (connected === 'timeout') logger.warn({ reader: slot.config.id }, 'reader not connected yet; it keeps trying');
  try {
    // Always asked to start: a driver that is still connecting starts inventory once its link is up.
    await slot.driver.start();
  } catch (error) {
    logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader failed to start inventory');
  }
}

export async function closeReader(daemon: DaemonContext, slot: ReaderSlot): Promise<void> {
  try {
    await withTimeout(
      slot.driver.stop().then(() => slot.driver.close()),
      READER_STOP_TIMEOUT_MS,
      daemon.clock,
    );
  } catch (error) {
    daemon.logger.warn({ reader: slot.config.id, err: errorMessage(error) }, 'reader did not close cleanly');
  }
}

/** Readers whose settings changed are replaced; the others keep running untouched. Returns the replaced ids. */
export async function reloadReaders(daemon: DaemonContext, readerConfigs: readonly ReaderConfig[]): Promise<string[]> {
  const previous = new Map(daemon.readers.map((slot) => [slot.config.id, slot]));
  const kept: ReaderSlot[] = [];
  const restarted: string[] = [];
  for (const readerConfig of readerConfigs) {
    const slot = previous.get(readerConfig.id);
    if (slot !== undefined && JSON.stringify(slot.config) === JSON.stringify(readerConfig)) {
      kept.push(slot);
      previous.delete(readerConfig.id);
      continue;
    }
    if (slot !== undefined) {
      await closeReader(daemon, slot);
      previous.delete(readerConfig.id);
    }
    const fresh = makeReader(daemon, readerConfig);
    kept.push(fresh);
    restarted.push(readerConfig.id);
    await startReader(daemon, fresh);
  }
  for (const removed of previous.values()) await closeReader(daemon, removed);
  daemon.readers = kept;
  return restarted;
}
