import { ValidationFailed, decodeCursor, encodeCursor } from '@tally/http';

/** Lists ordered by revision page with `{ revision }`: the last revision of the page before. */
export function revisionCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const value = decodeCursor(cursor) as { revision?: unknown } | null;
  if (typeof value?.revision !== 'number' || !Number.isSafeInteger(value.revision)) {
    throw ValidationFailed.at('cursor', 'is not a cursor this list gave');
  }
  return value.revision;
}

export function nextRevisionCursor(revision: number): string {
  return encodeCursor({ revision });
}
