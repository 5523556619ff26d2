import { Amount, Figure } from './figures';
import { DETAIL_FIELDS } from './report.events';
import { ReportState } from './report.state';

export interface Change {
  /** `title` | `summary` | `location` | `occurredAt` | `status` | `figures.<key>` | `sources.<url>` */
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * The field-level difference between two states of a report: what a revision changed (from the
 * state before it) and what `diff` answers between any two revisions. Fields changed and changed
 * back do not appear.
 */
export function diffReports(before: ReportState | null, after: ReportState): Change[] {
  const changes: Change[] = [];
  for (const field of DETAIL_FIELDS) {
    const from = before?.[field] ?? null;
    const to = after[field] ?? null;
    if (from !== to) changes.push({ path: field, from, to });
  }
  const beforeFigures = new Map((before?.figures ?? []).map((f) => [f.key, f]));
  const afterFigures = new Map(after.figures.map((f) => [f.key, f]));
  const keys = [...new Set([...beforeFigures.keys(), ...afterFigures.keys()])].sort();
  for (const key of keys) {
    const from = amountOf(beforeFigures.get(key));
    const to = amountOf(afterFigures.get(key));
    if (JSON.stringify(from) !== JSON.stringify(to)) {
      changes.push({ path: `figures.${key}`, from, to });
    }
  }
  const beforeSources = new Map((before?.sources ?? []).map((s) => [s.url, s]));
  const afterSources = new Map(after.sources.map((s) => [s.url, s]));
  for (const [url, source] of afterSources) {
    if (!beforeSources.has(url)) changes.push({ path: `sources.${url}`, from: null, to: source });
  }
  for (const [url, source] of beforeSources) {
    if (!afterSources.has(url)) changes.push({ path: `sources.${url}`, from: source, to: null });
  }
  return changes;
}

function amountOf(figure: Figure | undefined): Amount | null {
  return figure?.amount ?? null;
}
