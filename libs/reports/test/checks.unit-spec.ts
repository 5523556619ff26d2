import { AdoptedFigure, checkFlags, checksOf } from '@tally/reports/domain';

const figure = (
  key: string,
  amount: AdoptedFigure['amount'],
  revision = 1,
  dimensions: Record<string, string> = {},
): AdoptedFigure => ({
  key,
  measure: key.split('{')[0],
  dimensions,
  amount,
  publisher: 'SOHR',
  reportedAt: '2026-11-20T06:00:00.000Z',
  revision,
});
const part = (name: string, value: string, amount: AdoptedFigure['amount'], revision = 1) =>
  figure(`killed{${name}=${value}}`, amount, revision, { [name]: value });

describe('consistency checks', () => {
  it('finds a breakdown that adds up to the total complete', () => {
    const checks = checksOf([
      figure('killed', 23, 2),
      part('location', 'Al-Mayadeen', 13, 2),
      part('location', 'countryside', 10, 2),
    ]);
    expect(checks).toEqual([
      {
        measure: 'killed',
        dimension: 'location',
        total: 23,
        parts: { min: 23, max: 23 },
        count: 2,
        status: 'complete',
        stale: false,
      },
    ]);
    expect(checkFlags(checks)).toEqual([]);
  });

  it('finds one that adds up to less partial, one per dimension name', () => {
    const checks = checksOf([
      figure('killed', 23),
      part('location', 'Al-Mayadeen', 13),
      part('nationality', 'Syrian', 9),
    ]);
    expect(checks.map((c) => [c.dimension, c.status])).toEqual([
      ['location', 'partial'],
      ['nationality', 'partial'],
    ]);
  });

  it('finds parts whose minimum is over the total maximum in excess', () => {
    const checks = checksOf([
      figure('killed', { min: 15, max: 18 }),
      part('location', 'a', 13),
      part('location', 'b', { min: 6, max: 8 }),
    ]);
    expect(checks).toMatchObject([
      { total: { min: 15, max: 18 }, parts: { min: 19, max: 21 }, status: 'exceeds' },
    ]);
    expect(checkFlags(checks)).toEqual(['exceeds']);
  });

  it('takes ranges that overlap the total for partial, and equal ones for complete', () => {
    expect(
      checksOf([
        figure('killed', { min: 20, max: 25 }),
        part('location', 'a', { min: 20, max: 24 }),
      ]),
    ).toMatchObject([{ status: 'partial' }]);
    expect(
      checksOf([
        figure('killed', { min: 20, max: 25 }),
        part('location', 'a', { min: 20, max: 25 }),
      ]),
    ).toMatchObject([{ status: 'complete' }]);
  });

  it('calls a breakdown stale when the total was set after every part and it does not add up', () => {
    const stale = checksOf([
      figure('killed', 30, 3),
      part('location', 'a', 13, 2),
      part('location', 'b', 10, 2),
    ]);
    expect(stale).toMatchObject([{ status: 'partial', stale: true }]);
    expect(checkFlags(stale)).toEqual(['stale']);
    // A part set with the total or after it: not stale.
    expect(
      checksOf([
        figure('killed', 30, 3),
        part('location', 'a', 13, 3),
        part('location', 'b', 10, 2),
      ]),
    ).toMatchObject([{ stale: false }]);
  });

  it('leaves out cross-tabulations and measures without a headline', () => {
    expect(
      checksOf([
        figure('killed', 23),
        figure('killed{location=a,nationality=Syrian}', 5, 1, {
          location: 'a',
          nationality: 'Syrian',
        }),
        figure('injured{location=a}', 4, 1, { location: 'a' }),
      ]),
    ).toEqual([]);
  });
});
