import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import {
  Change,
  ClaimBook,
  EMPTY_BOOK,
  entered,
  publisherOf,
  ReportNotFound,
  ReportState,
  RevisionKind,
  RevisionClaim,
  RevisionNotFound,
  Source,
} from './domain';
import { REPORTS_POOL } from './report-state-cache';
import { reportedState } from './reported-state';

/** Who recorded a revision, when, why, on what source, and what its kind was. */
export interface RevisionFacts {
  readonly revision: number;
  readonly kind: RevisionKind;
  readonly reason: string | null;
  readonly actor: string | null;
  readonly recordedAt: string;
  readonly reportedAt: string;
  readonly source: Source | null;
}

export interface StoredRevision extends RevisionFacts {
  readonly changes: readonly Change[];
  readonly claims: readonly RevisionClaim[];
  readonly hash: string;
  readonly state: ReportState;
}

/** The columns of `report_revisions r` that hold a revision's facts. */
export const FACT_COLUMNS = `r.revision, r.kind, r.reason, r.actor,
  ${isoText('r.recorded_at')} AS recorded_at, ${isoText('r.reported_at')} AS reported_at, r.source`;

/**
 * A time column as ISO 8601 UTC text with milliseconds, as the API shows times: formatted by the
 * database, so that a history of thousands of rows parses no date and formats none.
 */
export function isoText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A row with the fact columns, as `pg` reads them. */
export interface FactRow {
  revision: number;
  kind: RevisionKind;
  reason: string | null;
  actor: string | null;
  /** ISO 8601 UTC (`isoText`). */
  recorded_at: string;
  reported_at: string;
  source: Source | null;
}

export function factsOf(row: FactRow): RevisionFacts {
  return {
    revision: row.revision,
    kind: row.kind,
    reason: row.reason,
    actor: row.actor,
    recordedAt: row.recorded_at,
    reportedAt: row.reported_at,
    source: row.source,
  };
}

interface RevisionRow extends FactRow {
  changes: Change[];
  claims: RevisionClaim[];
  hash: string;
  state: ReportState;
}

const COLUMNS = `${FACT_COLUMNS}, r.changes, r.claims, r.hash`;

/** Which state of a report: after a revision, as recorded at a time, or (neither) now. */
export interface ReportAt {
  readonly revision?: number;
  readonly asOf?: Date;
  /** What the sources had said by this time (reported time), as recorded now or at `asOf`. */
  readonly reportedAsOf?: Date;
}

/** Reads the revision log: each revision and the state after it. */
@Injectable()
export class RevisionReader {
  constructor(@Inject(REPORTS_POOL) private readonly pool: Pool) {}

