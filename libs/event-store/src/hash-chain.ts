import { createHash } from 'node:crypto';

/** The fields an event's hash covers; `data` and `metadata` in PostgreSQL's jsonb text form. */
export interface HashedContent {
  readonly previousHash: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly dataText: string;
  readonly metadataText: string;
  readonly recordedAt: Date;
}

/**
 * The same computation as the `events_guard` trigger in the database, done independently so that a
 * verifier does not have to trust the code that wrote the events.
 */
export function eventHash(content: HashedContent): string {
  const lines = [
    content.previousHash,
    content.streamId,
    String(content.streamVersion),
    content.type,
    String(content.schemaVersion),
    content.dataText,
    content.metadataText,
    content.recordedAt.toISOString(),
  ];
  return createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex');
}
