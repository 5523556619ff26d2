import { Figure } from './figures';
import { ReportState } from './report.state';

/** A figure as the API shows it: `value` for an exact count, `min`/`max` for a range. */
export function figureView(figure: Figure) {
  const { key, measure, dimensions, amount } = figure;
  return typeof amount === 'number'
    ? { key, measure, dimensions, value: amount }
    : { key, measure, dimensions, min: amount.min, max: amount.max };
}

/** The report as the API shows it. */
export function reportView(state: ReportState) {
  return {
    id: state.id,
    revision: state.revision,
    status: state.status,
    title: state.title,
    summary: state.summary,
    location: state.location,
    occurredAt: state.occurredAt,
    figures: state.figures.map(figureView),
    sources: state.sources,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
  };
}

export type ReportView = ReturnType<typeof reportView>;
