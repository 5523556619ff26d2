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

/** The sources list pages with `{ publishers }`: how many publishers the pages before held. */
export function publisherCursor(cursor: string | undefined): number {
  return cursor === undefined ? 0 : decodeCursor(cursor, { publishers: 'revision' }).publishers;
}

export function nextPublisherCursor(publishers: number): string {
  return encodeCursor({ publishers });
}

/** Where a figure's history goes on from: the last row of the page before. */
export interface HistoryCursor {
  readonly revision: number;
  readonly reportedAt?: string;
}

/** A figure history's cursor: `{ revision }`, or `{ reportedAt, revision }` by reported time. */
export function historyCursor(
  cursor: string | undefined,
  order: 'revision' | 'reported',
): HistoryCursor | null {
  if (cursor === undefined) return null;
  return order === 'reported'
    ? decodeCursor(cursor, { reportedAt: 'time', revision: 'revision' })
    : decodeCursor(cursor, { revision: 'revision' });
}

export function nextHistoryCursor(
  order: 'revision' | 'reported',
  last: { revision: number; reportedAt: string },
): string {
  return order === 'reported'
    ? encodeCursor({ reportedAt: last.reportedAt, revision: last.revision })
    : encodeCursor({ revision: last.revision });
}
