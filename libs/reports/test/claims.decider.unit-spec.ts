import {
  InvalidRevision,
  ReportCommand,
  ReportEvent,
  ReportRetracted,
  publisherOf,
  revisionClaims,
  sourcesView,
  figureSourcesView,
  bookOf,
} from '@tally/reports/domain';
import { adopted, filedEvent, given, revised, stateAfter } from './decider-spec';

const SOHR = { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' };
const REUTERS = { url: 'https://www.reuters.com/world/1', publisher: 'Reuters' };
const STATE_TV = { url: 'https://state.example/news/1', publisher: 'State TV' };

const killed = (amount: number) => ({
  key: 'killed',
  measure: 'killed',
  dimensions: {},
  amount,
});

/** SOHR: 18 in the morning, 23 in the evening. */
const filed = filedEvent({
  title: 'Strikes',
  figures: [killed(18)],
  source: SOHR,
  reportedAt: '2026-11-20T06:00:00.000Z',
});
const rose = revised({
  reason: 'bodies retrieved',
  source: SOHR,
  reportedAt: '2026-11-20T18:00:00.000Z',
  claims: [adopted(killed(23))],
});

const update = (fields: Partial<Extract<ReportCommand, { type: 'ReviseReport' }>>) =>
  ({ type: 'ReviseReport', reason: 'new figures', ...fields }) as ReportCommand;
const claim = (fields: Partial<Extract<ReportCommand, { type: 'RecordClaims' }>>) =>
  ({ type: 'RecordClaims', reason: 'for comparison', ...fields }) as ReportCommand;
type Source = typeof SOHR;
/** An update in which `source` puts the toll at `value`, as it said at `reportedAt`. */
const tollUpdate = (source: Source, value: number, reportedAt: string, kind?: 'correction') =>
  update({ source, reportedAt, figures: [{ measure: 'killed', value }], ...(kind && { kind }) });
/** A claim revision in which `source` puts the toll at `value`. */
const tollClaim = (source: Source, value: number, reportedAt: string) =>
  claim({ source, reportedAt, figures: [{ measure: 'killed', value }] });

describe('claims and adoption', () => {
  it('records a late update as a claim that is not adopted', () => {
    given(filed, rose)
      .when(tollUpdate(REUTERS, 20, '2026-11-20T12:00:00.000Z'))
      .thenMatches([{ data: { kind: 'update', claims: [{ ...killed(20), adopted: false }] } }]);
  });

  it('never lowers a toll with a late claim', () => {
    const late = revised({
      source: REUTERS,
      reportedAt: '2026-11-20T12:00:00.000Z',
      claims: [{ ...killed(20), adopted: false }],
    });
    const after = stateAfter(filed, rose, late)!;
    expect(after.figures).toMatchObject([{ key: 'killed', amount: 23, publisher: 'SOHR' }]);
    expect(revisionClaims(late, { reportId: after.id, revision: 3, recordedAt: 'x' })).toEqual([
      {
        key: 'killed',
        publisher: 'Reuters',
        amount: 20,
        reportedAt: '2026-11-20T12:00:00.000Z',
        adopted: false,
        late: true,
      },
    ]);
  });

  it('lowers the toll with a correction published later', () => {
    given(filed, rose)
      .when(tollUpdate(REUTERS, 20, '2026-11-20T20:00:00.000Z', 'correction'))
      .thenMatches([{ data: { kind: 'correction', claims: [adopted(killed(20))] } }]);
  });

  it('keeps a correction reported earlier than the adopted claim late', () => {
    given(filed, rose)
      .when(tollUpdate(REUTERS, 20, '2026-11-20T07:00:00.000Z', 'correction'))
      .thenMatches([{ data: { claims: [{ ...killed(20), adopted: false }] } }]);
  });

  it('adopts a claim reported at the same time as the adopted one: the later revision wins', () => {
    given(filed, rose)
      .when(tollUpdate(REUTERS, 24, '2026-11-20T18:00:00.000Z'))
      .thenMatches([{ data: { claims: [adopted(killed(24))] } }]);
  });

  it('adopts an update without a reported time: its source said it when it is recorded', () => {
    given(filed, rose)
      .when(update({ source: REUTERS, figures: [{ measure: 'killed', value: 24 }] }))
      .thenMatches([{ data: { claims: [adopted(killed(24))] } }]);
  });

  it("does not take a repeat of a publisher's latest claim for a new one", () => {
    given(filed, rose)
      .when(tollUpdate(SOHR, 23, '2026-11-21T08:00:00.000Z'))
      .thenNothing();
  });

  it('records the same amount from another publisher: a new claim, adopted, no change', () => {
    given(filed, rose)
      .when(tollUpdate(REUTERS, 23, '2026-11-21T08:00:00.000Z'))
      .thenMatches([{ data: { claims: [adopted(killed(23))] } }]);
  });

  it('compares a claim with the latest of its publisher by reported time, not by revision', () => {
    // SOHR's latest is 23 (18:00); a backfilled SOHR 18 from the morning is its earlier claim again.
    given(filed, rose)
      .when(tollUpdate(SOHR, 18, '2026-11-20T05:00:00.000Z'))
      .thenMatches([{ data: { claims: [{ ...killed(18), adopted: false }] } }]);
  });
});

describe('claim revisions', () => {
  it('records what a source said, never adopted', () => {
    given(filed, rose)
      .when(tollClaim(STATE_TV, 18, '2026-11-21T08:00:00.000Z'))
      .then([
        {
          type: 'ReportRevised',
          data: {
            kind: 'claim',
            reason: 'for comparison',
            reportedAt: '2026-11-21T08:00:00.000Z',
            source: STATE_TV,
            details: {},
            claims: [{ ...killed(18), adopted: false }],
            removedFigures: [],
          },
        },
      ]);
  });

  it('changes no figure', () => {
    const claimed = revised({
      kind: 'claim',
      source: STATE_TV,
      reportedAt: '2026-11-21T08:00:00.000Z',
      claims: [{ ...killed(18), adopted: false }],
    });
    const before = stateAfter(filed, rose)!;
    const after = stateAfter(filed, rose, claimed)!;
    expect(after.figures).toEqual(before.figures);
    expect(figureSourcesView(bookOf(after), after.figures, 'killed')).toMatchObject({
      adopted: { amount: 23, publisher: 'SOHR', revision: 2 },
      range: { min: 18, max: 23 },
      claims: [
        { publisher: 'SOHR', amount: 23, adopted: true },
        { publisher: 'State TV', amount: 18, adopted: false, url: STATE_TV.url },
      ],
    });
    const late = revisionClaims(claimed, { reportId: after.id, revision: 3, recordedAt: 'x' });
    expect(late).toMatchObject([{ adopted: false, late: false }]);
  });

  it('records nothing for a repeat of the same claim', () => {
    const claimed = revised({
      kind: 'claim',
      source: STATE_TV,
      claims: [{ ...killed(18), adopted: false }],
    });
    given(filed, rose, claimed)
      .when(claim({ source: STATE_TV, figures: [{ measure: 'killed', value: 18 }] }))
      .thenNothing();
  });

  it('needs a source and at least one figure', () => {
    given(filed)
      .when(claim({ figures: [{ measure: 'killed', value: 18 }] }))
      .thenRefused(InvalidRevision, { errors: [{ path: 'source', message: 'is required' }] });
    given(filed)
      .when(claim({ source: STATE_TV, figures: [] }))
      .thenRefused(InvalidRevision, { errors: [{ path: 'figures' }] });
  });

  it('is refused on a retracted report', () => {
    const retracted: ReportEvent = {
      type: 'ReportRetracted',
      data: { reason: 'wrong town', reportedAt: null, source: null },
    };
    given(filed, retracted)
      .when(claim({ source: STATE_TV, figures: [{ measure: 'killed', value: 1 }] }))
      .thenRefused(ReportRetracted);
  });
});

describe('removing a figure', () => {
  it('removes the adopted figure and keeps its claims', () => {
    const removed = revised({ removedFigures: ['killed'] });
    const after = stateAfter(filed, rose, removed)!;
    expect(after.figures).toEqual([]);
    expect(figureSourcesView(bookOf(after), after.figures, 'killed')).toMatchObject({
      adopted: null,
      claims: [{ publisher: 'SOHR', amount: 23, adopted: false }],
    });
  });
});

describe('publishers', () => {
  it('are named by their publisher, else the host of their URL, else unattributed', () => {
    expect(publisherOf({ url: 'https://a.example/x', publisher: '  SOHR ' })).toBe('SOHR');
    expect(publisherOf({ url: 'https://a.example:8443/x' })).toBe('a.example:8443');
    expect(publisherOf({ url: 'https://a.example/x', publisher: ' ' })).toBe('a.example');
    expect(publisherOf(null)).toBe('unattributed');
  });

  it('are listed in the order first cited, each with its latest claim per key', () => {
    const claimed = revised({
      kind: 'claim',
      source: STATE_TV,
      reportedAt: '2026-11-21T08:00:00.000Z',
      claims: [{ ...killed(18), adopted: false }],
    });
    expect(sourcesView(bookOf(stateAfter(filed, rose, claimed)!))).toEqual([
      {
        publisher: 'SOHR',
        urls: [SOHR.url],
        firstReportedAt: '2026-11-20T06:00:00.000Z',
        lastReportedAt: '2026-11-20T18:00:00.000Z',
        figures: [
          { key: 'killed', amount: 23, reportedAt: '2026-11-20T18:00:00.000Z', revision: 2 },
        ],
      },
      {
        publisher: 'State TV',
        urls: [STATE_TV.url],
        firstReportedAt: '2026-11-21T08:00:00.000Z',
        lastReportedAt: '2026-11-21T08:00:00.000Z',
        figures: [
          { key: 'killed', amount: 18, reportedAt: '2026-11-21T08:00:00.000Z', revision: 3 },
        ],
      },
    ]);
  });
});
