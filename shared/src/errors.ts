/**
 * Base of every part's error catalogue. Bad input from outside throws a
 * StockwireError with a stable code (`SW_…`); it is counted and, for MQTT,
 * dead-lettered. Expected outcomes are returned values; broken invariants assert.
 * Each part lists its codes in one table (`<part>/src/errors.ts`), documented in README.
 */
export class StockwireError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StockwireError';
    this.code = code;
  }
}

export interface ErrorDefinition {
  code: string;
  /** What went wrong and how to fix it; `{placeholders}` are filled from details. */
  message: string;
}

export function defineErrors<T extends Record<string, ErrorDefinition>>(catalogue: T): T {
  return Object.freeze(catalogue);
}

export function raise(
  definition: ErrorDefinition,
  details: Record<string, string | number> = {},
  cause?: unknown,
): never {
  throw makeError(definition, details, cause);
}

export function makeError(
  definition: ErrorDefinition,
  details: Record<string, string | number> = {},
  cause?: unknown,
): StockwireError {
  const message = definition.message.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in details ? String(details[key]) : whole,
  );
  return new StockwireError(definition.code, message, cause === undefined ? undefined : { cause });
}

/** An invariant the code relies on; failing it is a bug, so it crashes loudly. */
export function assertInvariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
