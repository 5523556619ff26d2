const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Refuses any name that is not a plain lower-case SQL identifier: the table, schema and column
 * names that rebuilds and COPY write into their statements, which parameters cannot carry.
 */
export function assertPlainIdentifier(name: string): void {
  if (!PLAIN_IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
}
