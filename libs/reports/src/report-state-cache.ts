import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@tally/event-store';
import { Pool } from 'pg';
import { ReportState, evolve } from './domain';
import { asReportEvent, reportStreamId } from './report-stream';

export const REPORTS_POOL = Symbol('REPORTS_POOL');
export const REPORTS_EVENT_STORE = Symbol('REPORTS_EVENT_STORE');

/**
 * How much memory the states a process keeps from its own last writes may take: bounded by size,
 * not count, since one report may hold 200 figures, 100 sources and a 20 000-character summary.
 */
export const RECENT_STATES_BYTES = 32 * 1024 * 1024;

/**
 * A state's weight in memory: its JSON text's length times what V8's objects and strings take a
 * character of it (measured: heap used over a cache full of imported states, 4.4 bytes).
 */
function weightOf(state: ReportState): number {
  return JSON.stringify(state).length * 4.5;
}

/**
 * A cache of report states for the command side. Loads a report's state for a command. First from the states this process recorded last (a
 * command on a report just written needs no read); else from its current-report row, which
 * commits with the events. Either may be behind another process's write: the append's expected
 * version then refuses it, and the caller asks again `fresh`: the row, and any event later than
 * it folded in, so that a retry never decides on a state it has already lost against.
 */
@Injectable()
export class ReportStateCache {
  /** Least recently written first, each with its weight. */
  private readonly recent = new Map<string, { state: ReportState; bytes: number }>();
  private recentBytes = 0;

  constructor(
    @Inject(REPORTS_POOL) private readonly pool: Pool,
    @Inject(REPORTS_EVENT_STORE) readonly events: PostgresEventStore,
  ) {}

  /** What the kept states weigh, and how many there are. */
  get kept(): { readonly states: number; readonly bytes: number } {
    return { states: this.recent.size, bytes: this.recentBytes };
  }

  /** `remembered`: the state came from this process's memory, and may be behind. */
  async load(
    reportId: string,
    fresh = false,
  ): Promise<{ state: ReportState | null; remembered: boolean }> {
    if (!fresh) {
      const recent = this.recent.get(reportId);
      if (recent) return { state: recent.state, remembered: true };
    } else {
      this.forget(reportId);
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
    this.forget(state.id);
    const bytes = weightOf(state);
    if (bytes > RECENT_STATES_BYTES) return;
    this.recent.set(state.id, { state, bytes });
    this.recentBytes += bytes;
    while (this.recentBytes > RECENT_STATES_BYTES) {
      this.forget(this.recent.keys().next().value!);
    }
  }

  private forget(reportId: string): void {
    const kept = this.recent.get(reportId);
    if (!kept) return;
    this.recent.delete(reportId);
    this.recentBytes -= kept.bytes;
  }
}
