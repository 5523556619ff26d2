import { sqlMigration } from './sql-migration';

/**
 * The async projection behind /stats/figures: each report's headline figures over the periods
 * they held (from the revision that set them to the one that changed them), so that totals as
 * recorded at any time are one indexed aggregate, not a replay.
 */
export const FigureTotals1764000000003 = sqlMigration('FigureTotals1764000000003', {
  up: `
      CREATE TABLE stats_reports (
        report_id uuid PRIMARY KEY,
        state jsonb NOT NULL
      );
      CREATE TABLE stats_figure_periods (
        report_id uuid NOT NULL,
        measure text NOT NULL,
        revision integer NOT NULL,
        location text,
        min bigint NOT NULL,
        max bigint NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz,
        PRIMARY KEY (report_id, measure, revision)
      );
      CREATE INDEX stats_figure_periods_measure_idx
        ON stats_figure_periods (measure, valid_from);
    `,
  down: 'DROP TABLE stats_figure_periods; DROP TABLE stats_reports;',
});
