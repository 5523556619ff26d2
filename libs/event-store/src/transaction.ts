import { Pool, PoolClient } from 'pg';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * Runs `work` in a transaction on a connection of its own: committed when it returns, rolled
 * back when it throws. `setup`: statements without parameters that start it, sent with the
 * BEGIN in one round trip.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient) => Promise<T>,
  setup?: string,
): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query(setup ? `BEGIN; ${setup}` : 'BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}
