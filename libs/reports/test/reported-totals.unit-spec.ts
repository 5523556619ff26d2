import { recordedPeriods } from '../src/projections/recorded-periods';
import { ReportedItem, sweepReported, sweepStart } from '../src/projections/reported-totals';

const FILED = { location: 'Deir Ezzor', status: 'developing' } as const;
const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T00:00:00.000Z`;
const item = (revision: number, d: number, more: Partial<ReportedItem> = {}): ReportedItem => ({
  revision,
  reportedAt: day(d),
  figures: {},
  removed: [],
  ...more,
});
const killed = (value: number) => ({ killed: { min: value, max: value } });
const periods = (items: ReportedItem[]) =>
  sweepReported(sweepStart(FILED), items).periods.map(({ from, to, min }) => [from, to, min]);

describe('headline figures over reported time', () => {
  it('holds each figure from its reported time until the next one', () => {
    expect(
      periods([item(1, 20, { figures: killed(18) }), item(2, 21, { figures: killed(23) })]),
    ).toEqual([
      [day(20), day(21), 18],
      [day(21), null, 23],
    ]);
  });

  it('splits a period where a claim recorded later was reported', () => {
    expect(
      periods([
        item(1, 20, { figures: killed(18) }),
        item(2, 22, { figures: killed(23) }),
        item(3, 21, { figures: killed(20) }),
      ]),
    ).toEqual([
      [day(20), day(21), 18],
      [day(21), day(22), 20],
      [day(22), null, 23],
    ]);
  });

  it('gives a reported time claimed twice to the later revision', () => {
    expect(
      periods([item(1, 20, { figures: killed(18) }), item(2, 20, { figures: killed(23) })]),
    ).toEqual([[day(20), null, 23]]);
  });

  it('ends a figure where its removal was reported, but not a claim recorded after it', () => {
    expect(
      periods([
        item(1, 20, { figures: killed(18) }),
        item(2, 22, { removed: ['killed'] }),
        item(3, 21, { figures: killed(20) }),
      ]),
    ).toEqual([
      [day(20), day(21), 18],
      [day(21), day(22), 20],
      [day(22), null, 20],
    ]);
  });

  it('counts nothing while the report stood retracted', () => {
    expect(
      periods([
        item(1, 20, { figures: killed(18) }),
        item(2, 21, { status: 'retracted' }),
        item(3, 23, { status: 'developing' }),
      ]),
    ).toEqual([
      [day(20), day(21), 18],
      [day(23), null, 18],
    ]);
  });
});

describe('headline figures over both axes', () => {
  const at = (d: number) => `2026-12-${String(d).padStart(2, '0')}T00:00:00.000Z`;

  it('closes the open period and opens the next when a claim comes in order', () => {
    const first = recordedPeriods(FILED, sweepStart(FILED), [
      { item: item(1, 20, { figures: killed(18) }), recordedAt: at(1) },
    ]);
    const next = recordedPeriods(FILED, first.sweep, [
      { item: item(2, 21, { figures: killed(23) }), recordedAt: at(2) },
    ]);
    expect(next.closed.map(({ from, to, recordedTo }) => [from, to, recordedTo])).toEqual([
      [day(20), null, at(2)],
    ]);
    expect(
      next.opened.map(({ from, to, min, recordedFrom }) => [from, to, min, recordedFrom]),
    ).toEqual([
      [day(20), day(21), 18, at(2)],
      [day(21), null, 23, at(2)],
    ]);
  });

  it('sweeps a report again for a claim reported earlier, and changes only what it changed', () => {
    const events = [
      { item: item(1, 20, { figures: killed(18) }), recordedAt: at(1) },
      { item: item(2, 22, { figures: killed(23) }), recordedAt: at(2) },
    ];
    const before = recordedPeriods(FILED, sweepStart(FILED), events);
    const late = { item: item(3, 21, { figures: killed(20) }), recordedAt: at(3) };
    expect(() => recordedPeriods(FILED, before.sweep, [late])).toThrow(/stored/);
    const current = before.opened.filter((p) => p.recordedTo === null);
    const after = recordedPeriods(FILED, before.sweep, [late], {
      items: events.map((e) => e.item),
      current,
    });
    expect(after.closed.map(({ from, to }) => [from, to])).toEqual([[day(20), day(22)]]);
    expect(after.opened.map(({ from, to, min }) => [from, to, min])).toEqual([
      [day(20), day(21), 18],
      [day(21), day(22), 20],
    ]);
  });

  it('writes a period opened and closed within one batch closed, and none that held no time', () => {
    const { opened } = recordedPeriods(FILED, sweepStart(FILED), [
      { item: item(1, 20, { figures: killed(18) }), recordedAt: at(1) },
      { item: item(2, 21, { figures: killed(19) }), recordedAt: at(2) },
      { item: item(3, 22, { figures: killed(23) }), recordedAt: at(2) },
    ]);
    expect(
      opened.map(({ from, to, recordedFrom, recordedTo }) => [from, to, recordedFrom, recordedTo]),
    ).toEqual([
      [day(20), null, at(1), at(2)],
      [day(20), day(21), at(2), null],
      [day(21), day(22), at(2), null],
      [day(22), null, at(2), null],
    ]);
  });
});
