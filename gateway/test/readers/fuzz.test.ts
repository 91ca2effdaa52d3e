import { describe, expect, it } from 'vitest';
import { mulberry32, type Random } from '../../../simulators/src/prng.js';
import {
  chafonCommandFrameSpec,
  chafonReplyFrameSpec,
  decodeChafonCommand,
  decodeChafonReply,
  encodeChafonCommand,
  encodeChafonInventoryData,
  encodeChafonReply,
  parseChafonInventoryData,
} from '../../src/readers/chafon/codec.js';
import { FrameDecoder, type FrameSpec } from '../../src/readers/serial/framing.js';
import {
  decodeThingMagicCommand,
  decodeThingMagicResponse,
  encodeKeepAlive,
  encodeStartContinuousRead,
  encodeTagRecord,
  parseTagRecord,
  thingMagicCommandFrameSpec,
  thingMagicResponseFrameSpec,
} from '../../src/readers/thingmagic/codec.js';

/**
 * ≥ 100K random / truncated / corrupted / garbage-prefixed byte sequences per
 * parser (framing + payload parser together, as the drivers run them): nothing
 * throws, corruption is counted, and a good frame after garbage is still decoded.
 */
const SEQUENCES = 100_000;

function randomBytes(random: Random, lengthMax: number): Buffer {
  const bytes = Buffer.alloc(random.int(0, lengthMax));
  for (let index = 0; index < bytes.length; index++) bytes[index] = random.int(0, 255);
  return bytes;
}

function randomEpc(random: Random): Buffer {
  // Mostly 96-bit EPCs, sometimes any even length up to 62 bytes.
  return Buffer.from(Array.from({ length: random.chance(0.8) ? 12 : random.int(1, 31) * 2 }, () => random.int(0, 255)));
}

interface ParserUnderTest {
  name: string;
  spec: FrameSpec;
  goodFrame(random: Random): Buffer;
  /** The payload parser a driver or simulator runs on every intact frame; must never throw. */
  parse(frame: Buffer): void;
}

const parsers: ParserUnderTest[] = [
  {
    name: 'chafon reply (driver side)',
    spec: chafonReplyFrameSpec,
    goodFrame: (random) => {
      const tags = Array.from({ length: random.int(0, 4) }, () => ({
        epc: randomEpc(random),
        rssiRaw: random.int(30, 90),
      }));
      return encodeChafonReply(
        0,
        0x01,
        random.int(1, 3),
        encodeChafonInventoryData(tags, random.int(1, 4), 'uhfreader288'),
      );
    },
    parse: (frame) => {
      const reply = decodeChafonReply(frame);
      parseChafonInventoryData(reply.data, 'uhfreader288');
      parseChafonInventoryData(reply.data, 'uhfreader18');
    },
  },
  {
    name: 'chafon command (simulator side)',
    spec: chafonCommandFrameSpec,
    goodFrame: (random) => encodeChafonCommand(random.chance(0.5) ? 0xff : 0, random.chance(0.5) ? 0x01 : 0x21),
    parse: (frame) => void decodeChafonCommand(frame),
  },
  {
    name: 'thingmagic response (driver side)',
    spec: thingMagicResponseFrameSpec,
    goodFrame: (random) =>
      random.chance(0.2)
        ? encodeKeepAlive()
        : encodeTagRecord({ epc: randomEpc(random), rssiDbm: random.int(-90, -30), antenna: random.int(1, 4) }),
    parse: (frame) => void parseTagRecord(decodeThingMagicResponse(frame)),
  },
  {
    name: 'thingmagic command (simulator side)',
    spec: thingMagicCommandFrameSpec,
    goodFrame: () => encodeStartContinuousRead(),
    parse: (frame) => void decodeThingMagicCommand(frame),
  },
];

describe.each(parsers)('fuzz: $name', ({ spec, goodFrame, parse }) => {
  it(`survives ${SEQUENCES} hostile sequences and recovers good frames after garbage`, () => {
    const random = mulberry32(0x5eed);
    let recovered = 0;
    let recoveryChecks = 0;
    let corruptedSequences = 0;
    let badCounted = 0;
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const decoder = new FrameDecoder(spec);
      const good = goodFrame(random);
      const kind = sequence % 4;
      let bytes: Buffer;
      if (kind === 0) bytes = randomBytes(random, 80);
      else if (kind === 1)
        bytes = good.subarray(0, random.int(0, good.length - 1)); // truncated
      else if (kind === 2) {
        bytes = Buffer.from(good);
        const flipAt = random.int(0, bytes.length - 1);
        bytes.writeUInt8(bytes.readUInt8(flipAt) ^ (1 << random.int(0, 7)), flipAt); // one flipped bit: CRC must catch it
        corruptedSequences++;
      } else bytes = Buffer.concat([randomBytes(random, 40), good, good]);
      // Arrive in random chunks, as a UART delivers them.
      const frames: Buffer[] = [];
      for (let offset = 0; offset < bytes.length;) {
        const size = random.int(1, 32);
        frames.push(...decoder.push(bytes.subarray(offset, offset + size)));
        offset += size;
      }
      for (const frame of frames) parse(frame);
      if (kind === 2) {
        // A CRC-16 catches every single-bit error: the corrupted frame never comes out intact.
        expect(frames.some((frame) => frame.equals(bytes))).toBe(false);
        if (decoder.stats.framesBad > 0 || decoder.bufferedBytes > 0) badCounted++;
      }
      if (kind === 3) {
        recoveryChecks++;
        if (frames.some((frame) => frame.equals(good))) recovered++;
      }
    }
    expect(badCounted).toBe(corruptedSequences);
    // A random prefix can, about once in 65,536 candidates, form a CRC-valid frame that swallows the good one.
    expect(recovered / recoveryChecks).toBeGreaterThan(0.999);
  });
});
