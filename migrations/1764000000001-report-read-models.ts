import { sqlMigration } from './sql-migration';

/**
 * The reports' read models, written by inline projections in the transaction that appends the
 * events: the current report, the revision log (with the state after each revision, which is
 * what time travel and diffs read) and the history of each figure.
 */
export const ReportReadModels1764000000001 = sqlMigration('ReportReadModels1764000000001', {
  up: `
      CREATE TABLE report_current (
        report_id uuid PRIMARY KEY,
        revision integer NOT NULL,
        status text NOT NULL,
        location text,
        search tsvector NOT NULL,
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX report_current_updated_idx ON report_current (updated_at DESC, report_id DESC);
      CREATE INDEX report_current_search_idx ON report_current USING gin (search);

      CREATE TABLE report_revisions (
        report_id uuid NOT NULL,
        revision integer NOT NULL,
        kind text NOT NULL,
        reason text,
        actor text,
        recorded_at timestamptz NOT NULL,
        reported_at timestamptz NOT NULL,
        source jsonb,
        changes jsonb NOT NULL,
        hash text NOT NULL,
        state jsonb NOT NULL,
        PRIMARY KEY (report_id, revision)
      );
      CREATE INDEX report_revisions_recorded_idx ON report_revisions (report_id, recorded_at);

      CREATE TABLE report_figure_changes (
        report_id uuid NOT NULL,
        figure_key text NOT NULL,
        revision integer NOT NULL,
        from_amount jsonb,
        to_amount jsonb,
        PRIMARY KEY (report_id, figure_key, revision)
      );
    `,
  down: `
      DROP TABLE report_figure_changes;
      DROP TABLE report_revisions;
      DROP TABLE report_current;
    `,
});
