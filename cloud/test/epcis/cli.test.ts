import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runEpcisCli } from '../../src/epcis/cli.js';

const FIXTURES = new URL('../../../test/fixtures/epcis-hash/', import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(name, FIXTURES));

function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runEpcisCli(
    args,
    { write: (text: string) => ((stdout += text), true) } as NodeJS.WritableStream,
    { write: (text: string) => ((stderr += text), true) } as NodeJS.WritableStream,
  );
  return { code, stdout, stderr };
}

describe('stockwire-cloud epcis hash', () => {
  it('prints every event hash of the reference document, one per line, in document order', () => {
    const { code, stdout } = run(['hash', fixture('epcisDocWithVariousEventTypes.jsonld')]);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(fixture('epcisDocWithVariousEventTypes.hashes'), 'utf8'));
  });
  it('prints the pre-hash strings with --prehash', () => {
    const { stdout } = run(['hash', '--prehash', fixture('epcisDocWithVariousEventTypes.jsonld')]);
    expect(stdout).toBe(readFileSync(fixture('epcisDocWithVariousEventTypes.prehashes'), 'utf8'));
  });
  it.each([
    [['--help'], 0, /epcis hash <document/],
    [['hash', '--help'], 0, /epcis hash <document/],
    [[], 2, /usage/],
    [['hash'], 2, /usage/],
    [['hash', '/nonexistent/doc.json'], 2, /cannot read/],
  ])('%j exits %i', (args, expectedCode, message) => {
    const { code, stdout, stderr } = run(args);
    expect(code).toBe(expectedCode);
    expect(stdout + stderr).toMatch(message);
  });
});
