import {
  Figure,
  InvalidRevision,
  ReportCommand,
  ReportEvent,
  ReportNotRetracted,
  ReportRetracted,
  ReportState,
  decide,
  diffReports,
  evolve,
  figureKey,
  reportView,
} from '@tally/reports/domain';

const ID = '5b0d7f0e-8d7a-4c1e-9a55-1f0a3a1b2c3d';

/** Folds events as the store would number and stamp them. */
function given(...events: ReportEvent[]): ReportState | null {
  return events.reduce<ReportState | null>(
    (state, event, i) =>
      evolve(state, event, {
        reportId: ID,
        revision: i + 1,
        recordedAt: `2026-11-20T2${i}:00:00.000Z`,
      }),
    null,
  );
}

const figure = (measure: string, amount: Figure['amount'], dimensions = {}): Figure => ({
  key: figureKey(measure, dimensions),
  measure,
  dimensions,
  amount,
});

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
    source: { url: 'https://www.syriahr.com/en/1', publisher: 'SOHR' },
  },
};

const revise = (fields: Partial<Extract<ReportCommand, { type: 'ReviseReport' }>>) =>
  ({ type: 'ReviseReport', reason: 'bodies retrieved', ...fields }) as ReportCommand;

function rejection(command: ReportCommand, state: ReportState | null): unknown {
  try {
    decide(command, state);
  } catch (error) {
    return error;
  }
  throw new Error('expected the command to be refused');
}

