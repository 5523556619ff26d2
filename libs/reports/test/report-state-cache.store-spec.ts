import { PostgresEventStore } from '@tally/event-store';
import { RECENT_STATES_BYTES, ReportStateCache } from '@tally/reports/report-state-cache';
import { ReportState } from '@tally/reports/domain';
import { useTestDatabase } from '../../../test/support/test-database';

describe('ReportStateCache: the states a process keeps from its own writes', () => {
  const db = useTestDatabase();

  const state = (n: number, summaryLength: number): ReportState => ({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    revision: 1,
    status: 'developing',
    statusBeforeRetraction: null,
    title: `report ${n}`,
    summary: 'x'.repeat(summaryLength),
    location: null,
    occurredAt: null,
    figures: [],
    sources: [],
    claims: [],
    publishers: [],
    createdAt: '2026-11-20T00:00:00.000Z',
    updatedAt: '2026-11-20T00:00:00.000Z',
  });

  it('keeps them within a budget of bytes, forgetting the least recently written first', async () => {
    const reports = new ReportStateCache(db.pool, new PostgresEventStore(db.pool));
    // Large reports: a count of states would let these take gigabytes.
    const large = 1024 * 1024;
    for (let n = 1; n <= 40; n++) reports.remember(state(n, large));
    expect(reports.kept.bytes).toBeLessThanOrEqual(RECENT_STATES_BYTES);
    expect(reports.kept.states).toBeGreaterThan(5);
    expect(reports.kept.states).toBeLessThan(40);
    expect((await reports.load(state(40, 0).id)).remembered).toBe(true);
    expect((await reports.load(state(1, 0).id)).remembered).toBe(false);

    // Many small ones fit where few large ones did.
    for (let n = 100; n < 2100; n++) reports.remember(state(n, 100));
    expect(reports.kept.states).toBeGreaterThanOrEqual(2000);
    expect(reports.kept.bytes).toBeLessThanOrEqual(RECENT_STATES_BYTES);
  });
});
