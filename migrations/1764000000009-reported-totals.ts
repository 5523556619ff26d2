import { grantingAlso, sqlMigration } from './sql-migration';
import { GRANT_APP_ROLE_REPORTED } from './1764000000008-reported-time';

export const GRANT_APP_ROLE_REPORTED_TOTALS = grantingAlso(
  GRANT_APP_ROLE_REPORTED,
  'stats_figure_periods',
  ['stats_reported_items', 'stats_reported_periods'],
);

/**
 * Totals on the reported axis: each report's headline figures as its sources had them, over
 * periods of reported time as recorded over periods of recorded time (`stats_reported_periods`),
 * kept from what each revision says on that
 * axis (`stats_reported_items`) and the report's sweep so far (`stats_reports.reported`). The
 * totals projection's rows written before this hold no sweep: the server and `tally migrate`
 * rebuild it from the events when they find one.
 */
export const ReportedTotals1764000000009 = sqlMigration('ReportedTotals1764000000009', {
  up: `
      ALTER TABLE stats_reports ADD COLUMN reported jsonb;
      CREATE TABLE stats_reported_items (
        report_id uuid NOT NULL,
        revision integer NOT NULL,
        item jsonb NOT NULL,
        PRIMARY KEY (report_id, revision)
      );
      -- Bitemporal: a report's headline figure over a period of reported time, as recorded over a
      -- period of recorded time. No unique key: a change closes a current row and opens its
      -- successor with the same reported start in one statement, which a unique index refuses.
      CREATE TABLE stats_reported_periods (
        report_id uuid NOT NULL,
        measure text NOT NULL,
        location text,
        min bigint NOT NULL,
        max bigint NOT NULL,
        reported_from timestamptz NOT NULL,
        reported_to timestamptz,
        recorded_from timestamptz NOT NULL,
        recorded_to timestamptz
      );
      CREATE INDEX stats_reported_periods_measure_idx
        ON stats_reported_periods (measure, reported_from);
      CREATE INDEX stats_reported_periods_current_idx
        ON stats_reported_periods (report_id, measure, reported_from) WHERE recorded_to IS NULL;
      ${GRANT_APP_ROLE_REPORTED_TOTALS}
    `,
  down: `
      ${GRANT_APP_ROLE_REPORTED}
      DROP TABLE stats_reported_periods;
      DROP TABLE stats_reported_items;
      ALTER TABLE stats_reports DROP COLUMN reported;
    `,
});