  async exists(reportId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM report_current WHERE report_id = $1',
      [reportId],
    );
    return rowCount === 1;
  }

  /** The last revision's number and hash as the revision log recorded them, or null. */
  async head(reportId: string): Promise<{ version: number; hash: string } | null> {
    const { rows } = await this.pool.query<{ version: number; hash: string }>(
      `SELECT revision AS version, hash FROM report_revisions WHERE report_id = $1
        ORDER BY revision DESC LIMIT 1`,
      [reportId],
    );
    return rows[0] ?? null;
  }

  async current(reportId: string): Promise<ReportState> {
    const { rows } = await this.pool.query<{ state: ReportState }>(
      'SELECT state FROM report_current WHERE report_id = $1',
      [reportId],
    );
    if (!rows[0]) throw new ReportNotFound(reportId);
    return rows[0].state;
  }

  async revision(reportId: string, revision: number): Promise<StoredRevision> {
    const { rows } = await this.pool.query<RevisionRow>(
      `SELECT ${COLUMNS}, r.state FROM report_revisions r WHERE report_id = $1 AND revision = $2`,
      [reportId, revision],
    );
    if (!rows[0])
      throw await this.missing(reportId, `report ${reportId} has no revision ${revision}`);
    return toStored(rows[0]);
  }

  /** The number of the revision `at` names: 404 for a report or revision not there. */
  async revisionAt(reportId: string, at: ReportAt): Promise<number> {
    const { rows } = await this.pool.query<{ revision: number }>(
      `SELECT revision FROM report_revisions
        WHERE report_id = $1 AND revision <= coalesce($2, 2147483647)
          AND recorded_at <= coalesce($3, 'infinity'::timestamptz)
        ORDER BY revision DESC LIMIT 1`,
      [reportId, at.revision ?? null, at.asOf ?? null],
    );
    const found = rows[0]?.revision;
    if (found !== undefined && (at.revision === undefined || found === at.revision)) return found;
    if (at.revision !== undefined) {
      throw await this.missing(reportId, `report ${reportId} has no revision ${at.revision}`);
    }
    if (at.asOf !== undefined) {
      throw await this.missing(
        reportId,
        `report ${reportId} did not exist at ${at.asOf.toISOString()}`,
      );
    }
    throw new ReportNotFound(reportId);
  }

  /**
   * The claim book after a revision, entered again from the revision log: each revision's
   * publisher, reported time, source and claims, oldest first (the same fold as the state's).
   */
  async claimBook(reportId: string, upTo: number, reported?: Date): Promise<ClaimBook> {
    const { rows } = await this.pool.query<{
      revision: number;
      reported_at: Date;
      source: Source | null;
      claims: RevisionClaim[];
    }>(
      `SELECT revision, reported_at, source, claims FROM report_revisions
        WHERE report_id = $1 AND revision <= $2
          AND reported_at <= coalesce($3, 'infinity'::timestamptz)
        ORDER BY revision`,
      [reportId, upTo, reported ?? null],
    );
    return rows.reduce(
      (book, row) =>
        entered(book, {
          publisher: publisherOf(row.source),
          reportedAt: row.reported_at.toISOString(),
          revision: row.revision,
          url: row.source?.url ?? null,
          claims: row.claims,
        }),
      EMPTY_BOOK,
    );
  }

  /**
   * The report as its sources had it at `reported` (as recorded by `asOf`, else now): among the
   * revisions reported by then, each figure is the claim the adoption rule picks (an update or
   * correction, the one reported last, ties to the later revision, after the figure's last
   * removal among them), each other field as the one reported last that changed it set it (else
   * as filed), the sources those revisions cited; its revision is the newest taken into account.
   * Read from the reported axis' read models (`reportedState`), not folded.
   */
  async reportedAsOf(reportId: string, reported: Date, asOf?: Date): Promise<ReportState> {
    const upTo = asOf ? await this.revisionAt(reportId, { asOf }) : undefined;
    const state = await reportedState(this.pool, reportId, reported, upTo);
    if (state) return state;
    throw await this.missing(
      reportId,
      `no revision of report ${reportId} was reported by ${reported.toISOString()}`,
    );
  }

  /** The state as the system had recorded it at `asOf`. */
  async asOf(reportId: string, asOf: Date): Promise<ReportState> {
    const { rows } = await this.pool.query<{ state: ReportState }>(
      `SELECT state FROM report_revisions WHERE report_id = $1 AND recorded_at <= $2
        ORDER BY revision DESC LIMIT 1`,
      [reportId, asOf],
    );
    if (!rows[0]) {
      throw await this.missing(
        reportId,
        `report ${reportId} did not exist at ${asOf.toISOString()}`,
      );
    }
    return rows[0].state;
  }

  async list(
    reportId: string,
    afterRevision: number,
    limit: number,
  ): Promise<Omit<StoredRevision, 'state'>[]> {
    const { rows } = await this.pool.query<Omit<RevisionRow, 'state'>>(
      `SELECT ${COLUMNS} FROM report_revisions r WHERE report_id = $1 AND revision > $2
        ORDER BY revision LIMIT $3`,
      [reportId, afterRevision, limit],
    );
    if (rows.length === 0 && !(await this.exists(reportId))) throw new ReportNotFound(reportId);
    return rows.map(toItem);
  }

  private async missing(reportId: string, detail: string): Promise<Error> {
    return (await this.exists(reportId))
      ? new RevisionNotFound(reportId, detail)
      : new ReportNotFound(reportId);
  }
}

function toStored(row: RevisionRow): StoredRevision {
  return { ...toItem(row), state: row.state };
}

function toItem(row: Omit<RevisionRow, 'state'>): Omit<StoredRevision, 'state'> {
  return { ...factsOf(row), changes: row.changes, claims: row.claims, hash: row.hash };
}
