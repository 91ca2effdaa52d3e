import { readFileSync } from 'node:fs';
import { errorMessage } from '../../../shared/src/errors.js';
import { documentEventHashes, eventPreHash, namespacesOfContext } from '../../../shared/src/epcis/event-hash.js';

export const EPCIS_CLI_USAGE = `usage:
  stockwire-cloud epcis hash <document.json|.jsonld> [--prehash]
      prints the CBV 2.0 event hash of every event of an EPCISDocument, one per line, in document order
      (--prehash: the canonical pre-hash strings instead)`;

/** `stockwire-cloud epcis …`. Returns the exit code: 0 ok, 2 usage or unreadable input. */
export function runEpcisCli(args: string[], output: NodeJS.WritableStream, errors: NodeJS.WritableStream): number {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === undefined) {
    (command === undefined ? errors : output).write(`${EPCIS_CLI_USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const files = rest.filter((argument) => !argument.startsWith('-'));
  if (command !== 'hash' || files.length !== 1 || rest.includes('--help')) {
    const asked = rest.includes('--help') || rest.includes('-h');
    (asked ? output : errors).write(`${EPCIS_CLI_USAGE}\n`);
    return asked ? 0 : 2;
  }
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(readFileSync(files[0]!, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    errors.write(`cannot read ${files[0]}: ${errorMessage(error)}\n`);
    return 2;
  }
  const lines = rest.includes('--prehash') ? preHashes(document) : documentEventHashes(document);
  output.write(lines.map((line) => `${line}\n`).join(''));
  return 0;
}

function preHashes(document: Record<string, unknown>): string[] {
  const namespaces = namespacesOfContext(document['@context']);
  const events = (document.epcisBody as { eventList?: Record<string, unknown>[] } | undefined)?.eventList ?? [];
  return events.map((event) => eventPreHash(event, namespaces));
}
