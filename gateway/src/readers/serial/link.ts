import { SerialPortStream, type OpenOptions } from '@serialport/stream';
import { SerialPort } from 'serialport';

/**
 * A serial port reduced to what the drivers need: write bytes, get bytes, learn
 * when it dies. Tests pass @serialport/binding-mock as the binding; production uses
 * the native binding (works on /dev/tty* and on socat pseudo-terminals alike).
 */
export interface SerialLink {
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface SerialLinkOptions {
  device: string;
  baudRate: number;
  binding?: OpenOptions['binding'];
}

export interface SerialLinkHandlers {
  onData(chunk: Buffer): void;
  /** Called once when the port closes or errors on its own (unplugged, pty peer gone). */
  onLost(error: Error): void;
}

export async function openSerialLink(options: SerialLinkOptions, handlers: SerialLinkHandlers): Promise<SerialLink> {
  const port = new SerialPortStream({
    binding: options.binding ?? SerialPort.binding,
    path: options.device,
    baudRate: options.baudRate,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  let closing = false;
  let lostReported = false;
  const reportLost = (error: Error): void => {
    if (closing || lostReported) return;
    lostReported = true;
    handlers.onLost(error);
  };
  port.on('data', (chunk: Buffer) => handlers.onData(chunk));
  port.on('error', (error: Error) => reportLost(error));
  port.on('close', () => reportLost(new Error(`serial port ${options.device} closed`)));
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(bytes, (error) => (error ? reject(error) : resolve()));
      }),
    close: async () => {
      closing = true;
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
