import type { Clock } from '../../../shared/src/clock.js';
import type { ChafonVariant } from '../../../gateway/src/readers/chafon/codec.js';
import { openSerialLink, type SerialLink, type SerialLinkOptions } from '../../../gateway/src/readers/serial/link.js';
import { ChafonReaderSimulator } from './chafon-sim.js';
import type { ReadSource } from './read-source.js';
import { ThingMagicReaderSimulator } from './thingmagic-sim.js';

/**
 * Puts a protocol simulator on a serial device (normally the reader end of a socat
 * pty pair): bytes in go to the simulator, its answers go back out.
 */
export interface SerialReaderEndpoint {
  close(): Promise<void>;
  /** Resolves when the device goes away (socat stopped). */
  readonly lost: Promise<Error>;
}

export interface SerialEndpointOptions {
  protocol: 'chafon' | 'thingmagic';
  device: string;
  source: ReadSource;
  clock: Clock;
  chafonVariant?: ChafonVariant;
  binding?: SerialLinkOptions['binding'];
}

export async function serveSerialReader(options: SerialEndpointOptions): Promise<SerialReaderEndpoint> {
  let link: SerialLink | null = null;
  let reportLost: (error: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve) => (reportLost = resolve));
  const write = (bytes: Buffer): void => {
    link?.write(bytes).catch(() => undefined); // a vanished pty is reported through `lost`
  };
  let onData: (chunk: Buffer) => void;
  let closeSimulator = (): void => undefined;
  if (options.protocol === 'chafon') {
    const simulator = new ChafonReaderSimulator({
      source: options.source,
      ...(options.chafonVariant ? { variant: options.chafonVariant } : {}),
    });
    onData = (chunk) => {
      for (const reply of simulator.receive(chunk)) write(reply);
    };
  } else {
    const simulator = new ThingMagicReaderSimulator({ source: options.source, clock: options.clock, send: write });
    onData = (chunk) => simulator.receive(chunk);
    closeSimulator = () => simulator.close();
  }
  const baudRate = options.protocol === 'chafon' ? 57_600 : 115_200;
  link = await openSerialLink(
    { device: options.device, baudRate, ...(options.binding ? { binding: options.binding } : {}) },
    {
      onData: (chunk) => onData(chunk),
      onLost: (error) => {
        closeSimulator();
        reportLost(error);
      },
    },
  );
  return {
    lost,
    async close() {
      closeSimulator();
      await link?.close();
      link = null;
    },
  };
}
