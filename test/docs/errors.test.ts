import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectCatalogue, errorsDocPath, renderErrorsDoc } from '../../scripts/error-catalogue.js';

describe('error catalogue', () => {
  it('has unique codes', async () => {
    const entries = await collectCatalogue();
    const codes = entries.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is documented in docs/errors.md (regenerate with scripts/error-catalogue.ts --write)', async () => {
    const entries = await collectCatalogue();
    expect(readFileSync(errorsDocPath, 'utf8')).toBe(renderErrorsDoc(entries));
  });
});
