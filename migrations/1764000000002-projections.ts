import { sqlMigration } from './sql-migration';

/** A NOTIFY from every append (replaced by a coalesced one from the store in 1764000000005). */
export const EVENTS_NOTIFY = `
      CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('tally_events', '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER events_notify AFTER INSERT ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_notify();`;

/**
 * Async projections: one row per projection with its checkpoint in commit order (transaction id,
 * position), its status and, when it stopped on an event it could not apply, where and why.
 * Appends notify `tally_events` so that daemons wake at once instead of waiting for a poll.
 */
export const Projections1764000000002 = sqlMigration('Projections1764000000002', {
  up: `
      CREATE TABLE projections (
        name text PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'running',
        error text,
        failed_position text,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      ${EVENTS_NOTIFY}
    `,
  down: `
      DROP TRIGGER events_notify ON events;
      DROP FUNCTION events_notify();
      DROP TABLE projections;
    `,
});
