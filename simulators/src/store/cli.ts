import { parseArgs } from 'node:util';
import { errorMessage } from '../../../shared/src/errors.js';
import { createLogger, silentLogger } from '../../../shared/src/log.js';
import { startStoreOperations } from './operations.js';

export const STORE_HELP_TEXT = `stockwire-sim store — shoppers at a till (POS over MQTT) and a backroom clerk opening cases

Usage: stockwire-sim store --cloud-url <url> --mqtt-url <url> [options]

Shoppers who took items off a shelf (the ledger has them on the site's sales floor) pay at the till a
little later: a POS sale of the item's EPC on stockwire/v1/<site>/pos/<till>/transactions (QoS 1).
Some never pay; the floor count every 45 s books them to Shrinkage. With --unpack the clerk opens a
case in the backroom whenever its loose units run low.

Options:
  --cloud-url <url>        the cloud HTTP API (reads the floor, posts counts and unpacks)
  --token <token>          bearer token with the write scope (default: $STOCKWIRE_TOKEN)
  --mqtt-url <url>         the broker the till publishes to
  --site <id>              site id (default store-1)
  --till <id>              till id and MQTT client id (default till-1)
  --username <name>        till's broker user (a "till" role user), --password <secret>
  --pay-probability <p>    share of shoppers who pay (default 0.8)
  --seed <n>               PRNG seed (default 7)
  --unpack                 also run the backroom clerk
  --duration <seconds>     stop after this long (default: until Ctrl-C)
  -h, --help
`;

/** `stockwire-sim store …`: runs until Ctrl-C (or --duration / the abort signal). */
export async function runStoreCli(
  args: readonly string[],
  output: { write(text: string): unknown },
  signal?: AbortSignal,
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        'cloud-url': { type: 'string' },
        token: { type: 'string' },
        'mqtt-url': { type: 'string' },
        site: { type: 'string', default: 'store-1' },
        till: { type: 'string', default: 'till-1' },
        username: { type: 'string' },
        password: { type: 'string' },
        'pay-probability': { type: 'string', default: '0.8' },
        seed: { type: 'string', default: '7' },
        unpack: { type: 'boolean', default: false },
        duration: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    output.write(`stockwire-sim store: ${errorMessage(error)}\n\n${STORE_HELP_TEXT}`);
    return 2;
  }
  if (values.help) {
    output.write(STORE_HELP_TEXT);
    return 0;
  }
  const payProbability = Number(values['pay-probability']);
  const token = values.token ?? process.env['STOCKWIRE_TOKEN'];
  if (!values['cloud-url'] || !values['mqtt-url'] || !token || !(payProbability >= 0 && payProbability <= 1)) {
    output.write(
      `stockwire-sim store: need --cloud-url, --mqtt-url, a token and --pay-probability in [0, 1]\n\n${STORE_HELP_TEXT}`,
    );
    return 2;
  }
  const stop = await startStoreOperations({
    cloudUrl: values['cloud-url'],
    token,
    mqttUrl: values['mqtt-url'],
    site: values.site,
    till: {
      id: values.till,
      ...(values.username === undefined ? {} : { username: values.username }),
      ...(values.password === undefined ? {} : { password: values.password }),
    },
    unpack: values.unpack,
    shoppers: { payProbability, seed: Math.trunc(Number(values.seed)) },
    logger: values.quiet ? silentLogger() : createLogger('stockwire-sim'),
    onLine: (line) => output.write(`${line}\n`),
  });
  await new Promise<void>((done) => {
    const finish = () => done();
    if (values.duration !== undefined) setTimeout(finish, Number(values.duration) * 1000);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    signal?.addEventListener('abort', finish, { once: true });
  });
  await stop();
  output.write('stopped\n');
  return 0;
}
