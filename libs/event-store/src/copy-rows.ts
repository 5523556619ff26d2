import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertPlainIdentifier } from './sql-identifier';

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Rows for a table, encoded now and written with one COPY when the returned function is called:
 * the bulk path of rebuilds, which fill fresh tables. Values are encoded in COPY's text format:
 * null and undefined as NULL, a Date as ISO 8601, any other object as JSON (for json and jsonb
 * columns), the rest as its string.
 */
export function copyRows(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): (tx: PoolClient) => Promise<void> {
  for (const name of [table, ...columns]) assertPlainIdentifier(name);
  if (rows.length === 0) return async () => undefined;
  const lines = rows.map((row) => {
    if (row.length !== columns.length) {
      throw new Error(`${table}: a row of ${row.length} values for ${columns.length} columns`);
    }
    return row.map(copyText).join('\t');
  });
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return (tx) =>
    pipeline(
      Readable.from([text]),
      tx.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
    );
}

/** One value in COPY's text format. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return value.replace(SPECIAL, (c) => ESCAPED[c]);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  // JSON escapes every control character; only its backslashes need escaping again.
  const json = JSON.stringify(value);
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}
