import { sqlMigration } from './sql-migration';

/**
 * Claims: the figure history keeps every claim (what it said, whose, whether it was adopted, or
 * late), the revision log each revision's claims, and the current reports the
 * flags their consistency checks raise. Rows written before this are rebuilt from the events
 * when the server or `tally migrate` finds them (their states hold no claims).
 */
export const Claims1764000000007 = sqlMigration('Claims1764000000007', {
  up: `
      ALTER TABLE report_figure_changes
        ADD COLUMN amount jsonb,
        ADD COLUMN publisher text,
        ADD COLUMN adopted boolean NOT NULL DEFAULT true,
        ADD COLUMN late boolean NOT NULL DEFAULT false;
      ALTER TABLE report_revisions ADD COLUMN claims jsonb NOT NULL DEFAULT '[]';
      ALTER TABLE report_current ADD COLUMN flags text[] NOT NULL DEFAULT '{}';
      CREATE INDEX report_current_flags_idx ON report_current USING gin (flags);
    `,
  down: `
      DROP INDEX report_current_flags_idx;
      ALTER TABLE report_current DROP COLUMN flags;
      ALTER TABLE report_revisions DROP COLUMN claims;
      ALTER TABLE report_figure_changes
        DROP COLUMN amount, DROP COLUMN publisher, DROP COLUMN adopted, DROP COLUMN late;
    `,
});
