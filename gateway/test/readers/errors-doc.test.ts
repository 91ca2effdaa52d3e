import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulatorErrors } from '../../../simulators/src/errors.js';
import { ReaderErrors } from '../../src/readers/errors.js';

/** Every coded error is documented in its part's table (fastify checks its errors the same way). */
describe.each([
  { catalogue: ReaderErrors, doc: 'docs/readers.md' },
  { catalogue: SimulatorErrors, doc: 'docs/simulators.md' },
])('error catalogue documented in $doc', ({ catalogue, doc }) => {
  const text = readFileSync(doc, 'utf8');
  it.each(Object.values(catalogue).map((definition) => definition.code))('%s', (code) => {
    expect(text).toContain(`\`${code}\``);
  });
});
