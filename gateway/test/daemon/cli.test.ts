import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { EmbeddedBroker } from '../../../cloud/src/broker/broker.js';
import { EpcisDocumentSchema } from '../../../shared/src/contracts/epcis.js';
import { startLoopbackBroker } from '../../../test/support/broker.js';

/**
 * The `stockwire-gateway` CLI as a process: check-config on good and bad files,
 * and the example config (simulated reader, injected by `stockwire-sim gateway`; real debounce
 * engine) publishing real movements to the embedded broker until SIGTERM; the gateway binary itself
 * refuses a simulated reader with a coded error.
 */
const repoRoot = resolve(import.meta.dirname, '../../..');
const bin = join(repoRoot, 'gateway/src/bin.ts');
// The example config plays a simulated reader, which the simulators inject into the gateway.
const simBin = join(repoRoot, 'simulators/src/bin.ts');
const directory = mkdtempSync(join(tmpdir(), 'stockwire-cli-'));
let broker: EmbeddedBroker;

beforeAll(async () => {
  broker = await startLoopbackBroker([
    { username: 'dock-gw-1', password: 'dock-gw-1-demo', role: 'gateway', siteId: 'store-1', gatewayId: 'dock-gw-1' },
    { username: 'cloud', password: 'cloud-pw', role: 'cloud' },
  ]);
});
afterAll(async () => {
  await broker.close();
  rmSync(directory, { recursive: true, force: true });
});

function cli(
  args: string[],
  entry = bin,
): {
  child: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return {
    child,
    done: new Promise((resolveDone) => child.once('exit', (code) => resolveDone({ code, stdout, stderr }))),
  };
}

describe('stockwire-gateway CLI', () => {
  it('check-config accepts the example and names the field path of a bad file', async () => {
    const good = await cli(['check-config', '--config', 'config/gateway.example.yaml']).done;
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toMatch(/valid \(site store-1, gateway dock-gw-1, 1 readers\)/);
    const badFile = join(directory, 'bad.yaml');
    writeFileSync(badFile, 'siteId: store-1\ngatewayId: dock-gw-1\nmqtt:\n  inflightMessagesMax: 0\n');
    const bad = await cli(['check-config', '--config', badFile]).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/mqtt\.inflightMessagesMax/);
  }, 60_000);

  it('runs the example config end to end and stops cleanly on SIGTERM', async () => {
    const example = parseYaml(readFileSync(join(repoRoot, 'config/gateway.example.yaml'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const configFile = join(directory, 'gateway.yaml');
    writeFileSync(
      configFile,
      stringifyYaml({
        ...example,
        readers: (example['readers'] as unknown as Record<string, unknown>[]).map((reader) => ({
          ...reader,
          scenario: join(repoRoot, 'simulators/scenarios/dock-door-demo.yaml'),
        })),
        mqtt: { ...example['mqtt'], url: `mqtt://127.0.0.1:${broker.port}` },
        outbox: { ...example['outbox'], path: join(directory, 'outbox.sqlite') },
      }),
    );
    const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      clientId: 'cli-observer',
      username: 'cloud',
      password: 'cloud-pw',
    });
    const bizSteps: string[] = [];
    observer.on('message', (_topic, payload) =>
      bizSteps.push(
        ...EpcisDocumentSchema.parse(JSON.parse(payload.toString())).epcisBody.eventList.map((event) => event.bizStep),
      ),
    );
    await observer.subscribeAsync('stockwire/v1/store-1/dock-gw-1/events', { qos: 1 });
    const running = cli(['gateway', '--config', configFile], simBin);
    const deadline = Date.now() + 45_000;
    while (bizSteps.length === 0 && Date.now() < deadline)
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    expect(bizSteps).toContain('receiving');
    running.child.kill('SIGTERM');
    const exit = await running.done;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/"msg":"gateway stopped"/);
    await observer.endAsync();
  }, 90_000);
});
