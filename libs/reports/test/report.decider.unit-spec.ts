import {
  Figure,
  InvalidRevision,
  ReportCommand,
  ReportEvent,
  ReportNotRetracted,
  ReportRetracted,
  decide,
  diffReports,
  evolve,
  figureKey,
  reportView,
} from '@tally/reports/domain';
import { REPORT_ID, adopted, filedEvent, given, revised, stateAfter } from './decider-spec';

const ID = REPORT_ID;

const figure = (measure: string, amount: Figure['amount'], dimensions = {}): Figure => ({
  key: figureKey(measure, dimensions),
  measure,
  dimensions,
  amount,
});

const SOHR = { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' };

const filed: ReportEvent = {
  type: 'ReportFiled',
  data: {
    title: 'US airstrikes on 27 positions in Deir Ezzor',
    summary: null,
    location: 'Deir Ezzor',
    occurredAt: '2026-11-20T00:00:00.000Z',
    figures: [figure('killed', 18), figure('positions_targeted', 27)],
    reason: 'first report',
    reportedAt: null,
    source: SOHR,
  },
};

const revise = (fields: Partial<Extract<ReportCommand, { type: 'ReviseReport' }>>) =>
  ({ type: 'ReviseReport', reason: 'bodies retrieved', ...fields }) as ReportCommand;

const retracted: ReportEvent = {
  type: 'ReportRetracted',
  data: { reason: 'wrong town', reportedAt: null, source: null },
};

describe('decide', () => {
  describe('FileReport', () => {
    it('files a report with canonical figure keys', () => {
      given()
        .when({
          type: 'FileReport',
          title: 'Strikes',
          figures: [
            { measure: 'killed', dimensions: { nationality: 'Syrian', location: 'X' }, value: 9 },
            { measure: 'injured', min: 3, max: 5 },
          ],
        })
        .then([
          filedEvent({
            figures: [
              {
                key: 'killed{location=X,nationality=Syrian}',
                measure: 'killed',
                dimensions: { location: 'X', nationality: 'Syrian' },
                amount: 9,
              },
              { key: 'injured', measure: 'injured', dimensions: {}, amount: { min: 3, max: 5 } },
            ],
          }),
        ]);
    });

    it.each([
      [{ measure: 'Killed', value: 1 }, 'figures[0].measure'],
      [{ measure: 'killed', value: -1 }, 'figures[0].value'],
      [{ measure: 'killed', value: 1.5 }, 'figures[0].value'],
      [{ measure: 'killed', min: 5, max: 3 }, 'figures[0].min'],
      [{ measure: 'killed', value: 1, min: 1, max: 2 }, 'figures[0]'],
      [{ measure: 'killed' }, 'figures[0]'],
      [
        { measure: 'killed', dimensions: { a: '1', b: '2', c: '3', d: '4' }, value: 1 },
        'figures[0].dimensions',
      ],
      [
        { measure: 'killed', dimensions: { place: 'a{b' }, value: 1 },
        'figures[0].dimensions.place',
      ],
      [
        { measure: 'killed', dimensions: { 'pl=ace': 'a' }, value: 1 },
        'figures[0].dimensions.pl=ace',
      ],
      [
        { measure: 'killed', dimensions: { constructor: 'Syrian' }, value: 1 },
        'figures[0].dimensions',
      ],
      [{ measure: 'k'.repeat(65), value: 1 }, 'figures[0].measure'],
    ])('refuses the figure %j at %s', (input, path) => {
      given()
        .when({ type: 'FileReport', title: 'T', figures: [input] })
        .thenRefused(InvalidRevision, {
          errors: expect.arrayContaining([expect.objectContaining({ path })]),
        });
    });

    it('refuses two figures with the same key', () => {
      given()
        .when({
          type: 'FileReport',
          title: 'T',
          figures: [
            { measure: 'killed', dimensions: { a: '1', b: '2' }, value: 1 },
            { measure: 'killed', dimensions: { b: '2', a: '1' }, value: 2 },
          ],
        })
        .thenRefused(InvalidRevision, {
          errors: [{ path: 'figures[1]', message: 'same key as figures[0]' }],
        });
    });

    it('refuses more than 200 figures', () => {
      const figures = Array.from({ length: 201 }, (_, i) => ({ measure: `m${i}`, value: i }));
      given()
        .when({ type: 'FileReport', title: 'T', figures })
        .thenRefused(InvalidRevision, {
          errors: [{ path: 'figures', message: 'a report has at most 200 figures' }],
        });
    });

    it('refuses an empty title', () => {
      given()
        .when({ type: 'FileReport', title: '  ' })
        .thenRefused(InvalidRevision, {
          errors: [{ path: 'title', message: 'must not be empty' }],
        });
    });
  });

  describe('ReviseReport', () => {
    it('records the toll rising with its breakdown', () => {
      given(filed)
        .when(
          revise({
            source: SOHR,
            figures: [
              { measure: 'killed', value: 23 },
              { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: 13 },
              { measure: 'positions_targeted', value: 27 },
            ],
          }),
        )
        .then([
          {
            type: 'ReportRevised',
            data: {
              kind: 'update',
              reason: 'bodies retrieved',
              reportedAt: null,
              source: SOHR,
              details: {},
              claims: [
                adopted(figure('killed', 23)),
                adopted(figure('killed', 13, { location: 'Al-Mayadeen' })),
              ],
              removedFigures: [],
            },
          },
        ]);
    });

    it('records nothing for a revision that changes nothing', () => {
      given(filed)
        .when(
          revise({
            set: { title: 'US airstrikes on 27 positions in Deir Ezzor', location: 'Deir Ezzor' },
            figures: [{ measure: 'killed', value: 18 }],
            source: { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' },
          }),
        )
        .thenNothing();
    });

    it('records a new source confirming an unchanged toll', () => {
      given(filed)
        .when(revise({ source: { url: 'https://example.org/b', publisher: 'B' } }))
        .thenMatches([
          {
            type: 'ReportRevised',
            data: { source: { url: 'https://example.org/b' }, claims: [] },
          },
        ]);
    });

    it('requires a reason', () => {
      given(filed)
        .when(revise({ reason: ' ' }))
        .thenRefused(InvalidRevision, { errors: [{ path: 'reason', message: 'is required' }] });
    });

    it('takes only update and correction as its kind', () => {
      given(filed)
        .when(revise({ kind: 'retraction' as 'update' }))
        .thenRefused(InvalidRevision);
    });

    it('does not retract through set', () => {
      given(filed)
        .when(revise({ set: { status: 'retracted' as 'confirmed' } }))
        .thenRefused(InvalidRevision);
    });

    it('removes a figure that exists', () => {
      given(filed)
        .when(revise({ kind: 'correction', removeFigures: ['positions_targeted'] }))
        .thenMatches([{ data: { kind: 'correction', removedFigures: ['positions_targeted'] } }]);
    });

    it('refuses to remove a figure that does not exist', () => {
      given(filed)
        .when(revise({ removeFigures: ['injured'] }))
        .thenRefused(InvalidRevision, {
          errors: [{ path: 'removeFigures[0]', message: 'no such figure' }],
        });
    });

    const citing = (n: number) => revised({ source: { url: `https://example.org/${n}` } });
    const hundredSources = [filed, ...Array.from({ length: 99 }, (_, n) => citing(n))];

    it('refuses a 101st source', () => {
      expect(stateAfter(...hundredSources)?.sources).toHaveLength(100);
      given(...hundredSources)
        .when(
          revise({
            source: { url: 'https://example.org/new' },
            figures: [{ measure: 'killed', value: 19 }],
          }),
        )
        .thenRefused(InvalidRevision, {
          errors: [{ path: 'source', message: 'a report cites at most 100 sources' }],
        });
    });

    it('still takes a source already cited when a report has 100', () => {
      given(...hundredSources)
        .when(
          revise({
            source: { url: 'https://example.org/5' },
            figures: [{ measure: 'killed', value: 19 }],
          }),
        )
        .thenMatches([
          { type: 'ReportRevised', data: { claims: [adopted(figure('killed', 19))] } },
        ]);
    });

    it('takes no revision on a retracted report', () => {
      given(filed, retracted)
        .when(revise({ set: { title: 'x' } }))
        .thenRefused(ReportRetracted);
    });
  });

  describe('RetractReport and RestoreReport', () => {
    const confirmed = revised({ reason: 'confirmed', details: { status: 'confirmed' } });

    it('retracts a report', () => {
      given(filed, confirmed)
        .when({ type: 'RetractReport', reason: 'duplicate' })
        .then([
          {
            type: 'ReportRetracted',
            data: { reason: 'duplicate', reportedAt: null, source: null },
          },
        ]);
    });

    it('does not retract a retracted report', () => {
      given(filed, confirmed, retracted)
        .when({ type: 'RetractReport', reason: 'again' })
        .thenRefused(ReportRetracted);
    });

    it('restores to the status before the retraction', () => {
      given(filed, confirmed, retracted)
        .when({ type: 'RestoreReport', reason: 'not a duplicate' })
        .thenMatches([{ type: 'ReportRestored', data: { status: 'confirmed' } }]);
    });

    it('restores only a retracted report', () => {
      given(filed).when({ type: 'RestoreReport', reason: 'x' }).thenRefused(ReportNotRetracted);
    });

    it('needs a reason to retract', () => {
      given(filed)
        .when({ type: 'RetractReport' })
        .thenRefused(InvalidRevision, { errors: [{ path: 'reason', message: 'is required' }] });
    });
  });
});

describe('evolve', () => {
  it('folds a retraction and a restoration back to the status before', () => {
    const confirmed = revised({ reason: 'confirmed', details: { status: 'confirmed' } });
    const restored: ReportEvent = {
      type: 'ReportRestored',
      data: { reason: 'not a duplicate', reportedAt: null, source: null, status: 'confirmed' },
    };
    expect(stateAfter(filed, confirmed, retracted)?.status).toBe('retracted');
    expect(stateAfter(filed, confirmed, retracted, restored)?.status).toBe('confirmed');
  });
});

describe('evolve and diffReports', () => {
  it('lists what a revision changed, figures by key and new sources', () => {
    const before = stateAfter(filed)!;
    const [event] = decide(
      revise({
        set: { summary: 'toll rose' },
        figures: [
          { measure: 'killed', value: 23 },
          { measure: 'injured', min: 3, max: 5 },
        ],
        removeFigures: ['positions_targeted'],
        source: { url: 'https://example.org/b' },
      }),
      before,
    );
    const after = evolve(before, event, {
      reportId: ID,
      revision: 2,
      recordedAt: '2026-11-21T00:00:00.000Z',
    });
    expect(diffReports(before, after)).toEqual([
      { path: 'summary', from: null, to: 'toll rose' },
      { path: 'figures.injured', from: null, to: { min: 3, max: 5 } },
      { path: 'figures.killed', from: 18, to: 23 },
      { path: 'figures.positions_targeted', from: 27, to: null },
      { path: 'sources.https://example.org/b', from: null, to: { url: 'https://example.org/b' } },
    ]);
    const by = { publisher: 'example.org', reportedAt: '2026-11-21T00:00:00.000Z' };
    expect(reportView(after).figures).toEqual([
      { key: 'injured', measure: 'injured', dimensions: {}, min: 3, max: 5, ...by },
      { key: 'killed', measure: 'killed', dimensions: {}, value: 23, ...by },
    ]);
    expect(after.sources.map((s) => s.url)).toEqual([
      'https://www.syriahr.com/en/1',
      'https://example.org/b',
    ]);
  });

  it('leaves out fields changed and changed back', () => {
    const events = [
      filed,
      revised({ details: { title: 'Strikes elsewhere' }, claims: [adopted(figure('killed', 23))] }),
      revised({
        details: { title: 'US airstrikes on 27 positions in Deir Ezzor', summary: 'toll rose' },
        claims: [adopted(figure('killed', 18))],
      }),
    ];
    const first = stateAfter(events[0])!;
    const middle = stateAfter(...events.slice(0, 2))!;
    const last = stateAfter(...events)!;
    expect(diffReports(first, middle).map((change) => change.path)).toEqual([
      'title',
      'figures.killed',
    ]);
    // Title and toll went back to what they were: only the summary differs, net.
    expect(diffReports(first, last)).toEqual([{ path: 'summary', from: null, to: 'toll rose' }]);
  });
});
