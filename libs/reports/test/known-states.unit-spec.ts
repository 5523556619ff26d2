import { RecordedEvent } from '@tally/event-store';
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
