import { fileTarget, storedEvents, useTestApp } from './support/test-app';

/**
 * A write that loses a race inside PostgreSQL (a deadlock, a serialization failure) wrote nothing:
 * the server runs it again, and answers 503 only when it keeps losing.
 */
describe('deadlocks and serialization failures', () => {
  const t = useTestApp();
  let id: string;

  beforeAll(async () => {
    id = await fileTarget(t, 'raced');
    // The next `failures` writes of the revision log lose a race, as PostgreSQL would say it
    // (counted by a sequence: the failing statements roll back anything else they write).
    await t.db.pool.query(`
      CREATE TABLE races (failures int NOT NULL, code text NOT NULL);
      INSERT INTO races VALUES (0, '40P01');
      CREATE SEQUENCE race_attempts;
      GRANT SELECT ON races TO PUBLIC;
      GRANT USAGE ON race_attempts TO PUBLIC;
      CREATE FUNCTION lose_race() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        race races;
      BEGIN
        SELECT * INTO race FROM races;
        IF nextval('race_attempts') <= race.failures THEN
          RAISE EXCEPTION 'lost a race' USING ERRCODE = race.code;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER lose_race BEFORE INSERT ON report_revisions
        FOR EACH ROW EXECUTE FUNCTION lose_race();
    `);
  });

  const lose = async (failures: number, code: string) => {
    await t.db.pool.query('UPDATE races SET failures = $1, code = $2', [failures, code]);
    await t.db.pool.query("SELECT setval('race_attempts', 1, false)");
  };
  const revise = (value: number) =>
    t
      .as('editor')
      .post(`/reports/${id}/revisions`)
      .send({ reason: 'toll', figures: [{ measure: 'killed', value }] });

  it.each([
    ['a deadlock', '40P01'],
    ['a serialization failure', '40001'],
  ])('runs a write that lost %s again, and records it once', async (_what, code) => {
    const before = (await storedEvents(t.db)).length;
    await lose(2, code);
    const { body } = await revise(before + 10).expect(201);
    expect((await storedEvents(t.db)).length).toBe(before + 1);
    expect(body.changes).toEqual([
      { path: 'figures.killed', from: expect.any(Number), to: before + 10 },
    ]);
  });

  it('answers 503 when it keeps losing, and records nothing', async () => {
    const before = (await storedEvents(t.db)).length;
    await lose(100, '40P01');
    const response = await revise(999).expect(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    await lose(0, '40P01');
    expect((await storedEvents(t.db)).length).toBe(before);
  });
});
