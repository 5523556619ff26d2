import { Pool } from 'pg';
import { Amount, DETAIL_FIELDS, ReportState, Source, parseFigureKey } from './domain';

/**
 * A report as its sources had it at `reported`, as recorded up to revision `upTo` (all of them
 * when absent), or null when no revision was reported by then. One statement over the reported
 * axis' read models, a handful of index probes per field and per key however long the history:
 * - the newest revision taken into account: the last head reported by then (with `upTo`, the
 *   heads of a later log do not say, so the log is read back from `upTo`);
 * - each field as the revision reported last (then the later) among those that set it;
 * - the sources cited by those revisions, in the order they were first cited;
 * - each figure as the adoption rule picks among the claims it weighs (adopted or late) reported
 *   by then, after the figure's last removal reported by then.
 */
export async function reportedState(
  pool: Pool,
  reportId: string,
  reported: Date,
  upTo?: number,
): Promise<ReportState | null> {
  const { rows } = await pool.query<{
    filed: ReportState | null;
    newest: number | null;
    updated_at: Date | null;
    fields: Record<string, unknown> | null;
    sources: Source[] | null;
    figures: FigureRow[] | null;
  }>({
    name: 'tally_reported_state',
    text: `WITH RECURSIVE keys AS (
         (SELECT figure_key FROM report_figure_changes WHERE report_id = $1
           ORDER BY figure_key LIMIT 1)
         UNION ALL
         SELECT (SELECT f.figure_key FROM report_figure_changes f
                  WHERE f.report_id = $1 AND f.figure_key > k.figure_key
                  ORDER BY f.figure_key LIMIT 1)
           FROM keys k WHERE k.figure_key IS NOT NULL
       ), newest AS (
         SELECT CASE WHEN $2::integer IS NULL
           THEN (SELECT revision FROM report_reported_heads
                  WHERE report_id = $1 AND reported_at <= $3
                  ORDER BY reported_at DESC LIMIT 1)
           ELSE (SELECT revision FROM report_revisions
                  WHERE report_id = $1 AND revision <= $2 AND reported_at <= $3
                  ORDER BY revision DESC LIMIT 1)
         END AS revision
       )
       SELECT (SELECT state FROM report_revisions WHERE report_id = $1 AND revision = 1) AS filed,
              n.revision AS newest,
              (SELECT recorded_at FROM report_revisions
                WHERE report_id = $1 AND revision = n.revision) AS updated_at,
              (SELECT jsonb_object_agg(p.path, f.value)
                 FROM unnest($4::text[]) AS p(path)
                 CROSS JOIN LATERAL (
                   SELECT value FROM report_reported_fields
                    WHERE report_id = $1 AND path = p.path AND reported_at <= $3
                      AND revision <= n.revision
                    ORDER BY reported_at DESC, revision DESC LIMIT 1) f) AS fields,
              (SELECT jsonb_agg(value ORDER BY first) FROM (
                 SELECT value, min(revision) AS first FROM report_reported_fields
                  WHERE report_id = $1 AND path >= 'sources.' AND path < 'sources/'
                    AND reported_at <= $3 AND revision <= n.revision
                  GROUP BY path, value) cited) AS sources,
              (SELECT jsonb_agg(jsonb_build_object('key', k.figure_key, 'revision', c.revision,
                        'amount', c.amount, 'publisher', c.publisher,
                        'reportedAt', c.reported_at) ORDER BY k.figure_key)
                 FROM keys k
                 CROSS JOIN LATERAL (
                   SELECT coalesce(max(revision), 0) AS removed FROM report_figure_changes
                    WHERE report_id = $1 AND figure_key = k.figure_key AND amount IS NULL
                      AND reported_at <= $3 AND revision <= n.revision) cut
                 CROSS JOIN LATERAL (
                   SELECT revision, amount, publisher, reported_at FROM report_figure_changes
                    WHERE report_id = $1 AND figure_key = k.figure_key
                      AND amount IS NOT NULL AND (adopted OR late)
                      AND reported_at <= $3 AND revision <= n.revision
                      AND revision > cut.removed
                    ORDER BY reported_at DESC, revision DESC LIMIT 1) c
                WHERE k.figure_key IS NOT NULL) AS figures
         FROM newest n`,
    values: [reportId, upTo ?? null, reported, DETAIL_FIELDS],
  });
  const found = rows[0];
  if (!found?.filed || found.newest === null) return null;
  return {
    ...found.filed,
    ...(found.fields as Partial<ReportState>),
    revision: found.newest,
    sources: found.sources ?? [],
    updatedAt: found.updated_at!.toISOString(),
    figures: (found.figures ?? []).map((row) => ({
      ...parseFigureKey(row.key),
      amount: row.amount,
      publisher: row.publisher,
      reportedAt: new Date(row.reportedAt).toISOString(),
      revision: row.revision,
    })),
  };
}

interface FigureRow {
  key: string;
  revision: number;
  amount: Amount;
  publisher: string;
  reportedAt: string;
}
