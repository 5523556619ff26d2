import { sqlMigration } from './sql-migration';
import { APPEND_TO_STREAM, STREAMS } from './1764000000000-event-store';
import { EVENTS_NOTIFY } from './1764000000002-projections';
import { GRANT_APP_ROLE } from './1764000000004-app-role';

/** `grant_app_role` once the streams table and `append_to_stream` are gone. */
export const GRANT_APP_ROLE_LEAN = `CREATE OR REPLACE FUNCTION grant_app_role(p_role name) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_role);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT ON events, commands TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON projections TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON report_current, report_revisions,
                        report_figure_changes, stats_reports, stats_figure_periods TO %I', p_role);
        EXECUTE format('GRANT SELECT ON migrations TO %I', p_role);
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', p_role);
      END $$;`;

/**
 * Appends become one INSERT … SELECT from the stream's last event (see `APPEND_EVENT` in the
 * store): the unique (stream_id, stream_version) enforces concurrency, so the streams row that
 * every append locked and rewrote goes, with `append_to_stream`. The per-statement NOTIFY trigger
 * goes too: a NOTIFY takes a database-wide lock at commit, which made concurrent appends commit
 * one at a time; the store now sends one per 50 ms after its appends commit.
 */
export const LeanAppend1764000000005 = sqlMigration('LeanAppend1764000000005', {
  up: `
      DROP TRIGGER events_notify ON events;
      DROP FUNCTION events_notify();
      DROP FUNCTION append_to_stream(text, integer, jsonb, jsonb, text, text);
      DROP TABLE streams;

      ${GRANT_APP_ROLE_LEAN}
    `,
  down: `
      ${STREAMS}
      INSERT INTO streams (stream_id, version, head_hash, updated_at)
      SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash, recorded_at
        FROM events ORDER BY stream_id, stream_version DESC;
      ${APPEND_TO_STREAM}
      ${EVENTS_NOTIFY}
      DROP FUNCTION grant_app_role(name);
      ${GRANT_APP_ROLE}
      REVOKE ALL ON FUNCTION grant_app_role(name) FROM PUBLIC;
    `,
});
