import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every subcommand of the three bins answers `--help` with exit 0 and its usage on stdout.
 * The subcommands are read from each bin's own `--help` text (lines `  stockwire-x <subcommand> …`),
 * so a subcommand added later is covered without touching this test.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BINS = [
  { name: 'stockwire-gateway', entry: 'gateway/src/bin.ts' },
  { name: 'stockwire-cloud', entry: 'cloud/src/bin.ts' },
  { name: 'stockwire-sim', entry: 'simulators/src/bin.ts' },
] as const;
const HELP_TIMEOUT_MS = 30_000;

function runBin(entry: string, args: readonly string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, entry), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: HELP_TIMEOUT_MS,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
}

/** `  stockwire-cloud ledger replay <file>` → 'ledger replay'; option-only and argument-only lines are skipped. */
export function subcommandsOf(binName: string, helpText: string): string[] {
  const found = new Set<string>();
  const pattern = new RegExp(`^\\s+${binName}((?: [a-z][a-z-]*)+)`, 'gm');
  for (const match of helpText.matchAll(pattern)) found.add((match[1] ?? '').trim());
  return [...found];
}

describe.each(BINS)('$name', ({ name, entry }) => {
  const top = runBin(entry, ['--help']);
  const subcommands = subcommandsOf(name, top.stdout);

  it('--help exits 0 with its usage', () => {
    expect(top.status, top.stderr).toBe(0);
    expect(top.stdout).toContain(name);
  });

  // One process per subcommand (a tsx start costs 1–3 s here), so only the long flag.
  it.each(subcommands)(
    '%s --help exits 0 with usage on stdout',
    (subcommand) => {
      const result = runBin(entry, [...subcommand.split(' '), '--help']);
      expect(result.status, `${name} ${subcommand} --help: ${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/usage/i);
    },
    HELP_TIMEOUT_MS,
  );
});

describe('subcommand discovery', () => {
  it.each([
    { help: '  stockwire-cloud ledger replay <tx.jsonl>  apply', expected: ['ledger replay'] },
    { help: '  stockwire-gateway [run] --config <file>', expected: [] },
    { help: '  stockwire-gateway check-config --config <file>', expected: ['check-config'] },
    { help: 'Usage: stockwire-sim <scenario.yaml>', expected: [] },
  ])('$help → $expected', ({ help, expected }) => {
    const name = /stockwire-[a-z]+/.exec(help)?.[0] ?? '';
    expect(subcommandsOf(name, help)).toEqual(expected);
  });
});
