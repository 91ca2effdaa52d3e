import pg from 'pg';
const times = new Map<string, number>();
const original = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: unknown, ...args: unknown[]) {
  const sql = typeof args[0] === 'string' ? (args[0] as string).replace(/\s+/g, ' ').slice(0, 60) : 'other';
  const t = performance.now();
  const result = (original as any).apply(this, args);
  if (result && typeof result.then === 'function') return result.then((value: unknown) => { times.set(sql, (times.get(sql) ?? 0) + performance.now() - t); return value; });
  return result;
};
await import('./zz-pg.ts');
console.log([...times].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n'));
