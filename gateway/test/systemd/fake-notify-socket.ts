import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * A fake systemd notify socket: Node has no unix datagram sockets, so a tiny
 * python3 listener binds one and prints each datagram as a JSON line with its
 * arrival time. This is the receiving end only; the sending end under test is
 * the real sd-notify addon (libsystemd's sd_notify) or the systemd-notify tool.
 */
const LISTENER = `
import json, socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
print(json.dumps({"listening": True}), flush=True)
while True:
    data = sock.recv(65536)
    # systemd-notify (the tool transport) follows each message with BARRIER=1 and waits until
    # systemd closes the fd it passed; recv without ancillary space closes it here. Not a message.
    if data == b"BARRIER=1":
        continue
    print(json.dumps({"atMs": time.time() * 1000, "message": data.decode("utf-8", "replace")}), flush=True)
`;

export interface NotifyDatagram {
  atMs: number;
  message: string;
}

export interface FakeNotifySocket {
  path: string;
  datagrams: NotifyDatagram[];
  close(): Promise<void>;
}

export async function startFakeNotifySocket(directory: string): Promise<FakeNotifySocket> {
  const path = join(directory, 'notify.sock');
  const child: ChildProcess = spawn('python3', ['-c', LISTENER, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  const datagrams: NotifyDatagram[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`notify listener exited with ${code}: ${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = JSON.parse(line) as { listening?: boolean } & Partial<NotifyDatagram>;
        if (parsed.listening) resolve();
        else if (parsed.atMs !== undefined && parsed.message !== undefined)
          datagrams.push({ atMs: parsed.atMs, message: parsed.message });
      }
    });
  });
  return {
    path,
    datagrams,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
