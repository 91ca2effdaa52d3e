/**
 * `npm run bench`: runs every benchmark in scripts/bench/ one after another (never
 * in parallel: they would measure each other). Each prints its own numbers and its
 * ratio against a naive baseline measured in the same run.
 * `npm run bench -- debounce` runs only the named ones.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = new Set(process.argv.slice(2));
const names = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .filter((name) => wanted.size === 0 || wanted.has(name))
  .sort();

for (const name of names) {
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const module = (await import(pathToFileURL(join(benchDir, `${name}.ts`)).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== 'function') throw new Error(`scripts/bench/${name}.ts does not export run()`);
  await module.run();
}
