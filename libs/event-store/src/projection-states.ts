import { Pool } from 'pg';
import { encodeCheckpoint } from './checkpoints';

export type ProjectionStatus = 'running' | 'error' | 'stopped';

export interface ProjectionState {
  readonly name: string;
  readonly position: string | null;
  readonly status: ProjectionStatus;
  readonly error: string | null;
  readonly failedPosition: string | null;
}

/** The state of each named projection, as stored. */
export async function projectionStates(pool: Pool): Promise<ProjectionState[]> {
  const { rows } = await pool.query<{
    name: string;
    transaction_id: string;
    global_position: string;
    status: ProjectionStatus;
    error: string | null;
    failed_position: string | null;
  }>(
    `SELECT name, transaction_id::text, global_position::text, status, error, failed_position
       FROM projections ORDER BY name`,
  );
  return rows.map((row) => ({
    name: row.name,
    position:
      row.global_position === '0'
        ? null
        : encodeCheckpoint({
            transactionId: row.transaction_id,
            globalPosition: row.global_position,
          }),
    status: row.status,
    error: row.error,
    failedPosition: row.failed_position,
  }));
}
