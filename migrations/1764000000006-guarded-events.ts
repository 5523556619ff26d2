import { sqlMigration } from './sql-migration';
import { GRANT_APP_ROLE_LEAN } from './1764000000005-lean-append';

/**
 * The database, not the appender, computes what an event's hash and transaction are. A trigger
 * runs before every insert into `events`: it sets `transaction_id` to the inserting transaction's,
 * refuses a position given instead of the identity's next one and a recorded time more than five
 * minutes from the database's clock, and computes `hash`
 * over the row and `previous_hash` (the hash of the event before it in its stream, which the
 * append reads with the head, '' for the first; stored, so that each event names its link). Whoever
 * can only INSERT (the serving role) can add an event, but never choose its hash, transaction or
 * time; a link it stated falsely, or a version it skipped, breaks the chain where a verifier
 * recomputes it (`verify`). Only the owner can disable the trigger.
 *
 * The trigger reads no other row: a lookup of the previous event in it cost a quarter of the
 * appends' throughput with eight writers (pgbench, 2 cores), for a link the verifier checks anyway.
 *
 * Whatever an INSERT gives for `hash` or `transaction_id` is replaced, so the serving role keeps a
 * table-wide INSERT: column-level INSERT privileges (checked on every append) cost a quarter of the
 * HTTP revisions' throughput in `npm run bench`. `grant_app_role` takes back any wider right than
 * SELECT and INSERT the role had on the events.
 */
export const EVENTS_GUARD = `
      ALTER TABLE events ADD COLUMN previous_hash text;
      CREATE FUNCTION events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Appenders record at their own clock (never before the head): allow for clock skew
        -- between hosts, not for backdating.
        IF NEW.recorded_at IS NULL
           OR NEW.recorded_at NOT BETWEEN clock_timestamp() - interval '5 minutes'
                                      AND clock_timestamp() + interval '5 minutes' THEN
          RAISE EXCEPTION 'events: % version % recorded at % is not now', NEW.stream_id,
            NEW.stream_version, NEW.recorded_at USING ERRCODE = 'TA003';
        END IF;
        -- The position is the identity's own next value: never one given with OVERRIDING.
        IF NEW.global_position IS DISTINCT FROM currval('events_global_position_seq') THEN
          RAISE EXCEPTION 'events: % version % may not choose its position', NEW.stream_id,
            NEW.stream_version USING ERRCODE = 'TA004';
        END IF;
        NEW.previous_hash := coalesce(NEW.previous_hash, '');
        NEW.transaction_id := pg_current_xact_id();
        NEW.hash := encode(sha256(convert_to(concat_ws(E'\\n', NEW.previous_hash, NEW.stream_id,
          NEW.stream_version::text, NEW.type, NEW.schema_version::text, NEW.data::text,
          NEW.metadata::text,
          to_char(NEW.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
          'UTF8')), 'hex');
        RETURN NEW;
      END $$;
      CREATE TRIGGER events_guard BEFORE INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION events_guard();`;

export const GRANT_APP_ROLE_GUARDED = GRANT_APP_ROLE_LEAN.replace(
  "EXECUTE format('GRANT SELECT, INSERT ON events, commands TO %I', p_role);",
  `EXECUTE format('REVOKE ALL ON events FROM %I', p_role);
        EXECUTE format('GRANT SELECT ON events TO %I', p_role);
        EXECUTE format('GRANT INSERT ON events TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT ON commands TO %I', p_role);`,
);

export const GuardedEvents1764000000006 = sqlMigration('GuardedEvents1764000000006', {
  up: `${EVENTS_GUARD}\n${GRANT_APP_ROLE_GUARDED}`,
  down: `
      DROP TRIGGER events_guard ON events;
      DROP FUNCTION events_guard();
      ALTER TABLE events DROP COLUMN previous_hash;
      ${GRANT_APP_ROLE_LEAN}
    `,
});
