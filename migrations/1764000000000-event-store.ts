import { sqlMigration } from './sql-migration';

/** The streams table of the first schema (replaced by the unique key in 1764000000005). */
export const STREAMS = `
      CREATE TABLE streams (
        stream_id text PRIMARY KEY,
        version integer NOT NULL,
        head_hash text NOT NULL,
        updated_at timestamptz NOT NULL
      );`;

/** The append function of the first schema (replaced by one statement in 1764000000005). */
export const APPEND_TO_STREAM = `
      -- p_expected_version: NULL = any, 0 = the stream must not exist, n = it must be at n.
      -- p_events: [{ "type", "schemaVersion", "data" }]; p_metadata is shared by all of them.
      CREATE FUNCTION append_to_stream(
        p_stream_id text,
        p_expected_version integer,
        p_events jsonb,
        p_metadata jsonb,
        p_command_id text,
        p_fingerprint text
      ) RETURNS TABLE (
        global_position bigint,
        stream_version integer,
        transaction_id xid8,
        recorded_at timestamptz,
        hash text,
        duplicate boolean
      ) LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_now timestamptz := date_trunc('milliseconds', clock_timestamp());
        v_stamp text;
        v_version integer;
        v_first integer;
        v_hash text;
        v_command commands%ROWTYPE;
        v_event jsonb;
      BEGIN
        SELECT s.version, s.head_hash INTO v_version, v_hash
          FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO streams (stream_id, version, head_hash, updated_at)
            VALUES (p_stream_id, 0, '', v_now) ON CONFLICT DO NOTHING;
          SELECT s.version, s.head_hash INTO v_version, v_hash
            FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
        END IF;

        IF p_command_id IS NOT NULL THEN
          SELECT * INTO v_command FROM commands c WHERE c.command_id = p_command_id;
          IF FOUND THEN
            IF v_command.stream_id <> p_stream_id
               OR v_command.fingerprint IS DISTINCT FROM p_fingerprint THEN
              RAISE EXCEPTION 'command % was already appended with other content', p_command_id
                USING ERRCODE = 'TA422';
            END IF;
            RETURN QUERY
              SELECT e.global_position, e.stream_version, e.transaction_id, e.recorded_at,
                     e.hash, true
                FROM events e
               WHERE e.stream_id = v_command.stream_id
                 AND e.stream_version BETWEEN v_command.first_version AND v_command.last_version
               ORDER BY e.stream_version;
            RETURN;
          END IF;
        END IF;

        IF p_expected_version IS NOT NULL AND v_version <> p_expected_version THEN
          RAISE EXCEPTION 'stream % is at version %, expected %',
            p_stream_id, v_version, p_expected_version
            USING ERRCODE = 'TA409', DETAIL = v_version::text;
        END IF;

        v_stamp := to_char(v_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
        v_first := v_version + 1;
        FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
          v_version := v_version + 1;
          v_hash := encode(sha256(convert_to(concat_ws(E'\\n',
            v_hash, p_stream_id, v_version::text, v_event->>'type',
            (v_event->>'schemaVersion'), (v_event->'data')::text, p_metadata::text, v_stamp
          ), 'UTF8')), 'hex');
          RETURN QUERY
            INSERT INTO events AS e (stream_id, stream_version, type, schema_version, data,
                                     metadata, recorded_at, hash)
            VALUES (p_stream_id, v_version, v_event->>'type',
                    (v_event->>'schemaVersion')::integer, v_event->'data', p_metadata, v_now,
                    v_hash)
            RETURNING e.global_position, e.stream_version, e.transaction_id, e.recorded_at,
                      e.hash, false;
        END LOOP;

        UPDATE streams s SET version = v_version, head_hash = v_hash, updated_at = v_now
         WHERE s.stream_id = p_stream_id;

        IF p_command_id IS NOT NULL THEN
          INSERT INTO commands (command_id, fingerprint, stream_id, first_version, last_version,
                                recorded_at)
            VALUES (p_command_id, p_fingerprint, p_stream_id, v_first, v_version, v_now);
        END IF;
      END $$;`;

/**
 * The event store: streams (one row per stream, locked while appending, holding the head of
 * its hash chain), events (append-only, refused UPDATE/DELETE/TRUNCATE by trigger) and
 * commands (one row per idempotent command id).
 *
 * `append_to_stream` does a whole append in one round trip. The hash of an event is SHA-256 over
 * lines of text: the previous hash of the stream ('' for the first), stream id, stream version,
 * type, schema version, data and metadata as PostgreSQL's canonical jsonb text, and the recorded
 * time as ISO 8601 UTC with milliseconds. `verifyStream` recomputes the same in Node.
 */
export const EventStore1764000000000 = sqlMigration('EventStore1764000000000', {
  up: `
      ${STREAMS}

      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_id text NOT NULL,
        stream_version integer NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        hash text NOT NULL,
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
      );
      CREATE INDEX events_commit_order_idx ON events (transaction_id, global_position);

      CREATE TABLE commands (
        command_id text PRIMARY KEY,
        fingerprint text,
        stream_id text NOT NULL,
        first_version integer NOT NULL,
        last_version integer NOT NULL,
        recorded_at timestamptz NOT NULL
      );

      CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'TA001';
      END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

      ${APPEND_TO_STREAM}
    `,
  down: `
      DROP FUNCTION append_to_stream(text, integer, jsonb, jsonb, text, text);
      DROP TABLE commands;
      DROP TABLE events;
      DROP FUNCTION events_refuse_change();
      DROP TABLE streams;
    `,
});
