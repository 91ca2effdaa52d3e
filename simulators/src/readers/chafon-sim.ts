import {
  CHAFON_CMD_GET_READER_INFO,
  CHAFON_CMD_INVENTORY,
  ChafonStatus,
  chafonCommandFrameSpec,
  chafonTagsPerFrame,
  dbmToChafonRssi,
  decodeChafonCommand,
  encodeChafonInventoryData,
  encodeChafonReply,
  type ChafonVariant,
} from '../../../gateway/src/readers/chafon/codec.js';
import { FrameDecoder } from '../../../gateway/src/readers/serial/framing.js';
import type { FieldRead, ReadSource } from './read-source.js';

/**
 * The reader end of the Chafon UHFReader18/288 protocol: decodes commands, answers
 * GetReaderInfo and Inventory with the reads its source saw since the last poll,
 * one frame per antenna with status 0x03 (more frames) on all but the last.
 * Transport-free: feed bytes in, get reply bytes out.
 */
export interface ChafonSimulatorOptions {
  address?: number;
  variant?: ChafonVariant;
  source: ReadSource;
}

export class ChafonReaderSimulator {
  private readonly decoder = new FrameDecoder(chafonCommandFrameSpec);
  private readonly address: number;
  private readonly variant: ChafonVariant;
  commandsHandled = 0;

  constructor(private readonly options: ChafonSimulatorOptions) {
    this.address = options.address ?? 0x00;
    this.variant = options.variant ?? 'uhfreader288';
  }

  get framesBad(): number {
    return this.decoder.stats.framesBad;
  }

  receive(bytes: Buffer): Buffer[] {
    const replies: Buffer[] = [];
    for (const frame of this.decoder.push(bytes)) {
      // An unplugged reader hears nothing and says nothing.
      if (this.options.source.isUnplugged()) continue;
      const command = decodeChafonCommand(frame);
      if (command.address !== 0xff && command.address !== this.address) continue;
      this.commandsHandled++;
      replies.push(...this.answer(command.command));
    }
    return replies;
  }

  private answer(command: number): Buffer[] {
    if (command === CHAFON_CMD_GET_READER_INFO) {
      // Version 3.5, type 0x0F (288-class), protocol 6C, 902.75–927.25 MHz, 30 dBm, scan time 10×100 ms, antennas 0x0F.
      return [
        encodeChafonReply(
          this.address,
          command,
          ChafonStatus.SUCCESS,
          [0x03, 0x05, 0x0f, 0x02, 0x31, 0x80, 0x1e, 0x0a, 0x0f, 0x00, 0x00, 0x00],
        ),
      ];
    }
    if (command !== CHAFON_CMD_INVENTORY)
      return [encodeChafonReply(this.address, command, ChafonStatus.ILLEGAL_COMMAND)];
    const reads = this.options.source.take();
    if (reads.length === 0)
      return [
        encodeChafonReply(
          this.address,
          command,
          this.variant === 'uhfreader18' ? ChafonStatus.NO_TAG : ChafonStatus.INVENTORY_COMPLETE,
          this.variant === 'uhfreader288' ? [0x01, 0x00] : [0x00],
        ),
      ];
    const chunks: Array<{ antenna: number; reads: FieldRead[] }> = [];
    const byAntenna = new Map<number, FieldRead[]>();
    for (const read of reads) byAntenna.set(read.antenna, [...(byAntenna.get(read.antenna) ?? []), read]);
    for (const [antenna, antennaReads] of [...byAntenna].sort((a, b) => a[0] - b[0])) {
      const perFrame = chafonTagsPerFrame(Math.max(...antennaReads.map((read) => read.epc.length / 2)), this.variant);
      for (let start = 0; start < antennaReads.length; start += perFrame)
        chunks.push({ antenna, reads: antennaReads.slice(start, start + perFrame) });
    }
    return chunks.map((chunk, index) => {
      const status = index === chunks.length - 1 ? ChafonStatus.INVENTORY_COMPLETE : ChafonStatus.INVENTORY_MORE_FRAMES;
      const tags = chunk.reads.map((read) => ({
        epc: Buffer.from(read.epc, 'hex'),
        rssiRaw: dbmToChafonRssi(read.rssiDbm),
      }));
      return encodeChafonReply(
        this.address,
        command,
        status,
        encodeChafonInventoryData(tags, chunk.antenna, this.variant),
      );
    });
  }
}
