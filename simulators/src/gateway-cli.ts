import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/src/errors.js';
import { runGateway } from '../../gateway/src/main.js';
import { simulatedGatewayParts } from './readers/simulated-gateway-reader.js';

export const GATEWAY_HELP = `stockwire-sim gateway — the gateway daemon with simulated readers available

Usage:
  stockwire-sim gateway --config <gateway.yaml>

Runs the production gateway (debounce, outbox, MQTT, systemd notify) exactly as
\`stockwire-gateway run\` does, plus readers with \`protocol: simulated\`, which play a
scenario file in real time (the gateway binary ships no simulator code).
Example: stockwire-sim gateway --config config/gateway.example.yaml
`;

/** `stockwire-sim gateway …`: returns the exit code (0 stopped cleanly, 1 failed, 2 bad usage). */
export async function runSimulatedGatewayCli(args: readonly string[], output: { write(text: string): unknown }) {
  let values: { config?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    output.write(`stockwire-sim gateway: ${errorMessage(error)}\n\n${GATEWAY_HELP}`);
    return 2;
  }
  if (values.help) {
    output.write(GATEWAY_HELP);
    return 0;
  }
  if (values.config === undefined) {
    output.write(`stockwire-sim gateway: missing --config <file>\n\n${GATEWAY_HELP}`);
    return 2;
  }
  return runGateway(values.config, simulatedGatewayParts);
}
