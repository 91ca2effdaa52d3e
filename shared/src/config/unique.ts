import { z } from 'zod';

/**
 * Adds one zod issue per repeated id in a config list (issue 12: two readers with one
 * id made check-config say "valid" and the second silently replaced the first). The
 * issue sits on the repeated entry's field and names the first one.
 */
export function refineUniqueIds<T>(
  items: readonly T[],
  idOf: (item: T) => string | undefined,
  path: readonly (string | number)[],
  field: string,
  context: z.RefinementCtx,
): void {
  const firstIndexById = new Map<string, number>();
  items.forEach((item, index) => {
    const id = idOf(item);
    if (id === undefined) return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, index);
    else
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: [...path, index, field],
        message: `duplicate ${field} "${id}" (also at ${[...path, first].join('.')}): ids must be unique`,
      });
  });
}
