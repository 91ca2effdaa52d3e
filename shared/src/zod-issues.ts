import type { z } from 'zod';

/**
 * Formats zod issues as `path.to.field: problem`, one per line. Its own module (not the config loader's) so
 * pure cores can name what is wrong in their input without importing the loader, which reads files.
 */
export function formatIssues(issues: readonly z.ZodIssue[]): string {
  return issues
    .map((issue) => `  - ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}
