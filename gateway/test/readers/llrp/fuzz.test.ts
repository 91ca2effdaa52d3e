import { describe, expect, it } from 'vitest';
import { mulberry32, type Random } from '../../../../simulators/src/prng.js';
import { decodeCapabilitiesResponse } from '../../../src/readers/llrp/capabilities.js';
import { decodeMessage, newDecodeStats, type DecodeStats } from '../../../src/readers/llrp/codec.js';
import { MessageType } from '../../../src/readers/llrp/constants.js';
import { decodeReaderEventNotification } from '../../../src/readers/llrp/events.js';
import { LlrpFramer } from '../../../src/readers/llrp/framer.js';
import { encodeReaderEventNotification, encodeRoAccessReport } from '../../../src/readers/llrp/reader-messages.js';
import { decodeRoAccessReport } from '../../../src/readers/llrp/reports.js';
import { decodeAddRoSpecBody } from '../../../src/readers/llrp/rospec.js';

/**
 * 100K hostile byte sequences through the LLRP framer and every decoder the driver and the
 * simulator run on what comes off the wire (as the serial parsers' fuzz suite does): random
 * bytes, truncated and bit-flipped messages, garbage before good ones, and random message bodies.
 * Nothing throws; bad input is counted; a good message after garbage is still decoded.
 */
const SEQUENCES = 100_000;

function randomBytes(random: Random, lengthMax: number): Buffer {
  const bytes = Buffer.alloc(random.int(0, lengthMax));
  for (let index = 0; index < bytes.length; index++) bytes[index] = random.int(0, 255);
  return bytes;
}

function goodMessage(random: Random): Buffer {
  if (random.chance(0.2))
    return encodeReaderEventNotification(random.int(1, 1000), random.int(0, 2 ** 40), [
      { kind: 'gpi', port: random.int(1, 4), state: random.chance(0.5) },
    ]);
  const tags = Array.from({ length: random.int(1, 4) }, () => ({
    epcHex: Buffer.from(
      Array.from({ length: random.chance(0.8) ? 12 : random.int(2, 31) }, () => random.int(0, 255)),
    ).toString('hex'),
    antennaId: random.int(1, 4),
    peakRssiDbm: random.int(-90, -30),
    seenCount: 1,
  }));
  return encodeRoAccessReport(random.int(1, 1000), tags);
}

/** Every decoder a message body can reach, whatever its type claims. */
function decodeEverything(message: Buffer, stats: DecodeStats): number {
  const { type, body } = decodeMessage(message);
  let tags = 0;
  if (type === MessageType.RO_ACCESS_REPORT)
    decodeRoAccessReport(body, { impinjExtensions: true }, stats, () => tags++);
  else {
    decodeReaderEventNotification(body, stats);
    decodeCapabilitiesResponse(body, stats);
    decodeAddRoSpecBody(body, stats);
    decodeRoAccessReport(body, { impinjExtensions: true }, stats, () => tags++);
  }
  return tags;
}

describe('fuzz: LLRP framer and decoders', () => {
  it(`survive ${SEQUENCES} hostile sequences and recover good messages after garbage`, () => {
    const random = mulberry32(0x11a9);
    const stats = newDecodeStats();
    let recovered = 0;
    let recoveryChecks = 0;
    let garbageRuns = 0;
    let garbageCounted = 0;
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const framer = new LlrpFramer(65_536);
      const good = goodMessage(random);
      const kind = sequence % 5;
      let bytes: Buffer;
      if (kind === 0) bytes = randomBytes(random, 80);
      else if (kind === 1) bytes = good.subarray(0, random.int(0, good.length - 1));
      else if (kind === 2) {
        bytes = Buffer.from(good);
        const flipAt = random.int(0, bytes.length - 1);
        bytes.writeUInt8(bytes.readUInt8(flipAt) ^ (1 << random.int(0, 7)), flipAt);
      } else if (kind === 3) {
        // A well-framed message whose body is noise: the decoders, not the framer, must cope.
        const body = randomBytes(random, 120);
        bytes = Buffer.concat([good.subarray(0, 10), body]);
        bytes.writeUInt32BE(bytes.length, 2);
      } else bytes = Buffer.concat([randomBytes(random, 40), good, good]);
      const messages: Buffer[] = [];
      for (let offset = 0; offset < bytes.length;) {
        const size = random.int(1, 64);
        messages.push(...framer.push(bytes.subarray(offset, offset + size)));
        offset += size;
      }
      for (const message of messages) decodeEverything(message, stats);
      if (kind === 0 && bytes.length >= 10) {
        garbageRuns++;
        if (framer.stats.messagesBad > 0 || messages.length > 0 || framer.bufferedBytes > 0) garbageCounted++;
      }
      if (kind === 4) {
        recoveryChecks++;
        if (messages.filter((message) => message.equals(good)).length >= 1) recovered++;
      }
    }
    // Random bytes are either dropped and counted, or held as a plausible header awaiting its body.
    expect(garbageCounted).toBe(garbageRuns);
    expect(stats.malformed + stats.unknownParams).toBeGreaterThan(SEQUENCES / 10);
    expect(recovered / recoveryChecks).toBeGreaterThan(0.999);
  });
});
