import { PendingEvent, RecordedEvent } from '@tally/event-store';
import { reportProjections } from '../src/projections';
import { filedEvent, revised, stateAfter } from './decider-spec';
import { ReportState } from '../src/domain';
import { knownStates, knownStatesBefore } from '../src/projections/report-states';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const event = (reportId: string, version: number): RecordedEvent => ({
  globalPosition: String(version),
  transactionId: '1',
  streamId: `report-${reportId}`,
  streamVersion: version,
  type: 'ReportRevised',
  schemaVersion: 1,
  data: {},
  metadata: {},
  recordedAt: new Date(0),
  hash: '',
});
const at = (revision: number) => ({ id: A, revision }) as ReportState;

describe('what an appender knew, handed to the inline projections', () => {
  it('is the state before the batch when it is exactly one revision behind each report', () => {
    const known = knownStates(new Map([[A, at(3)]]));
    expect(knownStatesBefore([event(A, 4), event(A, 5)], known)).toEqual(new Map([[A, at(3)]]));
  });

  it('knows a report not filed yet as having no state', () => {
    expect(knownStatesBefore([event(A, 1)], knownStates(new Map([[A, null]])))).toEqual(new Map());
  });

  it('is not used when it is stale, partial or absent', () => {
    const known = knownStates(new Map([[A, at(3)]]));
    expect(knownStatesBefore([event(A, 5)], known)).toBeNull();
    expect(knownStatesBefore([event(A, 4), event(B, 2)], known)).toBeNull();
    expect(knownStatesBefore([event(A, 4)], undefined)).toBeNull();
    expect(knownStatesBefore([event(A, 4)], { states: new Map([[A, at(3)]]) })).toBeNull();
  });
});

describe('one fold per append', () => {
  it("is shared by the append's report projections, and found again for the answer", () => {
    const filed = stateAfter(filedEvent({}))!;
    const recordedAt = new Date('2026-11-21T00:00:00.000Z');
    const pending: PendingEvent[] = [
      {
        streamId: `report-${filed.id}`,
        streamVersion: 2,
        type: 'ReportRevised',
        schemaVersion: 2,
        data: revised({ details: { title: 'Strikes on Deir Ezzor' } }).data,
        metadata: {},
        recordedAt,
      },
    ];
    const decided = knownStates(new Map([[filed.id, filed]]));
    const statements = reportProjections().map((projection) =>
      projection.statement!(pending, decided, 11),
    );
    expect(statements.every((statement) => statement !== null)).toBe(true);
    // One fold and one diff, made by the first projection that needed them.
    expect(decided.folds.size).toBe(1);
    const folded = decided.folded(2, recordedAt)!;
    expect(folded.after).toMatchObject({ revision: 2, title: 'Strikes on Deir Ezzor' });
    expect(folded.changes).toEqual([
      { path: 'title', from: 'Strikes', to: 'Strikes on Deir Ezzor' },
    ]);
    expect(decided.folded(2, new Date(0))).toBeUndefined();
  });
});
