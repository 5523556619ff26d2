import { ProjectionsService } from '../src/operations/projections.service';
import { useTestApp } from './support/test-app';

/** A server stopping while it rebuilds: the rebuild stops too, and leaves nothing behind. */
describe('shutdown during a rebuild', () => {
  const t = useTestApp();

  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      await t
        .as('editor')
        .post('/reports')
        .send({ title: `report ${i}`, figures: [{ measure: 'killed', value: i }] })
        .expect(201);
    }
  });

  const live = async () =>
    (
      await t.db.pool.query<{ oid: number; sum: string }>(
        `SELECT 'public.report_current'::regclass::oid AS oid,
                md5(string_agg(r::text, '|' ORDER BY r::text)) AS sum FROM report_current r`,
      )
    ).rows[0];

  it('aborts the rebuild, drops what it built, releases its lock and keeps the live table', async () => {
    const before = await live();
    await t.app.get(ProjectionsService).startRebuild('report_current');
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(10_000);

    // The live table is the one that was there (not swapped), with the same rows.
    expect(await live()).toEqual(before);
    const { rows: schemas } = await t.db.pool.query(
      "SELECT nspname FROM pg_namespace WHERE nspname ~ '^(rebuild|retired)_'",
    );
    expect(schemas).toEqual([]);
    const { rows: locks } = await t.db.pool.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    expect(locks).toEqual([]);
  });
});
