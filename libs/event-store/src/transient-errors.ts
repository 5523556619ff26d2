/**
 * Errors that say nothing about the work, only about the moment: the database restarting, a
 * connection dropped, a deadlock or a serialization failure, a statement timeout, a lack of
 * resources. Trying the same work again later may succeed; an error that is not transient will
 * fail the same way every time.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^(08|53|57P)/.test(code)) return true; // connection, resources, shutdown or restart
    if (TRANSIENT_CODES.has(code)) return true;
  }
  return /Connection terminated|Client was closed|timeout exceeded when trying to connect/i.test(
    String((error as { message?: unknown } | null)?.message ?? error),
  );
}

/** A deadlock or serialization failure: the transaction lost a race and may simply run again. */
export function isLostRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled: a statement timeout
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN', // DNS, for now
  'ENOTFOUND', // DNS: the name is not (yet) known
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL refusing a value as data (SQLSTATE class 22: out of range, not a time, not UTF-8;
 * 54000: too large for an index) can only be a value that came in with the request, since stored
 * values were all accepted once: the client's to fix, and its statement wrote nothing.
 */
export function isRefusedValueError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || code === '54000');
}
