import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@tally/event-store';
import { Pool } from 'pg';
import { ReportState, evolve } from './domain';
import { asReportEvent, reportStreamId } from './report-stream';

export const REPORTS_POOL = Symbol('REPORTS_POOL');
export const REPORTS_EVENT_STORE = Symbol('REPORTS_EVENT_STORE');

/**
 * Loads a report's state for a command from its current-report row, which commits with the
 * events (inline). After a conflict the caller asks for `caughtUp`: any event later than the row
 * is folded in too, so that a retry never decides on a state it has already lost against.
 */
@Injectable()
export class ReportStore {
  constructor(
    @Inject(REPORTS_POOL) private readonly pool: Pool,
    @Inject(REPORTS_EVENT_STORE) readonly events: PostgresEventStore,
  ) {}

  async load(reportId: string, caughtUp = false): Promise<ReportState | null> {
    const { rows } = await this.pool.query<{ state: ReportState }>({
      name: 'tally_report_load',
      text: 'SELECT state FROM report_current WHERE report_id = $1',
      values: [reportId],
    });
    let state = rows[0]?.state ?? null;
    if (!caughtUp) return state;
    const later = await this.events.readStream(reportStreamId(reportId), {
      fromVersion: (state?.revision ?? 0) + 1,
    });
    for (const recorded of later) {
      const { event, stamp } = asReportEvent(recorded);
      state = evolve(state, event, stamp);
    }
    return state;
  }
}
