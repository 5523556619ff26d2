import { PostgresEventStore, RebuildInProgressError } from '@tally/event-store';
import { REPORTS_EVENT_STORE } from '@tally/reports';
import { Pool } from 'pg';
import { OWNER_POOL, PG_POOL } from '../src/database/database.module';
import { projectionRegistry, rebuildByName } from '../src/operations/projection-registry';
import { ProjectionsService } from '../src/operations/projections.service';
import { useTestApp, caughtUp as caughtUpWith } from './support/test-app';

const TABLES = projectionRegistry().flatMap((entry) => entry.projection.tables);

describe('projections: rebuilds, status and totals as of any time', () => {
  const t = useTestApp();
  const times: Record<string, string> = {};

  beforeAll(async () => {
    await buildWorkload();
  });

  const post = (path: string, body: object) => t.as('editor').post(path).send(body);

  const pause = () => new Promise((r) => setTimeout(r, 25));

  async function checksums(): Promise<Record<string, string>> {
    const sums: Record<string, string> = {};
    for (const table of TABLES) {
      const { rows } = await t.db.pool.query<{ sum: string }>(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM ${table} t`,
      );
      sums[table] = rows[0].sum;
    }
    return sums;
  }

  const caughtUp = () => caughtUpWith(t);

  const eventStore = (): PostgresEventStore => t.app.get(REPORTS_EVENT_STORE);

  /** Rebuilds through `store` (the app's, or a proxy of it watching its reads). */
  const rebuild = (
    names: string | string[],
    options: Parameters<typeof rebuildByName>[3],
    store = eventStore(),
  ) => rebuildByName(t.app.get(OWNER_POOL), store, names, options);

  async function eventCount(): Promise<number> {
    const { rows } = await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    return rows[0].n;
  }

  /** The workload every test reads: files, revisions, corrections, claims, retractions, restores. */
  async function buildWorkload(): Promise<void> {
    times.before = new Date().toISOString();
    await pause();
    const a = (
      await post('/reports', {
        title: 'A',
        location: 'Deir Ezzor',
        figures: [{ measure: 'killed', value: 18 }],
      }).expect(201)
    ).body.id;
    const b = (
      await post('/reports', {
        title: 'B',
        location: 'Aleppo',
        figures: [
          { measure: 'killed', min: 3, max: 5 },
          { measure: 'injured', value: 7 },
        ],
      }).expect(201)
    ).body.id;
    await pause();
    times.filed = new Date().toISOString();
    await pause();
    await post(`/reports/${a}/revisions`, {
      reason: 'bodies retrieved',
      figures: [
        { measure: 'killed', value: 23 },
        { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: 13 },
      ],
    }).expect(201);
    await post(`/reports/${b}/revisions`, {
      kind: 'correction',
      reason: 'misread',
      figures: [{ measure: 'killed', value: 4 }],
      removeFigures: ['injured'],
    }).expect(201);
    // Claims beside the figures: one recorded for comparison, one late, neither adopted.
    await post(`/reports/${a}/claims`, {
      reason: 'another count',
      source: { url: 'https://agency.example/1', publisher: 'Agency' },
      figures: [{ measure: 'killed', value: 19 }],
    }).expect(201);
    await post(`/reports/${a}/revisions`, {
      reason: 'typed in late',
      source: { url: 'https://network.example/1' },
      reportedAt: '2026-01-01T00:00:00Z',
      figures: [{ measure: 'killed', value: 21 }],
    }).expect(201);
    await pause();
    times.revised = new Date().toISOString();
    await pause();
    await post(`/reports/${a}/retract`, { reason: 'duplicate' }).expect(201);
    await pause();
    times.retracted = new Date().toISOString();
    await pause();
    await post(`/reports/${a}/restore`, { reason: 'not a duplicate' }).expect(201);
    for (let i = 0; i < 12; i++) {
      await post('/reports', {
        title: `filler ${i}`,
        figures: [{ measure: 'killed', value: i }],
      }).expect(201);
    }
    await caughtUp();
  }

  /** A change to every row kind a read model has, per table: one the rebuild alone can undo. */
  const ALTER: Record<string, string> = {
    report_current: `state = state || '{"title": "forged"}'`,
    report_revisions: `reason = 'forged'`,
    report_figure_changes: `to_amount = '999'`,
    report_reported_fields: `value = '"forged"'`,
    report_reported_heads: `reported_at = reported_at - interval '1 day'`,
    stats_reports: `state = '{}'`,
    stats_figure_periods: `max = max + 1000`,
    stats_reported_items: `item = item || '{"figures": {}}'`,
    stats_reported_periods: `max = max + 1000`,
    merkle_leaves: `event_hash = md5(event_hash)`,
    merkle_nodes: `hash = sha256(hash)`,
  };

  /**
   * Damages the live read models (a row removed, a row altered, a row of no report added), so
   * that a rebuild that swapped nothing in, or swapped in copies of the live tables, fails.
   */
  async function damage(projections?: readonly string[]): Promise<void> {
    const tables = projections ? tablesOf(projections) : TABLES;
    const before = await checksums();
    for (const table of tables) {
      await t.db.pool.query(
        `INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table},
           to_jsonb(r) || jsonb_build_object('report_id', gen_random_uuid(),
             'leaf_index', 999999, 'node_index', 999999, 'position', 'forged',
             'global_position', -1))).*
           FROM ${table} r LIMIT 1`,
      );
      await t.db.pool.query(
        `UPDATE ${table} SET ${ALTER[table]} WHERE ctid = (SELECT max(ctid) FROM ${table})`,
      );
      await t.db.pool.query(`DELETE FROM ${table} WHERE ctid = (SELECT min(ctid) FROM ${table})`);
    }
    const after = await checksums();
    for (const table of tables) expect(after[table]).not.toBe(before[table]);
  }

  const tablesOf = (projections: readonly string[]) =>
    projectionRegistry()
      .filter((entry) => projections.includes(entry.projection.name))
      .flatMap((entry) => entry.projection.tables);

  /** The projections that rebuild stream by stream. */
  const REPORT_PROJECTIONS = ['report_current', 'report_revisions', 'figure_history'];

  it('answers /stats/figures with the totals that held at each time', async () => {
    const stats = async (query: string) =>
      (await t.as('reader').get(`/stats/figures?measure=killed&${query}`).expect(200)).body;
    expect(await stats(`asOf=${times.before}`)).toMatchObject({
      reports: 0,
      total: { min: 0, max: 0 },
    });
    expect(await stats(`asOf=${times.filed}`)).toEqual({
      measure: 'killed',
      asOf: times.filed,
      reports: 2,
      total: { min: 21, max: 23 },
      byLocation: [
        { location: 'Aleppo', reports: 1, total: { min: 3, max: 5 } },
        { location: 'Deir Ezzor', reports: 1, total: { min: 18, max: 18 } },
      ],
    });
    expect(await stats(`asOf=${times.revised}`)).toMatchObject({
      reports: 2,
      total: { min: 27, max: 27 },
    });
    expect(await stats(`asOf=${times.retracted}`)).toMatchObject({
      reports: 1,
      total: { min: 4, max: 4 },
      byLocation: [{ location: 'Aleppo', reports: 1 }],
    });
    expect(await stats(`asOf=${times.revised}&location=deir ezzor`)).toMatchObject({
      reports: 1,
      total: { min: 23, max: 23 },
    });
    const now = await stats('');
    expect(now.reports).toBe(14);
    await t.as('reader').get('/stats/figures').expect(400);
    await t.as('reader').get('/stats/figures?measure=killed&asOf=soon').expect(400);
  });

  it('lists every projection for an admin only', async () => {
    await t.as('editor').get('/projections').expect(403);
    const { body } = await t.as('admin').get('/projections').expect(200);
    expect(body.map((p: { name: string }) => p.name)).toEqual([
      'report_current',
      'report_revisions',
      'figure_history',
      'figure_totals',
      'merkle_log',
    ]);
    for (const projection of body) {
      expect(projection).toMatchObject({
        lag: 0,
        status: 'running',
        position: expect.stringMatching(/^\d+-\d+$/),
      });
    }
  });

  /** Each table's indexes, by what they cover (a rebuilt table's indexes have other names). */
  async function indexes(): Promise<string[]> {
    const { rows } = await t.db.pool.query<{ definition: string }>(
      `SELECT regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON') AS definition
         FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1)
       UNION ALL
       SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
         FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
        WHERE r.relnamespace = 'public'::regnamespace AND r.relname = ANY($1)
        ORDER BY 1`,
      [TABLES],
    );
    return rows.map((row) => row.definition);
  }

  it('rebuilds each projection from the events alone, undoing any damage to its tables', async () => {
    const before = await checksums();
    const indexed = await indexes();
    await damage();
    expect(indexed.join('\n')).toContain('USING gin (search)');
    for (const { projection } of projectionRegistry()) {
      const result = await rebuild(projection.name, { batchSize: 7 });
      expect(result.events).toBeGreaterThan(0);
    }
    expect(await checksums()).toEqual(before);
    expect(await indexes()).toEqual(indexed);
    await caughtUp();
  });

  it('rebuilds them all in one pass over the log, undoing any damage to their tables', async () => {
    const before = await checksums();
    await damage();
    const names = projectionRegistry().map((entry) => entry.projection.name);
    const result = await rebuild(names, { batchSize: 4 });
    expect(result.events).toBe(await eventCount());
    expect(await checksums()).toEqual(before);
    await caughtUp();
    const { body } = await t.as('admin').get('/projections');
    expect(body.map((p: { status: string }) => p.status)).toEqual(names.map(() => 'running'));
  });

  it('rebuilds the report projections stream by stream, taking in what is written meanwhile', async () => {
    const { body: listed } = await t.as('reader').get('/reports');
    const revised = listed.items[0].id;
    let expected: Record<string, string> = {};
    let pages = 0;
    const writing = new Proxy(eventStore(), {
      get(target, key, receiver) {
        if (key === 'readByStream') {
          return async (...args: Parameters<PostgresEventStore['readByStream']>) => {
            if (++pages === 2) {
              // The live tables take these inline; the rebuild must catch up with them.
              const { body } = await t.as('reader').get(`/reports/${revised}`);
              await post(`/reports/${revised}/revisions`, {
                reason: 'meanwhile',
                figures: [{ measure: 'killed', value: 99 }],
              })
                .set('If-Match', `"${body.revision}"`)
                .expect(201);
              await post('/reports', {
                title: 'filed meanwhile',
                figures: [{ measure: 'killed', value: 1 }],
              }).expect(201);
              // The stats tables are async: compare them once their daemon has taken these in.
              await caughtUp();
              expected = await checksums();
            }
            return target.readByStream(...args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const indexed = await indexes();
    const result = await rebuild(REPORT_PROJECTIONS, { batchSize: 3 }, writing);
    expect(pages).toBeGreaterThan(3);
    expect(result.events).toBe(await eventCount());
    expect(await checksums()).toEqual(expected);
    expect(await indexes()).toEqual(indexed);
    await caughtUp();
  });

  it('rebuilds stream by stream a page per event, each report carried from page to page', async () => {
    const before = await checksums();
    await damage(REPORT_PROJECTIONS);
    const result = await rebuild(REPORT_PROJECTIONS, { batchSize: 1 });
    expect(result.events).toBe(await eventCount());
    expect(await checksums()).toEqual(before);
  });

  it('rebuilds through the API with 202, while reads keep answering', async () => {
    const before = await checksums();
    await damage(['report_current']);
    await t.as('admin').post('/projections/nope/rebuild').expect(404);
    await t.as('editor').post('/projections/report_current/rebuild').expect(403);
    const accepted = await t.as('admin').post('/projections/report_current/rebuild').expect(202);
    expect(accepted.body).toEqual({ name: 'report_current', status: 'rebuilding' });
    await t.as('reader').get('/reports').expect(200);
    await t.app.get(ProjectionsService).settled('report_current');
    expect(await checksums()).toEqual(before);
  });

  it('leaves the live tables serving when a rebuild stops halfway, and rebuilds again', async () => {
    const before = await checksums();
    const controller = new AbortController();
    let pages = 0;
    const counting = new Proxy(eventStore(), {
      get(target, key, receiver) {
        if (key === 'readAll' || key === 'readByStream') {
          return async (...args: unknown[]) => {
            if (++pages === 2) controller.abort();
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    await expect(
      rebuild('report_revisions', { batchSize: 5, signal: controller.signal }, counting),
    ).rejects.toThrow();
    expect(await checksums()).toEqual(before);
    // What the stopped run built is gone with it: no schema of a run is left.
    const { rows } = await t.db.pool.query(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname ~ '^(rebuild|retired)_'",
    );
    expect(rows[0].n).toBe(0);
    const listed = await t.as('reader').get('/reports').expect(200);
    expect(listed.body.items.length).toBeGreaterThan(0);

    await rebuild('report_revisions', { batchSize: 5 });
    expect(await checksums()).toEqual(before);
  });

  it('resumes a projection stopped in error through the API, for an admin only', async () => {
    await caughtUp();
    await t.db.pool.query(
      `UPDATE projections SET status = 'error', error = 'stopped by the test',
              failed_position = '1-1' WHERE name = 'figure_totals'`,
    );
    await post('/reports', {
      title: 'counted once resumed',
      location: 'Resumeville',
      figures: [{ measure: 'killed', value: 4 }],
    }).expect(201);
    const totals = () =>
      t
        .as('reader')
        .get('/stats/figures?measure=killed&location=Resumeville')
        .then((response) => response.body.total);
    await new Promise((r) => setTimeout(r, 300));
    expect(await totals()).toEqual({ min: 0, max: 0 });

    await t.as('editor').post('/projections/figure_totals/resume').expect(403);
    await t.as('admin').post('/projections/no_such/resume').expect(404);
    const resumed = await t.as('admin').post('/projections/figure_totals/resume').expect(200);
    expect(resumed.body).toMatchObject({ name: 'figure_totals', status: 'running' });
    expect(resumed.body.error).toBeUndefined();
    await caughtUp();
    expect(await totals()).toEqual({ min: 4, max: 4 });
  });

  it('rebuilds one at a time: a second, here or in another process, is told a rebuild runs', async () => {
    // Another process (an instance, the CLI) holding the rebuild lock.
    const other = await t.db.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7461637002)');
      const refused = await t.as('admin').post('/projections/report_current/rebuild').expect(409);
      expect(refused.body).toMatchObject({
        type: 'urn:tally:problem:rebuild_in_progress',
        detail: expect.stringContaining('already running'),
      });
      await expect(rebuild('figure_history', {})).rejects.toThrow(RebuildInProgressError);
    } finally {
      await other.query('SELECT pg_advisory_unlock(7461637002)');
      other.release();
    }
    // Two at once in this process: one runs, the other is refused; the tables end as they were.
    const before = await checksums();
    const outcomes = await Promise.allSettled([
      rebuild('report_revisions', { batchSize: 5 }),
      rebuild('report_revisions', { batchSize: 5 }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: expect.any(RebuildInProgressError),
    });
    expect(await checksums()).toEqual(before);
  });

  it('swaps in tables with the live ones names, owner and grants: the serving role still writes', async () => {
    const rights = async () =>
      (
        await t.db.pool.query(
          `SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, c.relacl::text AS acl,
                  (SELECT array_agg(i.relname::text ORDER BY i.relname)
                     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                    WHERE x.indrelid = c.oid) AS indexes,
                  (SELECT array_agg(conname::text ORDER BY conname)
                     FROM pg_constraint WHERE conrelid = c.oid) AS constraints
             FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)
            ORDER BY c.relname`,
          [TABLES],
        )
      ).rows;
    const before = await rights();
    expect(before.map((row) => row.acl).every((acl) => /tally_app_/.test(acl))).toBe(true);
    await rebuild(
      projectionRegistry().map((entry) => entry.projection.name),
      {},
    );
    expect(await rights()).toEqual(before);
    const { rows } = await t.app.get(PG_POOL).query('SELECT current_user AS user');
    expect(rows[0].user).toMatch(/^tally_app_/);
    const filed = await post('/reports', {
      title: 'written after a rebuild',
      figures: [{ measure: 'killed', value: 2 }],
    }).expect(201);
    await post(`/reports/${filed.body.id}/revisions`, {
      reason: 'more',
      figures: [{ measure: 'killed', value: 3 }],
    }).expect(201);
    await t.as('reader').get(`/reports/${filed.body.id}/figures/killed/history`).expect(200);
  });

  it('rebuilds over the owner connections, which no statement timeout binds', async () => {
    const timeout = async (pool: Pool) =>
      (await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]
        .statement_timeout;
    expect(await timeout(t.app.get(OWNER_POOL))).toBe('0');
    expect(await timeout(t.app.get(PG_POOL))).not.toBe('0');
  });
});
