import type { EventQuery } from './event-store.js';

/**
 * The WHERE clause of an event query, for both SQL dialects: `placeholder(n)` writes the n-th parameter
 * (`?` for SQLite, `$n` for PostgreSQL). Lists are ORs within one parameter, ANDs across parameters (EPCIS 2.0 §8.2.7).
 */
export function eventQueryWhere(
  query: EventQuery,
  placeholder: (index: number) => string,
): { where: string; parameters: (string | number)[] } {
  const clauses: string[] = [];
  const parameters: (string | number)[] = [];
  const add = (value: string | number) => {
    parameters.push(value);
    return placeholder(parameters.length);
  };
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (values === undefined) return;
    clauses.push(values.length === 0 ? '1 = 0' : `${column} IN (${values.map(add).join(', ')})`);
  };
  anyOf('event_type', query.eventTypes);
  anyOf('biz_step', query.bizSteps);
  anyOf('biz_location', query.bizLocations);
  anyOf('read_point', query.readPoints);
  anyOf('parent_id', query.parentIds);
  if (query.geEventTimeMs !== undefined) clauses.push(`event_time_ms >= ${add(query.geEventTimeMs)}`);
  if (query.ltEventTimeMs !== undefined) clauses.push(`event_time_ms < ${add(query.ltEventTimeMs)}`);
  if (query.geRecordTimeMs !== undefined) clauses.push(`record_time_ms >= ${add(query.geRecordTimeMs)}`);
  if (query.afterSeq !== undefined) clauses.push(`record_seq > ${add(query.afterSeq)}`);
  if (query.epcs !== undefined) {
    // Each placeholder list binds its own copy of the values (SQLite's `?` are positional).
    const parents = query.epcs.map(add).join(', ');
    const members = query.epcs.map(add).join(', ');
    clauses.push(
      query.epcs.length === 0
        ? '1 = 0'
        : `(parent_id IN (${parents}) OR record_seq IN (SELECT record_seq FROM epcis_event_epcs WHERE epc IN (${members})))`,
    );
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, parameters };
}
