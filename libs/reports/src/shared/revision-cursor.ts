import { decodeCursor, encodeCursor } from '@tally/http';

/** Lists ordered by revision page with `{ revision }`: the last revision of the page before. */
export function revisionCursor(cursor: string | undefined): number {
  return cursor === undefined ? 0 : decodeCursor(cursor, { revision: 'revision' }).revision;
}

export function nextRevisionCursor(revision: number): string {
  return encodeCursor({ revision });
}
