import { makeError } from '../../../../shared/src/errors.js';
import { ReaderErrors } from '../errors.js';
import { decodeCapabilitiesResponse } from './capabilities.js';
import { encodeMessage, newDecodeStats, readHeader, readStatus, type DecodeStats } from './codec.js';
import { LLRP_HEADER_BYTES, MessageType, messageNameOf, type MessageName } from './constants.js';
import { decodeReaderEventNotification } from './events.js';
import { decodeRoAccessReport } from './reports.js';
import { decodeAddRoSpecBody } from './rospec.js';

/**
 * `llrp decode`: one captured LLRP message as plain JSON for a field engineer. A whole message
 * (header included), or only a body when its message name is given. Pure: bytes in, object out.
 */
export type DescribedMessage = { type: string } & Record<string, unknown>;

/** Message names and numbers accepted by --type. */
export function messageTypeOf(name: string): number | null {
  if (/^\d+$/.test(name)) return Number(name) <= 0x3ff ? Number(name) : null;
  return (MessageType as Record<string, number>)[name.toUpperCase()] ?? null;
}

export function describeLlrpMessage(bytes: Buffer, bodyType?: string): DescribedMessage {
  let message = bytes;
  if (bodyType !== undefined) {
    const type = messageTypeOf(bodyType);
    if (type === null)
      throw makeError(ReaderErrors.LLRP_DECODE, {
        reason: `unknown message type "${bodyType}" (use a name like RO_ACCESS_REPORT)`,
      });
    message = encodeMessage(type, 0, bytes);
  }
  const header = readHeader(message);
  if (!header)
    throw makeError(ReaderErrors.LLRP_DECODE, { reason: `${bytes.length} bytes are shorter than an LLRP header (10)` });
  if (message[0]! >> 5 !== 0 || (header.version !== 1 && header.version !== 2))
    throw makeError(ReaderErrors.LLRP_DECODE, {
      reason:
        'not an LLRP header (reserved bits set or version not 1/2); pass --type <MESSAGE_NAME> for a body without its header',
    });
  if (header.length !== message.length)
    throw makeError(ReaderErrors.LLRP_DECODE, {
      reason: `the header says ${header.length} bytes, the file has ${message.length}: cut exactly one message`,
    });
  const body = message.subarray(LLRP_HEADER_BYTES);
  const stats = newDecodeStats();
  const described: DescribedMessage = {
    type: messageNameOf(header.type),
    ...(bodyType === undefined ? { version: header.version, messageId: header.messageId } : {}),
    ...describeBody(header.type, body, stats),
  };
  if (stats.unknownParams + stats.unknownCustom + stats.malformed > 0) described['skipped'] = { ...stats };
  return described;
}

function describeBody(type: number, body: Buffer, stats: DecodeStats): Record<string, unknown> {
  switch (messageNameOf(type) as MessageName) {
    case 'RO_ACCESS_REPORT':
      return { tagReports: tagReportsOf(body, stats) };
    case 'READER_EVENT_NOTIFICATION':
      return { ...decodeReaderEventNotification(body, stats) };
    case 'GET_READER_CAPABILITIES_RESPONSE':
      return { ...decodeCapabilitiesResponse(body, stats) };
    case 'ADD_ROSPEC':
      return { rospec: decodeAddRoSpecBody(body, stats) };
    case 'CUSTOM_MESSAGE':
      return body.length >= 5
        ? { vendor: body.readUInt32BE(0), subtype: body[4], dataHex: body.subarray(5).toString('hex') }
        : {};
    case 'DELETE_ROSPEC':
    case 'START_ROSPEC':
    case 'STOP_ROSPEC':
    case 'ENABLE_ROSPEC':
    case 'DISABLE_ROSPEC':
      return body.length >= 4 ? { rospecId: body.readUInt32BE(0) } : {};
    default: {
      const status = readStatus(body);
      if (status) return { status };
      return body.length > 0 ? { bodyHex: body.toString('hex') } : {};
    }
  }
}

function tagReportsOf(body: Buffer, stats: DecodeStats): Array<Record<string, unknown>> {
  const reports: Array<Record<string, unknown>> = [];
  decodeRoAccessReport(body, { impinjExtensions: true }, stats, (tag) => {
    const peakRssiDbm = tag.impinjPeakRssiCdbm !== undefined ? tag.impinjPeakRssiCdbm / 100 : tag.peakRssiDbm;
    const fields: Record<string, unknown> = {
      epc: tag.epcHex.toUpperCase(),
      antennaId: tag.antennaId,
      peakRssiDbm,
      firstSeenUtcMicros: tag.firstSeenUtcMicros,
      lastSeenUtcMicros: tag.lastSeenUtcMicros,
      seenCount: tag.seenCount,
      channelIndex: tag.channelIndex,
    };
    reports.push(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
  });
  return reports;
}
