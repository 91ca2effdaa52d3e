import type { Clock, TimerHandle } from '../../../shared/src/clock.js';
import { FrameDecoder } from '../../../gateway/src/readers/serial/framing.js';
import {
  TM_OPCODE_MULTI_PROTOCOL_TAG_OP,
  TM_OPCODE_SET_ANTENNA_PORT,
  TM_OPCODE_VERSION,
  TM_STATUS_OK,
  decodeThingMagicCommand,
  encodeKeepAlive,
  encodeTagRecord,
  encodeThingMagicResponse,
  thingMagicCommandFrameSpec,
} from '../../../gateway/src/readers/thingmagic/codec.js';
import type { ReadSource } from './read-source.js';

/** MercuryAPI's "invalid opcode" status, answered for commands the simulator does not know. */
const TM_STATUS_INVALID_OPCODE = 0x0101;

export interface ThingMagicSimulatorOptions {
  source: ReadSource;
  clock: Clock;
  /** Where the simulator's bytes go (the pty, or a mock port). */
  send(bytes: Buffer): void;
  /** How often streamed tag records are flushed. */
  streamIntervalMs?: number;
  keepAliveIntervalMs?: number;
}

/**
 * The module end of the ThingMagic serial protocol: answers Get Version, Set
 * Antenna Port, start/stop continuous reading; while streaming sends one tag
 * record per read and a keep-alive (status 0x0400) about once a second.
 */
export class ThingMagicReaderSimulator {
  private readonly decoder = new FrameDecoder(thingMagicCommandFrameSpec);
  private streamTimer: TimerHandle | null = null;
  private keepAliveTimer: TimerHandle | null = null;
  private lastKeepAliveMs = 0;
  commandsHandled = 0;

  constructor(private readonly options: ThingMagicSimulatorOptions) {}

  get streaming(): boolean {
    return this.streamTimer !== null;
  }

  receive(bytes: Buffer): void {
    for (const frame of this.decoder.push(bytes)) {
      if (this.options.source.isUnplugged()) continue;
      const command = decodeThingMagicCommand(frame);
      this.commandsHandled++;
      if (command.opcode === TM_OPCODE_VERSION) {
        // bootloader 4 bytes, hardware (M6e Nano 0x30…), firmware date, firmware version, supported protocols.
        this.options.send(
          encodeThingMagicResponse(
            TM_OPCODE_VERSION,
            TM_STATUS_OK,
            [
              0x12, 0x08, 0x11, 0x00, 0x30, 0x00, 0x00, 0x02, 0x20, 0x16, 0x12, 0x13, 0x01, 0x09, 0x01, 0x04, 0x00,
              0x00, 0x00, 0x10,
            ],
          ),
        );
      } else if (command.opcode === TM_OPCODE_SET_ANTENNA_PORT) {
        this.options.send(encodeThingMagicResponse(TM_OPCODE_SET_ANTENNA_PORT, TM_STATUS_OK));
      } else if (command.opcode === TM_OPCODE_MULTI_PROTOCOL_TAG_OP) {
        const option = command.data[2];
        if (option === 0x01) this.startStreaming();
        else if (option === 0x02) this.stopStreaming();
        this.options.send(
          encodeThingMagicResponse(TM_OPCODE_MULTI_PROTOCOL_TAG_OP, TM_STATUS_OK, [0x00, 0x00, option ?? 0x00]),
        );
      } else {
        this.options.send(encodeThingMagicResponse(command.opcode, TM_STATUS_INVALID_OPCODE));
      }
    }
  }

  close(): void {
    this.stopStreaming();
  }

  private startStreaming(): void {
    if (this.streamTimer) return;
    this.options.source.take(); // tags seen before the start command are not streamed
    this.lastKeepAliveMs = this.options.clock.nowMs();
    this.streamTimer = this.options.clock.setInterval(() => this.flush(), this.options.streamIntervalMs ?? 50);
  }

  private stopStreaming(): void {
    this.streamTimer?.cancel();
    this.streamTimer = null;
    this.keepAliveTimer?.cancel();
    this.keepAliveTimer = null;
  }

  private flush(): void {
    // Unplugged: silence, so the host's keep-alive watchdog notices.
    if (this.options.source.isUnplugged()) return;
    const nowMs = this.options.clock.nowMs();
    for (const read of this.options.source.take()) {
      this.options.send(
        encodeTagRecord({
          epc: Buffer.from(read.epc, 'hex'),
          rssiDbm: Math.round(read.rssiDbm),
          antenna: read.antenna,
          timestampMs: nowMs - this.lastKeepAliveMs,
        }),
      );
    }
    if (nowMs - this.lastKeepAliveMs >= (this.options.keepAliveIntervalMs ?? 1000)) {
      this.lastKeepAliveMs = nowMs;
      this.options.send(encodeKeepAlive());
    }
  }
}
