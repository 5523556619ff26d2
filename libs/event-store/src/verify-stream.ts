import { Queryable } from './transaction';
import { EventRow } from './event-rows';
import { VerifyResult } from './event-store.types';
import { eventHash } from './hash-chain';

/** A stored head that a verifier compares with the chain: a receipt kept outside the stream. */
export interface StreamHeadWitness {
  readonly version: number;
  readonly hash: string;
}

const VERIFY_PAGE = 1000;

/**
 * Recomputes the stream's hash chain from the stored events and reports the first version that
 * does not hold. A `witness` (the head as recorded elsewhere: a read model, a receipt a client
 * kept) also catches events removed from the end, which the chain alone cannot show.
 */
export async function verifyStream(
  db: Queryable,
  streamId: string,
  witness?: StreamHeadWitness,
): Promise<VerifyResult> {
  let previousHash = '';
  let expectedVersion = 1;
  let witnessed: string | null = null;
  for (;;) {
    const { rows } = await db.query<EventRow & { data_text: string; metadata_text: string }>(
      `SELECT stream_version, type, schema_version, data::text AS data_text,
              metadata::text AS metadata_text, recorded_at, hash
         FROM events WHERE stream_id = $1 AND stream_version >= $2
        ORDER BY stream_version LIMIT $3`,
      [streamId, expectedVersion, VERIFY_PAGE],
    );
    for (const row of rows) {
      if (row.stream_version !== expectedVersion) {
        return { valid: false, brokenAt: expectedVersion, reason: 'event missing' };
      }
      const recomputed = eventHash({
        previousHash,
        streamId,
        streamVersion: row.stream_version,
        type: row.type,
        schemaVersion: row.schema_version,
        dataText: row.data_text,
        metadataText: row.metadata_text,
        recordedAt: row.recorded_at,
      });
      if (recomputed !== row.hash) {
        return {
          valid: false,
          brokenAt: row.stream_version,
          reason: 'content does not match its hash',
        };
      }
      if (row.stream_version === witness?.version) witnessed = row.hash;
      previousHash = row.hash;
      expectedVersion += 1;
    }
    if (rows.length < VERIFY_PAGE) break;
  }
  const lastVersion = expectedVersion - 1;
  if (witness && witness.version > lastVersion) {
    return { valid: false, brokenAt: lastVersion + 1, reason: 'event missing' };
  }
  if (witness && witnessed !== witness.hash) {
    return { valid: false, brokenAt: witness.version, reason: 'chain head does not match' };
  }
  return { valid: true, version: lastVersion, head: previousHash || null };
}
