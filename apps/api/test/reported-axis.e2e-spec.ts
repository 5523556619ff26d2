import { createDataSource, migrate } from '../src/database/data-source';
import { useTestApp, caughtUp as caughtUpWith } from './support/test-app';

/**
 * The reported axis read from its read models agrees, at every reported time and recorded time
 * tried, with its definition applied to the revision log as `/revisions` serves it; and the
 * migration that creates those read models fills them as the projection keeps them.
 */
describe('the reported axis against its definition', () => {
  const t = useTestApp();
  const ids: string[] = [];
  /** The report revised most. */
  let id: string;
  /** A recorded time after each request, in order. */
  const recorded: string[] = [];
  const DAY = Date.UTC(2026, 10, 1);
  const PUBLISHERS = ['SOHR', 'Deir Ezzor 24', 'State outlet', 'Airwars'];
  const PLACES = ['الميادين', 'Al-Bukamal', 'Hajin'];

  /** A deterministic sequence, so that a failure replays. */
  let seed = 20261201;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const reportedAt = () => new Date(DAY + Math.floor(random() * 10 * 24) * 3_600_000).toISOString();
  const source = () => {
    const publisher = pick(PUBLISHERS);
    return {
      url: `https://${publisher.replace(/ /g, '').toLowerCase()}.example/${Math.floor(random() * 3)}`,
      publisher,
    };
  };
  const pause = () => new Promise((r) => setTimeout(r, 3));

  /** Three reports revised in turn, the first most; a revision's kind, time and source drawn. */
  beforeAll(async () => {
    const post = (path: string, body: object) => t.as('editor').post(path).send(body);
    for (const location of ['Deir Ezzor', 'Aleppo', 'Deir Ezzor']) {
      const filed = await post('/reports', {
        title: 'Strikes on 27 positions',
        location,
        figures: [{ measure: 'killed', value: 18 }],
        source: source(),
        reportedAt: reportedAt(),
      }).expect(201);
      ids.push(filed.body.id);
    }
    [id] = ids;
    const retracted = new Set<string>();
    /** The figures the report has now. */
    const present = async (report: string): Promise<string[]> =>
      (await t.as('reader').get(`/reports/${report}`).expect(200)).body.figures.map(
        (f: { key: string }) => f.key,
      );
    for (let i = 0; i < 110; i++) {
      await pause();
      recorded.push(new Date().toISOString());
      await pause();
      const report = random() < 0.6 ? ids[0] : pick(ids.slice(1));
      const roll = random();
      const facts = { reason: `step ${i}`, source: source(), reportedAt: reportedAt() };
      const place = pick(PLACES);
      let response;
      if (retracted.has(report) || roll < 0.06) {
        // Retracted for one of its steps at most: a retracted report takes no revision.
        const restoring = retracted.has(report);
        response = await post(`/reports/${report}/${restoring ? 'restore' : 'retract'}`, facts);
        if (restoring) retracted.delete(report);
        else retracted.add(report);
      } else if (roll < 0.3) {
        response = await post(`/reports/${report}/claims`, {
          ...facts,
          figures: [{ measure: 'killed', value: 10 + Math.floor(random() * 20) }],
        });
      } else if (roll < 0.38 && (await present(report)).length > 0) {
        response = await post(`/reports/${report}/revisions`, {
          ...facts,
          removeFigures: [pick(await present(report))],
        });
      } else {
        response = await post(`/reports/${report}/revisions`, {
          ...facts,
          kind: random() < 0.3 ? 'correction' : 'update',
          set:
            random() < 0.3
              ? {
                  title: `Strikes, take ${i}`,
                  summary: random() < 0.5 ? null : `s${i}`,
                  location: pick(['Deir Ezzor', 'Aleppo', 'Raqqa']),
                }
              : {},
          figures: [
            random() < 0.5
              ? { measure: 'killed', value: 15 + Math.floor(random() * 15) }
              : { measure: 'killed', min: 15, max: 20 + Math.floor(random() * 10) },
            {
              measure: 'killed',
              dimensions: { location: place },
              value: Math.floor(random() * 13),
            },
          ],
        });
      }
      if (![200, 201].includes(response.status)) throw new Error(JSON.stringify(response.body));
    }
    await caughtUp();
  });

  const caughtUp = () => caughtUpWith(t);

  interface Item {
    revision: number;
    kind: string;
    recordedAt: string;
    reportedAt: string;
    changes: { path: string; to: unknown }[];
    claims: {
      key: string;
      amount: unknown;
      publisher: string;
      reportedAt: string;
      adopted: boolean;
      late: boolean;
    }[];
  }

  async function revisionLog(report = id): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body } = await t.as('reader').get(`/reports/${report}/revisions${query}`).expect(200);
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return items;
  }

  const later = (
    a: { reportedAt: string; revision: number },
    b: { reportedAt: string; revision: number },
  ) => a.reportedAt > b.reportedAt || (a.reportedAt === b.reportedAt && a.revision > b.revision);

  /** The definition: what the revisions recorded up to `upTo` and reported by `reported` say. */
  function expected(log: Item[], reported: string, upTo: number) {
    const taken = log.filter(
      (r) => r.revision <= upTo && Date.parse(r.reportedAt) <= Date.parse(reported),
    );
    if (taken.length === 0) return null;
    const fields: Record<string, { value: unknown; reportedAt: string; revision: number }> = {};
    const sources: string[] = [];
    const removed: Record<string, number> = {};
    for (const r of taken) {
      for (const change of r.changes) {
        const at = { value: change.to, reportedAt: r.reportedAt, revision: r.revision };
        if (['title', 'summary', 'location', 'status'].includes(change.path)) {
          if (!fields[change.path] || later(at, fields[change.path])) fields[change.path] = at;
        }
        if (change.path.startsWith('sources.') && change.to !== null) {
          const url = (change.to as { url: string }).url;
          if (!sources.includes(url)) sources.push(url);
        }
        if (change.path.startsWith('figures.') && change.to === null) {
          const key = change.path.slice('figures.'.length);
          if (!r.claims.some((c) => c.key === key))
            removed[key] = Math.max(removed[key] ?? 0, r.revision);
        }
      }
    }
    const figures: Record<string, { amount: string; publisher: string; reportedAt: string }> = {};
    const chosen: Record<string, { reportedAt: string; revision: number }> = {};
    for (const r of taken) {
      for (const claim of r.claims) {
        if (!(claim.adopted || claim.late) || r.revision <= (removed[claim.key] ?? 0)) continue;
        const at = { reportedAt: claim.reportedAt, revision: r.revision };
        if (!chosen[claim.key] || later(at, chosen[claim.key])) {
          chosen[claim.key] = at;
          figures[claim.key] = {
            amount: amountOf(claim.amount),
            publisher: claim.publisher,
            reportedAt: claim.reportedAt,
          };
        }
      }
    }
    return {
      revision: Math.max(...taken.map((r) => r.revision)),
      fields: Object.fromEntries(Object.entries(fields).map(([path, f]) => [path, f.value])),
      sources,
      figures,
    };
  }

  const amountOf = (amount: unknown) => {
    const { min, max } =
      typeof amount === 'number'
        ? { min: amount, max: amount }
        : (amount as { min: number; max: number });
    return `${min}..${max}`;
  };

  function actual(
    body: Record<string, unknown> & {
      figures: Record<string, unknown>[];
      sources: { url: string }[];
    },
  ) {
    return {
      revision: body.revision,
      fields: Object.fromEntries(
        ['title', 'summary', 'location', 'status'].map((path) => [path, body[path]]),
      ),
      sources: body.sources.map((s) => s.url),
      figures: Object.fromEntries(
        body.figures.map((f) => [
          f.key as string,
          {
            amount: amountOf(f.value ?? { min: f.min, max: f.max }),
            publisher: f.publisher,
            reportedAt: f.reportedAt,
          },
        ]),
      ),
    };
  }

  it('answers every reported time, alone and with a recorded time, as the revision log defines', async () => {
    const log = await revisionLog();
    expect(log.length).toBeGreaterThan(40);
    const times = new Set<string>();
    for (const r of log) {
      times.add(r.reportedAt);
      times.add(new Date(Date.parse(r.reportedAt) - 1).toISOString());
    }
    for (let i = 0; i < 12; i++) times.add(reportedAt());
    times.add(new Date(DAY - 1).toISOString());
    const asOfs: (string | undefined)[] = [undefined, recorded[5], recorded[30], recorded[60]];
    let compared = 0;
    for (const asOf of asOfs) {
      // The newest revision recorded by then, as the recorded axis defines it.
      const upTo = asOf
        ? Math.max(...log.filter((r) => r.recordedAt <= asOf).map((r) => r.revision))
        : Infinity;
      for (const reported of times) {
        const want = expected(log, reported, upTo);
        const query = `reportedAsOf=${reported}${asOf ? `&asOf=${asOf}` : ''}`;
        const response = await t.as('reader').get(`/reports/${id}?${query}`);
        if (want === null) {
          expect(response.status).toBe(404);
          continue;
        }
        expect(response.status).toBe(200);
        const got = actual(response.body);
        // A field no revision taken into account set keeps its value as filed.
        for (const path of Object.keys(got.fields)) {
          if (!(path in want.fields)) delete got.fields[path];
        }
        expect({ query, ...got }).toEqual({ query, ...want });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(log.length);
  });

  it('totals each report as its sources had it, as recorded now and at earlier times', async () => {
    // Before anything, and at and just before every third reported time of the reports.
    const times = new Set<string>([new Date(DAY - 1).toISOString()]);
    for (const report of ids) {
      for (const r of (await revisionLog(report)).filter((_, i) => i % 3 === 0)) {
        times.add(r.reportedAt);
        times.add(new Date(Date.parse(r.reportedAt) - 1).toISOString());
      }
    }
    let counted = 0;
    for (const asOf of [undefined, recorded[30], recorded[90]]) {
      for (const reported of times) {
        const at = `reportedAsOf=${reported}${asOf ? `&asOf=${asOf}` : ''}`;
        const byLocation = new Map<string | null, { reports: number; min: number; max: number }>();
        for (const report of ids) {
          const view = await t.as('reader').get(`/reports/${report}?${at}`);
          if (view.status === 404) continue;
          const headline = view.body.figures.find((f: { key: string }) => f.key === 'killed');
          if (view.body.status === 'retracted' || !headline) continue;
          const group = byLocation.get(view.body.location) ?? { reports: 0, min: 0, max: 0 };
          group.reports++;
          group.min += headline.value ?? headline.min;
          group.max += headline.value ?? headline.max;
          byLocation.set(view.body.location, group);
          counted++;
        }
        const groups = [...byLocation]
          .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
          .map(([location, g]) => ({
            location,
            reports: g.reports,
            total: { min: g.min, max: g.max },
          }));
        const { body } = await t
          .as('reader')
          .get(`/stats/figures?measure=killed&${at}`)
          .expect(200);
        expect({ at, ...body }).toEqual({
          at,
          measure: 'killed',
          asOf: asOf ? new Date(asOf).toISOString() : expect.any(String),
          reportedAsOf: reported,
          reports: groups.reduce((n, g) => n + g.reports, 0),
          total: {
            min: groups.reduce((n, g) => n + g.total.min, 0),
            max: groups.reduce((n, g) => n + g.total.max, 0),
          },
          byLocation: groups,
        });
      }
    }
    expect(counted).toBeGreaterThan(100);
  });

  it('fills its read models in the migration as the projection keeps them', async () => {
    const tables = ['report_reported_fields', 'report_reported_heads'];
    const snapshot = async () => {
      const rows: Record<string, unknown[]> = {};
      for (const table of tables) {
        rows[table] = (await t.db.pool.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`)).rows;
      }
      rows.figures = (
        await t.db.pool.query(
          'SELECT report_id, figure_key, revision, reported_at FROM report_figure_changes ORDER BY 1, 2, 3',
        )
      ).rows;
      return rows;
    };
    const kept = await snapshot();
    expect(kept.report_reported_heads.length).toBeGreaterThan(1);
    const dataSource = createDataSource(t.db.url, { poolSize: 2 });
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' }); // the Merkle log
      await dataSource.undoLastMigration({ transaction: 'each' }); // the reported totals
      await dataSource.undoLastMigration({ transaction: 'each' }); // the reported time
      expect(await migrate(dataSource)).toEqual([
        'ReportedTime1764000000008',
        'ReportedTotals1764000000009',
        'MerkleLog1764000000010',
      ]);
    } finally {
      await dataSource.destroy();
    }
    expect(await snapshot()).toEqual(kept);
  });
});
