import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package version, found by walking up from this file (works from src/ and dist/). */
export function gatewayVersion(): string {
  if (cached !== undefined) return cached;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'stockwire' && typeof manifest.version === 'string') return (cached = manifest.version);
    } catch {
      // Not here; keep walking up.
    }
    directory = dirname(directory);
  }
  return (cached = '0.0.0-unknown');
}
