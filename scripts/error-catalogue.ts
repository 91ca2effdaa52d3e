/**
 * Collects every error catalogue (`<part>/src/**\/errors.ts`, built with defineErrors)
 * and renders the one table of codes in docs/errors.md.
 * `node --import tsx scripts/error-catalogue.ts --write` regenerates the file;
 * test/docs/errors.test.ts fails when it is out of date.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const errorsDocPath = join(projectRoot, 'docs', 'errors.md');

interface CatalogueEntry {
  code: string;
  message: string;
  file: string;
}

function findCatalogueFiles(directory: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'test' && name !== 'dist') found.push(...findCatalogueFiles(path));
    } else if (name === 'errors.ts' || name === 'errors-catalogue.ts') {
      found.push(path);
    }
  }
  return found;
}

export async function collectCatalogue(): Promise<CatalogueEntry[]> {
  const entries: CatalogueEntry[] = [];
  for (const part of ['shared', 'gateway', 'cloud', 'simulators']) {
    for (const file of findCatalogueFiles(join(projectRoot, part, 'src')).sort()) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const exported of Object.values(module)) {
        if (!exported || typeof exported !== 'object') continue;
        for (const definition of Object.values(exported as Record<string, unknown>)) {
          const candidate = definition as { code?: unknown; message?: unknown };
          if (
            typeof candidate?.code === 'string' &&
            candidate.code.startsWith('SW_') &&
            typeof candidate.message === 'string'
          ) {
            entries.push({ code: candidate.code, message: candidate.message, file: relative(projectRoot, file) });
          }
        }
      }
    }
  }
  return entries.sort((a, b) => a.code.localeCompare(b.code));
}

export function renderErrorsDoc(entries: readonly CatalogueEntry[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = entries.map((entry) => `| \`${entry.code}\` | ${escape(entry.message)} | \`${entry.file}\` |`);
  return [
    '# Error codes',
    '',
    'Every error stockwire raises for bad input carries a stable code. `{placeholders}` are filled in at run time.',
    'Generated from the catalogues by `node --import tsx scripts/error-catalogue.ts --write`; a test keeps it current.',
    '',
    '| code | message | defined in |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv.includes('--write')) {
  const entries = await collectCatalogue();
  writeFileSync(errorsDocPath, renderErrorsDoc(entries));
  process.stdout.write(`wrote ${entries.length} codes to ${relative(projectRoot, errorsDocPath)}\n`);
}
