import { QueryResultRow } from 'pg';
import { EventMetadata, RecordedEvent } from './event-store.types';
import { UpcasterRegistry } from './upcasters';

/**
 * Positions and transaction ids leave as text (they exceed 2^53). The table is aliased `e` and
 * every ORDER BY names `e.` columns: an unqualified ORDER BY would sort by these text aliases,
 * putting transaction 10000 before 9999 and making a follower skip events.
 */
export const EVENT_COLUMNS = `e.global_position::text AS global_position,
  e.transaction_id::text AS transaction_id, e.stream_id, e.stream_version, e.type,
  e.schema_version, e.data, e.metadata, e.recorded_at, e.hash`;

export interface EventRow extends QueryResultRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  hash: string;
}

/** A stored row as the store hands it out: upcast to its type's current schema. */
export function toRecorded(row: EventRow, upcasters: UpcasterRegistry): RecordedEvent {
  const { schemaVersion, data } = upcasters.upcast(
    row.type,
    row.schema_version,
    row.data,
    row.metadata,
  );
  return {
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion,
    data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
    hash: row.hash,
  };
}

/** The most a page of the log may hold, whatever a caller asks. */
const MAX_PAGE = 10_000;

/** A page size within 1 and `MAX_PAGE`; 500 when none was asked. */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 500, 1), MAX_PAGE);
}
