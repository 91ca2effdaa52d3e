import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { errorMessage, StockwireError } from '../../../../shared/src/errors.js';
import { describeLlrpMessage } from './describe.js';

export const LLRP_HELP = `stockwire-gateway llrp decode <file> [--type <MESSAGE_NAME>]

Decodes one captured LLRP message and prints it as JSON: { "type": "<MESSAGE_NAME>", ... }.
For RO_ACCESS_REPORT: "tagReports": [{ epc (hex), antennaId, peakRssiDbm, firstSeenUtcMicros,
lastSeenUtcMicros, seenCount, channelIndex }] (fields absent from the message are omitted;
Impinj's ImpinjPeakRSSI, dBm×100, is preferred over PeakRSSI when present).

<file> holds the bytes of one message, as cut from a capture (tcpdump/Wireshark "Export
Packet Bytes"), or the same bytes as hex text ("Copy as Hex Stream"; spaces and newlines allowed).

Options:
  --type <MESSAGE_NAME>  the file holds only a message body (no 10-byte header) of this type,
                         e.g. RO_ACCESS_REPORT, READER_EVENT_NOTIFICATION (or its number, 61)
  -h, --help             this text

Exit codes: 0 decoded, 1 not a decodable LLRP message, 2 bad usage.
`;

/** Hex text (Wireshark's "Copy as Hex Stream") or raw bytes. */
function bytesOf(content: Buffer): Buffer {
  const text = content.toString('latin1').trim();
  const compact = text.replace(/\s+/g, '');
  if (compact.length > 0 && compact.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(compact))
    return Buffer.from(compact, 'hex');
  return content;
}

export async function runLlrpCli(
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { type: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    err.write(`${errorMessage(error)}\n\n${LLRP_HELP}`);
    return 2;
  }
  const [subcommand, file, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    out.write(LLRP_HELP);
    return 0;
  }
  if (subcommand !== 'decode' || file === undefined || extra.length > 0) {
    err.write(`expected: llrp decode <file>\n\n${LLRP_HELP}`);
    return 2;
  }
  try {
    const described = describeLlrpMessage(bytesOf(readFileSync(file)), parsed.values.type);
    out.write(`${JSON.stringify(described, null, 2)}\n`);
    return 0;
  } catch (error) {
    err.write(error instanceof StockwireError ? `${error.code}: ${error.message}\n` : `${errorMessage(error)}\n`);
    return 1;
  }
}