describe('decide', () => {
  describe('FileReport', () => {
    it('files a report with canonical figure keys', () => {
      const events = decide(
        {
          type: 'FileReport',
          title: 'Strikes',
          figures: [
            { measure: 'killed', dimensions: { nationality: 'Syrian', location: 'X' }, value: 9 },
            { measure: 'injured', min: 3, max: 5 },
          ],
        },
        null,
      );
      expect(events).toEqual([
        {
          type: 'ReportFiled',
          data: {
            title: 'Strikes',
            summary: null,
            location: null,
            occurredAt: null,
            reason: null,
            reportedAt: null,
            source: null,
            figures: [
              {
                key: 'killed{location=X,nationality=Syrian}',
                measure: 'killed',
                dimensions: { location: 'X', nationality: 'Syrian' },
                amount: 9,
              },
              { key: 'injured', measure: 'injured', dimensions: {}, amount: { min: 3, max: 5 } },
            ],
          },
        },
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
      [{ measure: 'k'.repeat(65), value: 1 }, 'figures[0].measure'],
    ])('refuses the figure %j at %s', (input, path) => {
      const error = rejection({ type: 'FileReport', title: 'T', figures: [input] }, null);
      expect(error).toBeInstanceOf(InvalidRevision);
      expect((error as InvalidRevision).errors.map((e) => e.path)).toContain(path);
    });

    it('refuses two figures with the same key', () => {
      const error = rejection(
        {
          type: 'FileReport',
          title: 'T',
          figures: [
            { measure: 'killed', dimensions: { a: '1', b: '2' }, value: 1 },
            { measure: 'killed', dimensions: { b: '2', a: '1' }, value: 2 },
          ],
        },
        null,
      );
      expect((error as InvalidRevision).errors).toEqual([
        { path: 'figures[1]', message: 'same key as figures[0]' },
      ]);
    });

    it('refuses more than 200 figures, and an empty title', () => {
      const figures = Array.from({ length: 201 }, (_, i) => ({ measure: `m${i}`, value: i }));
      expect(rejection({ type: 'FileReport', title: 'T', figures }, null)).toBeInstanceOf(
        InvalidRevision,
      );
      expect(rejection({ type: 'FileReport', title: '  ' }, null)).toBeInstanceOf(InvalidRevision);
    });
  });

  describe('ReviseReport', () => {
    it('records the toll rising with its breakdown', () => {
      const events = decide(
        revise({
          figures: [
            { measure: 'killed', value: 23 },
            { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: 13 },
            { measure: 'positions_targeted', value: 27 },
          ],
        }),
        given(filed),
      );
      expect(events).toEqual([
        {
          type: 'ReportRevised',
          data: {
            kind: 'update',
            reason: 'bodies retrieved',
            reportedAt: null,
            source: null,
            details: {},
            figures: [figure('killed', 23), figure('killed', 13, { location: 'Al-Mayadeen' })],
            removedFigures: [],
          },
        },
      ]);
    });

    it('records nothing for a revision that changes nothing', () => {
      const state = given(filed);
      expect(
        decide(
          revise({
            set: { title: 'US airstrikes on 27 positions in Deir Ezzor', location: 'Deir Ezzor' },
            figures: [{ measure: 'killed', value: 18 }],
            source: { url: 'https://www.syriahr.com/en/1' },
          }),
          state,
        ),
      ).toEqual([]);
    });

    it('records a new source confirming an unchanged toll', () => {
      const events = decide(
        revise({ source: { url: 'https://example.org/b', publisher: 'B' } }),
        given(filed),
      );
      expect(events).toHaveLength(1);
    });

    it('requires a reason, a known kind and no retraction through set', () => {
      const state = given(filed);
      expect((rejection(revise({ reason: ' ' }), state) as InvalidRevision).errors).toEqual([
        { path: 'reason', message: 'is required' },
      ]);
      expect(rejection(revise({ kind: 'retraction' }), state)).toBeInstanceOf(InvalidRevision);
      expect(rejection(revise({ set: { status: 'retracted' } }), state)).toBeInstanceOf(
        InvalidRevision,
      );
    });

    it('removes figures that exist, and only those', () => {
      const state = given(filed);
      const [event] = decide(
        revise({ kind: 'correction', removeFigures: ['positions_targeted'] }),
        state,
      );
      expect(event).toMatchObject({
        data: { kind: 'correction', removedFigures: ['positions_targeted'] },
      });
      const error = rejection(revise({ removeFigures: ['injured'] }), state) as InvalidRevision;
      expect(error.errors).toEqual([{ path: 'removeFigures[0]', message: 'no such figure' }]);
    });

    it('cites at most 100 sources: a new one past them is refused, a known one still taken', () => {
      const citing = (n: number): ReportEvent => ({
        type: 'ReportRevised',
        data: {
          kind: 'update',
          reason: 'another outlet',
          reportedAt: null,
          source: { url: `https://example.org/${n}` },
          details: {},
          figures: [],
          removedFigures: [],
        },
      });
      const full = given(filed, ...Array.from({ length: 99 }, (_, n) => citing(n)))!;
      expect(full.sources).toHaveLength(100);
      const error = rejection(
        revise({
          source: { url: 'https://example.org/new' },
          figures: [{ measure: 'killed', value: 19 }],
        }),
        full,
      ) as InvalidRevision;
      expect(error.errors).toEqual([
        { path: 'source', message: 'a report cites at most 100 sources' },
      ]);
      expect(
        decide(
          revise({
            source: { url: 'https://example.org/5' },
            figures: [{ measure: 'killed', value: 19 }],
          }),
          full,
        ),
      ).toHaveLength(1);
    });

    it('takes no revision on a retracted report', () => {
      const retracted = given(filed, {
        type: 'ReportRetracted',
        data: { reason: 'wrong town', reportedAt: null, source: null },
      });
      expect(rejection(revise({ set: { title: 'x' } }), retracted)).toBeInstanceOf(ReportRetracted);
    });
  });

  describe('RetractReport and RestoreReport', () => {
    it('retracts, then restores to the status before the retraction', () => {
      const confirmed: ReportEvent = {
        type: 'ReportRevised',
        data: {
          kind: 'update',
          reason: 'confirmed',
          reportedAt: null,
          source: null,
          details: { status: 'confirmed' },
          figures: [],
          removedFigures: [],
        },
      };
      const [retraction] = decide(
        { type: 'RetractReport', reason: 'duplicate' },
        given(filed, confirmed),
      );
      expect(retraction.type).toBe('ReportRetracted');
      const retracted = given(filed, confirmed, retraction);
      expect(retracted?.status).toBe('retracted');
      expect(rejection({ type: 'RetractReport', reason: 'again' }, retracted)).toBeInstanceOf(
        ReportRetracted,
      );
      const [restoration] = decide({ type: 'RestoreReport', reason: 'not a duplicate' }, retracted);
      expect(restoration).toMatchObject({ type: 'ReportRestored', data: { status: 'confirmed' } });
      expect(given(filed, confirmed, retraction, restoration)?.status).toBe('confirmed');
    });

    it('restores only a retracted report and needs a reason', () => {
      expect(rejection({ type: 'RestoreReport', reason: 'x' }, given(filed))).toBeInstanceOf(
        ReportNotRetracted,
      );
      expect(rejection({ type: 'RetractReport' }, given(filed))).toBeInstanceOf(InvalidRevision);
    });
  });
});

describe('evolve and diffReports', () => {
  it('lists what a revision changed, figures by key and new sources', () => {
    const before = given(filed)!;
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
    expect(reportView(after).figures).toEqual([
      { key: 'injured', measure: 'injured', dimensions: {}, min: 3, max: 5 },
      { key: 'killed', measure: 'killed', dimensions: {}, value: 23 },
    ]);
    expect(after.sources.map((s) => s.url)).toEqual([
      'https://www.syriahr.com/en/1',
      'https://example.org/b',
    ]);
  });

  it('leaves out fields changed and changed back', () => {
    const revised = (data: Partial<Extract<ReportEvent, { type: 'ReportRevised' }>['data']>) =>
      ({
        type: 'ReportRevised',
        data: {
          kind: 'update',
          reason: 'r',
          reportedAt: null,
          source: null,
          details: {},
          figures: [],
          removedFigures: [],
          ...data,
        },
      }) as ReportEvent;
    const events = [
      filed,
      revised({ details: { title: 'Strikes elsewhere' }, figures: [figure('killed', 23)] }),
      revised({
        details: { title: 'US airstrikes on 27 positions in Deir Ezzor', summary: 'toll rose' },
        figures: [figure('killed', 18)],
      }),
    ];
    const first = given(events[0])!;
    const middle = given(...events.slice(0, 2))!;
    const last = given(...events)!;
    expect(diffReports(first, middle).map((change) => change.path)).toEqual([
      'title',
      'figures.killed',
    ]);
    // Title and toll went back to what they were: only the summary differs, net.
    expect(diffReports(first, last)).toEqual([{ path: 'summary', from: null, to: 'toll rose' }]);
  });
});
