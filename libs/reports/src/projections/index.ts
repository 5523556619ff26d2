import { FigureHistoryProjection } from './figure-history.projection';
import { FigureTotalsProjection } from './figure-totals.projection';
import { ReportCurrentProjection } from './report-current.projection';
import { ReportRevisionsProjection } from './report-revisions.projection';

/** The report projections that commit with the events that feed them. */
export function reportProjections() {
  return [
    new ReportCurrentProjection(),
    new ReportRevisionsProjection(),
    new FigureHistoryProjection(),
  ];
}

/** The report projections that a daemon keeps up to date behind the appends. */
export function asyncReportProjections() {
  return [new FigureTotalsProjection()];
}
