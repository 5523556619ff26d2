import { grantingAlso, sqlMigration } from './sql-migration';
import { GRANT_APP_ROLE_GUARDED } from './1764000000006-guarded-events';

/** The fields a report's revisions set, as `report_revisions.changes` names them. */
const FIELD_PATHS = `c->>'path' IN ('title', 'summary', 'location', 'occurredAt', 'status')
                     OR c->>'path' LIKE 'sources.%'`;

export const GRANT_APP_ROLE_REPORTED = grantingAlso(
  GRANT_APP_ROLE_GUARDED,
  'report_figure_changes',
  ['report_reported_fields', 'report_reported_heads'],
);

/**
 * The reported axis as read models, so that "what had the sources said by then" reads a few index
 * entries however long a report's history:
 * - `report_figure_changes.reported_at`: each claim's reported time, indexed by key for the claims
 *   the adoption rule weighs (adopted or late) and for removals;
 * - `report_reported_fields`: each change a revision made to a field or its sources, with its
 *   reported time;
 * - `report_reported_heads`: for each report, the revisions that no later revision was reported
 *   before (at or before the same time): the newest revision reported by any time is the head
 *   reported last by it.
 * Filled here from the revision log; the projection keeps them from now on.
 */
export const ReportedTime1764000000008 = sqlMigration('ReportedTime1764000000008', {
  up: `
      ALTER TABLE report_figure_changes ADD COLUMN reported_at timestamptz;
      UPDATE report_figure_changes f SET reported_at = r.reported_at
        FROM report_revisions r WHERE r.report_id = f.report_id AND r.revision = f.revision;
      ALTER TABLE report_figure_changes ALTER COLUMN reported_at SET NOT NULL;
      CREATE INDEX report_figure_changes_weighed_idx
        ON report_figure_changes (report_id, figure_key, reported_at DESC, revision DESC)
        WHERE amount IS NOT NULL AND (adopted OR late);
      CREATE INDEX report_figure_changes_removed_idx
        ON report_figure_changes (report_id, figure_key, revision) WHERE amount IS NULL;

      CREATE TABLE report_reported_fields (
        report_id uuid NOT NULL,
        path text NOT NULL,
        revision integer NOT NULL,
        reported_at timestamptz NOT NULL,
        value jsonb,
        PRIMARY KEY (report_id, path, revision)
      );
      CREATE INDEX report_reported_fields_reported_idx
        ON report_reported_fields (report_id, path, reported_at DESC, revision DESC);
      INSERT INTO report_reported_fields (report_id, path, revision, reported_at, value)
      SELECT r.report_id, c->>'path', r.revision, r.reported_at, c->'to'
        FROM report_revisions r, jsonb_array_elements(r.changes) c
       WHERE ${FIELD_PATHS};

      CREATE TABLE report_reported_heads (
        report_id uuid NOT NULL,
        revision integer NOT NULL,
        reported_at timestamptz NOT NULL,
        PRIMARY KEY (report_id, revision)
      );
      CREATE INDEX report_reported_heads_reported_idx
        ON report_reported_heads (report_id, reported_at DESC);
      INSERT INTO report_reported_heads (report_id, revision, reported_at)
      SELECT report_id, revision, reported_at FROM (
        SELECT report_id, revision, reported_at,
               min(reported_at) OVER (PARTITION BY report_id ORDER BY revision DESC
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later
          FROM report_revisions) r
       WHERE later IS NULL OR later > reported_at;

      ${GRANT_APP_ROLE_REPORTED}
    `,
  down: `
      ${GRANT_APP_ROLE_GUARDED}
      DROP TABLE report_reported_heads;
      DROP TABLE report_reported_fields;
      DROP INDEX report_figure_changes_removed_idx;
      DROP INDEX report_figure_changes_weighed_idx;
      ALTER TABLE report_figure_changes DROP COLUMN reported_at;
    `,
});
