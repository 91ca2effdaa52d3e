/**
 * `npm run bench -- readers`: tag reports decoded per second on one core, from bytes on the
 * wire to tag fields, for LLRP RO_ACCESS_REPORT (batched 100 tags a message, and one tag a
 * message as the default `report.everyTags: 1` sends them) against the existing serial codecs
 * (Chafon UHFReader288 inventory replies, ThingMagic streamed tag records) measured in the same
 * run. The target is ≥ 500K LLRP tag reports/s here; a Pi is ~5–10× slower.
 */
import { FrameDecoder } from '../../gateway/src/readers/serial/framing.js';
import {
  chafonReplyFrameSpec,
  decodeChafonReply,
  encodeChafonInventoryData,
  encodeChafonReply,
  parseChafonInventoryData,
} from '../../gateway/src/readers/chafon/codec.js';
import {
  decodeThingMagicResponse,
  encodeTagRecord,
  parseTagRecord,
  thingMagicResponseFrameSpec,
} from '../../gateway/src/readers/thingmagic/codec.js';
import { decodeMessage, newDecodeStats } from '../../gateway/src/readers/llrp/codec.js';
import { LlrpFramer } from '../../gateway/src/readers/llrp/framer.js';
import { encodeRoAccessReport } from '../../gateway/src/readers/llrp/reader-messages.js';
import { decodeRoAccessReport, type TagReport } from '../../gateway/src/readers/llrp/reports.js';

const RUN_MS = 1_500;
const STREAM_BYTES = 1 << 20;

function epcOf(index: number): string {
  return `3039606303C74380${index.toString(16).toUpperCase().padStart(8, '0')}`;
}

function llrpTag(index: number): TagReport {
  return {
    epcHex: epcOf(index),
    antennaId: (index % 4) + 1,
    peakRssiDbm: -50 - (index % 30),
    impinjPeakRssiCdbm: -5000 - (index % 3000),
    firstSeenUtcMicros: 1_733_000_000_000_000 + index,
    lastSeenUtcMicros: 1_733_000_000_000_000 + index,
    seenCount: 1,
    channelIndex: (index % 50) + 1,
  };
}

/** Repeats `unit` to ~1 MiB and returns it with the tags it holds. */
function stream(unit: Buffer, tagsPerUnit: number): { bytes: Buffer; tags: number } {
  const copies = Math.max(1, Math.floor(STREAM_BYTES / unit.length));
  return { bytes: Buffer.concat(Array.from({ length: copies }, () => unit)), tags: copies * tagsPerUnit };
}

/** Tags per second decoding `bytes` in 1 KiB chunks (the serial decoders keep at most 4 KiB), for RUN_MS. */
function measure(name: string, bytes: Buffer, tagsInStream: number, decodeStream: (chunks: Buffer[]) => number) {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 1024) chunks.push(bytes.subarray(offset, offset + 1024));
  decodeStream(chunks); // warm up the JIT
  let tags = 0;
  const startedNs = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < RUN_MS) {
    const decoded = decodeStream(chunks);
    if (decoded !== tagsInStream) throw new Error(`${name}: decoded ${decoded} of ${tagsInStream} tags`);
    tags += decoded;
    elapsedMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
  }
  const perSecond = (tags / elapsedMs) * 1000;
  process.stdout.write(`${name.padEnd(52)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} tags/s\n`);
  return perSecond;
}

function llrpDecoder(impinjExtensions: boolean) {
  return (chunks: Buffer[]): number => {
    const framer = new LlrpFramer();
    const stats = newDecodeStats();
    let tags = 0;
    const onTag = (tag: TagReport): void => {
      if (tag.epcHex.length > 0) tags++;
    };
    for (const chunk of chunks)
      for (const message of framer.push(chunk))
        decodeRoAccessReport(decodeMessage(message).body, { impinjExtensions }, stats, onTag);
    return tags;
  };
}

export async function run(): Promise<void> {
  const batched = stream(
    encodeRoAccessReport(
      1,
      Array.from({ length: 100 }, (_, index) => llrpTag(index)),
    ),
    100,
  );
  const single = stream(encodeRoAccessReport(1, [llrpTag(7)]), 1);
  const chafonTags = Array.from({ length: 8 }, (_, index) => ({ epc: Buffer.from(epcOf(index), 'hex'), rssiRaw: 60 }));
  const chafon = stream(encodeChafonReply(0, 0x01, 1, encodeChafonInventoryData(chafonTags, 1, 'uhfreader288')), 8);
  const thingMagic = stream(encodeTagRecord({ epc: Buffer.from(epcOf(3), 'hex'), rssiDbm: -55, antenna: 1 }), 1);

  const llrpBatched = measure(
    'LLRP RO_ACCESS_REPORT, 100 tags/message',
    batched.bytes,
    batched.tags,
    llrpDecoder(true),
  );
  const llrpSingle = measure('LLRP RO_ACCESS_REPORT, 1 tag/message', single.bytes, single.tags, llrpDecoder(true));
  const chafonRate = measure('baseline: Chafon inventory reply, 8 tags/frame', chafon.bytes, chafon.tags, (chunks) => {
    const decoder = new FrameDecoder(chafonReplyFrameSpec);
    let tags = 0;
    for (const chunk of chunks)
      for (const frame of decoder.push(chunk)) {
        const parsed = parseChafonInventoryData(decodeChafonReply(frame).data, 'uhfreader288');
        if (parsed.ok) tags += parsed.tags.length;
      }
    return tags;
  });
  const thingMagicRate = measure(
    'baseline: ThingMagic streamed tag record',
    thingMagic.bytes,
    thingMagic.tags,
    (chunks) => {
      const decoder = new FrameDecoder(thingMagicResponseFrameSpec);
      let tags = 0;
      for (const chunk of chunks)
        for (const frame of decoder.push(chunk)) {
          const parsed = parseTagRecord(decodeThingMagicResponse(frame));
          if (parsed.kind === 'tags') tags += parsed.tags.length;
        }
      return tags;
    },
  );
  const ratio = (value: number, base: number) => `${(value / base).toFixed(1)}×`;
  process.stdout.write(
    `LLRP batched vs Chafon ${ratio(llrpBatched, chafonRate)}, vs ThingMagic ${ratio(llrpBatched, thingMagicRate)}; ` +
      `LLRP 1 tag/message vs ThingMagic ${ratio(llrpSingle, thingMagicRate)}; ` +
      `target ≥ 500,000 tags/s: ${llrpBatched >= 500_000 ? 'met' : 'NOT met'}\n`,
  );
}
