import { RecordedCommand } from './event-store.types';
import { Queryable } from './transaction';

/** What an idempotent command id appended, or null when it was never seen. */
export async function findCommand(
  db: Queryable,
  commandId: string,
): Promise<RecordedCommand | null> {
  const { rows } = await db.query<RecordedCommand>(
    `SELECT stream_id AS "streamId", fingerprint, first_version AS "firstVersion",
            last_version AS "lastVersion"
       FROM commands WHERE command_id = $1`,
    [commandId],
  );
  return rows[0] ?? null;
}

/** Which of these command ids were seen: one read for a batch of them. */
export async function seenCommands(
  db: Queryable,
  commandIds: readonly string[],
): Promise<Set<string>> {
  const { rows } = await db.query<{ command_id: string }>(
    'SELECT command_id FROM commands WHERE command_id = ANY($1::text[])',
    [commandIds],
  );
  return new Set(rows.map((row) => row.command_id));
}

/**
 * Keeps a command that appended nothing as the empty range after `version`; the command as kept
 * comes back (this one, or the one with its id kept first).
 */
export async function keepUnchangedCommand(
  db: Queryable,
  command: { commandId: string; fingerprint: string | null; streamId: string; version: number },
  recordedAt: Date,
): Promise<RecordedCommand> {
  const { commandId, fingerprint, streamId, version } = command;
  await db.query(
    `INSERT INTO commands (command_id, fingerprint, stream_id, first_version, last_version,
                           recorded_at)
     VALUES ($1, $2, $3, $4 + 1, $4, $5)
     ON CONFLICT (command_id) DO NOTHING`,
    [commandId, fingerprint, streamId, version, recordedAt],
  );
  const kept = await findCommand(db, commandId);
  if (!kept) throw new Error(`command ${commandId} was kept and then not found`);
  return kept;
}
