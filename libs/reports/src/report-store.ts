import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@tally/event-store';
import { Pool } from 'pg';
import { ReportState, evolve } from './domain';
import { asReportEvent, reportStreamId } from './report-stream';

export const REPORTS_POOL = Symbol('REPORTS_POOL');
export const REPORTS_EVENT_STORE = Symbol('REPORTS_EVENT_STORE');

/** How many reports' states a process keeps from its own last writes. */
const RECENT_STATES = 10_000;

/**
 * Loads a report's state for a command. First from the states this process recorded last (a
 * command on a report just written needs no read); else from its current-report row, which
 * commits with the events. Either may be behind another process's write: the append's expected
 * version then refuses it, and the caller asks again `fresh`: the row, and any event later than
 * it folded in, so that a retry never decides on a state it has already lost against.
 */
@Injectable()
export class ReportStore {
  private readonly recent = new Map<string, ReportState>();

  constructor(
    @Inject(REPORTS_POOL) private readonly pool: Pool,
    @Inject(REPORTS_EVENT_STORE) readonly events: PostgresEventStore,
  ) {}

  /** `remembered`: the state came from this process's memory, and may be behind. */
  async load(
    reportId: string,
    fresh = false,
  ): Promise<{ state: ReportState | null; remembered: boolean }> {
    if (!fresh) {
      const recent = this.recent.get(reportId);
      if (recent) return { state: recent, remembered: true };
    } else {
      this.recent.delete(reportId);
    }
    return { state: await this.read(reportId, fresh), remembered: false };
  }

  private async read(reportId: string, fresh: boolean): Promise<ReportState | null> {
    const { rows } = await this.pool.query<{ state: ReportState }>({
      name: 'tally_report_load',
      text: 'SELECT state FROM report_current WHERE report_id = $1',
      values: [reportId],
    });
    let state = rows[0]?.state ?? null;
    if (!fresh) return state;
    const later = await this.events.readStream(reportStreamId(reportId), {
      fromVersion: (state?.revision ?? 0) + 1,
    });
    for (const recorded of later) {
      const { event, stamp } = asReportEvent(recorded);
      state = evolve(state, event, stamp);
    }
    return state;
  }

  /** The state a command of this process has just recorded. */
  remember(state: ReportState): void {
    this.recent.delete(state.id);
    this.recent.set(state.id, state);
    if (this.recent.size > RECENT_STATES) {
      this.recent.delete(this.recent.keys().next().value!);
    }
  }
}
