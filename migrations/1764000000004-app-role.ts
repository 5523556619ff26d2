import { sqlMigration } from './sql-migration';

/** `grant_app_role` as first written, for the streams table and the append function. */
export const GRANT_APP_ROLE = `
      CREATE FUNCTION grant_app_role(p_role name) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_role);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT ON events TO %I', p_role);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON streams, commands, projections TO %I',
                       p_role);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON report_current, report_revisions,
                        report_figure_changes, stats_reports, stats_figure_periods TO %I', p_role);
        EXECUTE format('GRANT SELECT ON migrations TO %I', p_role);
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', p_role);
        EXECUTE format('GRANT EXECUTE ON FUNCTION append_to_stream(text, integer, jsonb, jsonb,
                        text, text) TO %I', p_role);
      END $$;`;

/**
 * `grant_app_role(role)`: what a deployment that separates the owner (who migrates and rebuilds)
 * from the server's role grants the latter. It may read everything and append events, never
 * UPDATE, DELETE or TRUNCATE them; the append-only trigger stays as the second line of defence.
 *
 *   CREATE ROLE tally_app LOGIN PASSWORD '…';
 *   SELECT grant_app_role('tally_app');   -- as the owner, after the migrations
 */
export const AppRole1764000000004 = sqlMigration('AppRole1764000000004', {
  up: `
      ${GRANT_APP_ROLE}
      REVOKE ALL ON FUNCTION grant_app_role(name) FROM PUBLIC;
    `,
  down: 'DROP FUNCTION grant_app_role(name)',
});
