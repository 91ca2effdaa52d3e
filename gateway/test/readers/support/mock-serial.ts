import { SerialPortMock } from 'serialport';
import type { OpenOptions } from '@serialport/stream';

/**
 * @serialport/binding-mock with a far end: every write the driver makes is handed
 * to `onWrite`, which answers through `emit` (as a reader would on the wire).
 * A mock, because unit tests must run without hardware; the pty suite uses socat.
 */
export interface MockSerialEnd {
  binding: OpenOptions['binding'];
  /** Sends bytes to the driver (no-op while the port is closed). */
  emit(bytes: Buffer): void;
}

// Reached through serialport's re-export: binding-mock's own package.json exposes no types to NodeNext.
const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;

let portCounter = 0;

export function createMockSerialEnd(
  onWrite: (bytes: Buffer, emit: (bytes: Buffer) => void) => void,
): MockSerialEnd & { path: string } {
  const path = `/dev/ttyMOCK${process.pid}-${portCounter++}`;
  MockBinding.createPort(path, { echo: false, record: false });
  let current: MockPortBinding | null = null;
  const emit = (bytes: Buffer): void => {
    // Asynchronous, like a real UART: a reply never arrives inside the write call.
    setImmediate(() => {
      if (current?.isOpen) current.emitData(bytes);
    });
  };
  const binding: OpenOptions['binding'] = {
    ...MockBinding,
    async open(options) {
      const port = await MockBinding.open(options);
      current = port;
      const write = port.write.bind(port);
      port.write = async (buffer: Buffer) => {
        await write(buffer);
        onWrite(Buffer.from(buffer), emit);
      };
      return port;
    },
  };
  return { binding, emit, path };
}
