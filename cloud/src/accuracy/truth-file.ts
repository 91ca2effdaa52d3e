import { readFileSync } from 'node:fs';
import {
  TruthHeaderSchema,
  TruthRecordSchema,
  type TruthHeader,
  type TruthRecord,
} from '../../../shared/src/contracts/truth.js';
import { formatIssues } from '../../../shared/src/zod-issues.js';
import { errorMessage, raise } from '../../../shared/src/errors.js';
import { AccuracyErrors } from './errors.js';

/** A truth file larger than this is not a store week: refuse it rather than exhaust memory. */
export const TRUTH_FILE_BYTES_MAX = 512 * 1024 * 1024;

export interface TruthFile {
  header: TruthHeader;
  records: TruthRecord[];
}

function parseJson(text: string, onError: (reason: string) => never): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return onError(errorMessage(error));
  }
}

/** Parses a truth JSONL text (header line, then records); every bad line is a coded error naming it. */
export function parseTruthText(text: string, file: string): TruthFile {
  const lines = text.split('\n');
  const headerFailed = (reason: string): never => raise(AccuracyErrors.TRUTH_HEADER, { file, reason });
  const header = TruthHeaderSchema.safeParse(parseJson(lines[0] ?? '', headerFailed));
  if (!header.success) return headerFailed(formatIssues(header.error.issues));
  const records: TruthRecord[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === '') return;
    const lineFailed = (reason: string): never => raise(AccuracyErrors.TRUTH_LINE, { file, line: index + 2, reason });
    const record = TruthRecordSchema.safeParse(parseJson(line, lineFailed));
    if (!record.success) lineFailed(formatIssues(record.error.issues));
    else records.push(record.data);
  });
  return { header: header.data, records };
}

export function readTruthFile(file: string): TruthFile {
  const text = readFileSync(file, 'utf8');
  if (text.length > TRUTH_FILE_BYTES_MAX)
    raise(AccuracyErrors.TRUTH_LINE, { file, line: 0, reason: `larger than ${TRUTH_FILE_BYTES_MAX} bytes` });
  return parseTruthText(text, file);
}
