import { createServer, type Server, type Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { ConnectionAttemptStatus, MessageType } from '../../../gateway/src/readers/llrp/constants.js';
import { encodeReaderEventNotification } from '../../../gateway/src/readers/llrp/reader-messages.js';
import { llrpVendorProfile, type LlrpVendorProfile, type LlrpVendorProfileName } from './llrp/profiles.js';
import { RoSpecTable } from './llrp/rospecs.js';
import { LlrpSession } from './llrp/session.js';
import type { BeamSource } from './beam-source.js';
import type { ReadSource } from './read-source.js';

/**
 * An LLRP fixed reader on TCP (127.0.0.1), announcing itself as an Impinj R420 or a Zebra
 * FX7500, driven by a ReadSource (a scenario or a static tag set). One client at a time, as
 * real readers: a second one gets ConnectionAttemptEvent "a client-initiated connection already
 * exists" and is closed. Faults on demand for the fault suite and the demo.
 */
export interface LlrpSimulatorOptions {
  source: ReadSource;
  clock: Clock;
  /** 0 = ephemeral. */
  port?: number;
  host?: string;
  vendor?: LlrpVendorProfileName;
  antennaCount?: number;
  /** How often the radio's reads are turned into reports. */
  tickMs?: number;
  /** Photo-eyes wired to the reader's GPIs, played from the scenario (GPIEvents and ROSpec GPI triggers). */
  beams?: BeamSource;
}

export class LlrpReaderSimulator {
  private readonly rospecs: RoSpecTable;
  private readonly profile: LlrpVendorProfile;
  private session: LlrpSession | null = null;
  private tickTimer: TimerHandle | null = null;
  private frozen = false;
  private rebootingUntilMs = 0;
  private staleSessionUntilMs = 0;
  private readonly gpiStates = new Map<number, boolean>();
  /** Every open socket, so stop() does not wait on a client that never hangs up. */
  private readonly sockets = new Set<Socket>();
  readonly counters = { connectionsAccepted: 0, connectionsRefused: 0, reboots: 0 };

  private constructor(
    private readonly server: Server,
    private readonly options: LlrpSimulatorOptions,
  ) {
    this.rospecs = new RoSpecTable(options.clock);
    this.profile = llrpVendorProfile(options.vendor ?? 'impinj', options.antennaCount ?? 4);
    server.on('connection', (socket) => this.accept(socket));
    this.tickTimer = options.clock.setInterval(() => this.tick(), options.tickMs ?? 50);
  }

  static start(options: LlrpSimulatorOptions): Promise<LlrpReaderSimulator> {
    const server = createServer();
    const simulator = new LlrpReaderSimulator(server, options);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(simulator));
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get vendor(): LlrpVendorProfileName {
    return this.profile.name;
  }

  /** The ROSpecs the reader holds now (a reboot forgets them). */
  get rospecCount(): number {
    return this.rospecs.size;
  }

  get hasClient(): boolean {
    return this.session !== null;
  }

  get keepaliveAcks(): number {
    return this.session?.keepaliveAcks ?? 0;
  }

  // ---- faults on demand ----

  /** Keepalives and reports stop while the socket stays open (a half-open link, a hung reader). */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
  }

  /** A stale session holds the reader: every new client is refused with "connection already exists". */
  holdStaleSession(durationMs: number): void {
    this.staleSessionUntilMs = this.options.clock.nowMs() + durationMs;
  }

  /** The reader warns its report buffer is filling, then reports an overflow and loses what it held. */
  bufferWarningThenOverflow(percentFull = 90): void {
    this.session?.sendEvents([{ kind: 'bufferWarning', percentFull }]);
    this.session?.dropPending();
    this.session?.sendEvents([{ kind: 'bufferOverflow' }]);
  }

  /** Power cycle: the socket drops, the ROSpec table is forgotten, connections fail for `downMs`. */
  reboot(downMs = 1_000): void {
    this.counters.reboots++;
    this.rebootingUntilMs = this.options.clock.nowMs() + downMs;
    this.rospecs.clear();
    this.session?.close();
    this.session = null;
  }

  /** Writes bytes that are no LLRP message to the connected client. */
  sendGarbage(bytes: Buffer): void {
    this.session?.write(bytes);
  }

  /** A photo-eye on GPI `port` changed: GPIEvent to the client, and ROSpec GPI triggers fire. */
  setGpi(port: number, state: boolean): void {
    if (this.gpiStates.get(port) === state) return;
    this.gpiStates.set(port, state);
    this.session?.sendEvents([{ kind: 'gpi', port, state }]);
    this.rospecs.onGpi(port, state, () => this.session?.flush());
  }

  async stop(): Promise<void> {
    this.tickTimer?.cancel();
    this.tickTimer = null;
    this.session?.close();
    this.session = null;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const nowMs = this.options.clock.nowMs();
    if (nowMs < this.rebootingUntilMs) {
      socket.destroy(); // still booting: the LLRP service is not up yet
      return;
    }
    if (this.session || nowMs < this.staleSessionUntilMs) {
      this.counters.connectionsRefused++;
      socket.on('error', () => undefined);
      socket.end(
        encodeReaderEventNotification(1, nowMs * 1000, [
          { kind: 'connectionAttempt', status: ConnectionAttemptStatus.FailedClientInitiatedConnectionExists },
        ]),
      );
      return;
    }
    this.counters.connectionsAccepted++;
    const session = new LlrpSession(socket, {
      profile: this.profile,
      clock: this.options.clock,
      rospecs: this.rospecs,
      isFrozen: () => this.frozen,
      onClosed: (closed) => {
        if (this.session === closed) {
          this.session = null;
          // Without a client the ROSpec stops (a real reader would keep buffering; this one forgets).
          this.rospecs.handle(
            { version: 1, type: MessageType.DISABLE_ROSPEC, messageId: 0, body: Buffer.alloc(4) },
            () => undefined,
          );
        }
      },
    });
    this.session = session;
    session.greet();
  }

  private tick(): void {
    const source = this.options.source;
    // A scenario outage of this reader is a network outage: silence, so the client's watchdog fires.
    const reads = source.take();
    const beamChanges = this.options.beams?.take() ?? [];
    if (source.isUnplugged() || this.frozen) return;
    for (const change of beamChanges) this.setGpi(change.port, change.state);
    const session = this.session;
    if (!session) return;
    this.rospecs.tick(() => session.flush());
    session.observe(reads);
  }
}
