import { decodeCursor, encodeCursor } from '@tally/http';

/** The reports list pages with `{ updatedAt, id }`: the last report of the page before. */
export function reportListCursor(cursor: string | undefined): ReportListCursor | null {
  return cursor === undefined ? null : decodeCursor(cursor, { updatedAt: 'time', id: 'uuid' });
}

export function nextReportListCursor(last: ReportListCursor): string {
  return encodeCursor({ updatedAt: last.updatedAt, id: last.id });
}

/** Where the reports list goes on from: newest change first, then by id. */
export interface ReportListCursor {
  readonly updatedAt: string;
  readonly id: string;
}

/** Lists ordered by revision page with `{ revision }`: the last revision of the page before. */
export function revisionCursor(cursor: string | undefined): number {
  return cursor === undefined ? 0 : decodeCursor(cursor, { revision: 'revision' }).revision;
}

export function nextRevisionCursor(revision: number): string {
  return encodeCursor({ revision });
}
