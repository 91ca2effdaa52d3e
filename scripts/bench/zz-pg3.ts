import pg from 'pg';
import { startPostgres } from '../../test/support/postgres.js';
const server = await startPostgres();
const client = new pg.Client({ connectionString: server.url });
await client.connect();
await client.query('CREATE TABLE h (seq BIGSERIAL PRIMARY KEY, epc TEXT, product TEXT, location TEXT, status TEXT, tx TEXT, t BIGINT, r BIGINT)');
await client.query('CREATE INDEX ON h (epc, seq)');
let serial = 0;
for (const mode of ['unnest', 'json', 'unnest', 'json']) {
  const rows = Array.from({ length: 5000 }, () => [`urn:epc:id:sgtin:0614141.007346.${serial++}`, '00614141073467', 'urn:stockwire:loc:store-1:dock-1', 'in_stock', 'r1', 1764000000000, 1764000000000]);
  const t = performance.now();
  if (mode === 'unnest') await client.query('INSERT INTO h (epc, product, location, status, tx, t, r) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])', [0, 1, 2, 3, 4, 5, 6].map((i) => rows.map((row) => row[i])));
  else await client.query("INSERT INTO h (epc, product, location, status, tx, t, r) SELECT e->>0, e->>1, e->>2, e->>3, e->>4, (e->>5)::bigint, (e->>6)::bigint FROM jsonb_array_elements($1::jsonb) e", [JSON.stringify(rows)]);
  console.log(mode, (performance.now() - t).toFixed(0), 'ms for 5000');
}
await client.end();
await server.stop();
