import { accessSync, constants, statSync } from 'node:fs';
import { errorMessage } from '../errors.js';

/**
 * Shared by the gateway's and the cloud's `check-config`: a file a config names must
 * be a readable regular file; problems are reported as `path: message` lines.
 */
export interface ReferenceIssue {
  path: string;
  message: string;
}

/** Why `file` cannot serve as a config-named file, or undefined when it can. */
export function readableFileProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return `${file} is not a regular file`;
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`;
  }
}

/** One issue per named file that is missing, unreadable or not a regular file. */
export function fileIssues(files: readonly { path: string; file: string }[]): ReferenceIssue[] {
  return files.flatMap(({ path, file }) => {
    const problem = readableFileProblem(file);
    return problem === undefined ? [] : [{ path, message: problem }];
  });
}

export function formatReferenceIssues(file: string, issues: readonly ReferenceIssue[]): string {
  return `${file}: unresolved references:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`;
}
