import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  Amount,
  FigureChangeItem,
  FigureHistoryQuery,
  GetReportQuery,
  GetSourcesQuery,
  ListRevisionsQuery,
  ReportAt,
  RevisionItem,
  VerifyReportQuery,
  figureSourcesView,
  reportView,
  sourcesView,
} from '@tally/reports';
import { ChartPoint, Step, stepChart } from './charts';
import { amountText, checkWords, figureAmount, timeText } from './words';

/** Which axis the timelines are drawn on. */
export type Axis = 'reported' | 'recorded';

/** How many revisions the log shows at a time, newest first. */
const LOG_PAGE = 20;
/** The most changes of one figure a timeline draws (the latest). */
const CHART_POINTS = 2_000;

/**
 * A report's page, read through the same queries as the API: the report (now, at a revision or
 * at a time on either axis), its figures and checks in words, a timeline of each figure, its
 * sources side by side, a page of its revision log with each revision's changes, and (asked for)
 * its chain verified.
 */
@Injectable()
export class ReportPages {
  constructor(private readonly queries: QueryBus) {}

  async page(
    id: string,
    at: ReportAt,
    options: { axis: Axis; verify: boolean; logBefore?: number },
  ) {
    const travelled =
      at.revision !== undefined || at.asOf !== undefined || at.reportedAsOf !== undefined;
    const state = await this.queries.execute(new GetReportQuery(id, at));
    const now = travelled ? await this.queries.execute(new GetReportQuery(id, {})) : state;
    const report = reportView(state);
    const shown = at.reportedAsOf ? { revision: state.revision } : at;
    const [sources, charts, log, verification] = await Promise.all([
      this.sources(id, shown),
      Promise.all(
        report.figures.map(async (figure, i) => ({
          key: figure.key,
          svg: await this.chart(id, figure.key, shown, options.axis, `chart-${i}`, state.updatedAt),
        })),
      ),
      this.log(id, options.logBefore ?? now.revision + 1),
      options.verify ? this.queries.execute(new VerifyReportQuery(id)) : Promise.resolve(null),
    ]);
    return {
      report,
      head: now.revision,
      travelled: travelled ? travelText(at, state.revision) : null,
      figures: report.figures.map((f) => ({
        key: f.key,
        amount: amountText(figureAmount(f)),
        publisher: f.publisher,
        reportedAt: f.reportedAt,
      })),
      checks: checkWords(report),
      charts,
      sources,
      log: log.items,
      older: log.older,
      verification,
    };
  }

  /** Each publisher's latest claim on each key, the adopted one marked, and each key's range. */
  private async sources(id: string, at: ReportAt) {
    const { figures, book } = await this.queries.execute(new GetSourcesQuery(id, at));
    const keys = book.claims.map(({ key }) => {
      const view = figureSourcesView(book, figures, key)!;
      return { key, range: view.range ? amountText(rangeAmount(view.range)) : '—' };
    });
    const publishers = sourcesView(book).map((publisher) => ({
      publisher: publisher.publisher,
      cells: keys.map(({ key }) => {
        const claim = publisher.figures.find((f) => f.key === key);
        if (!claim) return null;
        const figure = figures.find((f) => f.key === key);
        return {
          amount: amountText(claim.amount),
          reportedAt: claim.reportedAt,
          adopted: figure?.publisher === publisher.publisher && figure.revision === claim.revision,
        };
      }),
    }));
    return { keys, publishers };
  }

  /**
   * One figure's timeline: on the recorded axis, its adopted amount after each revision that
   * claimed it, at the revision's recorded time; on the reported axis, the claims the adoption
   * rule weighs, each holding from its reported time until one reported later (a removal ends
   * it), claims not weighed drawn hollow.
   */
  private async chart(
    id: string,
    key: string,
    at: ReportAt,
    axis: Axis,
    chartId: string,
    until: string,
  ): Promise<string> {
    const order = axis === 'reported' ? 'reported' : 'revision';
    const { items } = await this.queries.execute(
      new FigureHistoryQuery(id, key, at, order, CHART_POINTS, null),
    );
    const time = (item: FigureChangeItem) =>
      Date.parse(axis === 'reported' ? item.reportedAt : item.recordedAt);
    const steps: Step[] = [];
    const points: ChartPoint[] = [];
    let removedAt = 0;
    for (const item of items) {
      const weighed = item.adopted || item.late;
      const value = axis === 'reported' ? (weighed ? item.amount : null) : item.to;
      if (axis === 'recorded' || item.amount === null) {
        if (item.amount === null) removedAt = item.revision;
        steps.push({ at: time(item), ...bounds(axis === 'recorded' ? item.to : null) });
      } else if (weighed && item.revision > removedAt) {
        steps.push({ at: time(item), ...bounds(value) });
      }
      points.push({
        at: time(item),
        value: item.amount === null ? null : upper(item.amount),
        revision: item.revision,
        adopted: axis === 'recorded' ? item.adopted : weighed,
        label: pointLabel(key, item),
      });
    }
    return stepChart({
      id: chartId,
      title: `${key} over ${axis} time`,
      steps,
      points,
      until: drawnUntil(
        points.map((p) => p.at),
        axis === 'recorded' ? Date.parse(until) : 0,
      ),
    });
  }

  /** A page of the revision log, newest first: the revisions before `before`. */
  private async log(id: string, before: number) {
    const after = Math.max(0, before - 1 - LOG_PAGE);
    const { items } = await this.queries.execute(
      new ListRevisionsQuery(id, before - 1 - after, after),
    );
    return {
      items: (items as RevisionItem[])
        .slice()
        .reverse()
        .map((v) => ({
          ...v,
          changes: v.changes.map((c) => ({
            path: c.path,
            from: valueText(c.from),
            to: valueText(c.to),
          })),
          claims: v.claims.map((c) => ({
            ...c,
            amount: amountText(c.amount),
            state: c.adopted ? 'adopted' : c.late ? 'late' : 'claim',
          })),
        })),
      older: after > 0 ? `?before=${after + 1}` : null,
    };
  }
}

/** Where a timeline ends: a little after its last change (and, recorded, its last revision). */
function drawnUntil(times: readonly number[], last: number): number {
  const first = Math.min(...times);
  const end = Math.max(last, ...times);
  return end + Math.max((end - first) * 0.15, 3_600_000);
}

function travelText(at: ReportAt, revision: number): string {
  const parts: string[] = [];
  if (at.revision !== undefined) parts.push(`revision ${at.revision}`);
  if (at.asOf) parts.push(`what was recorded by ${timeText(at.asOf.toISOString())}`);
  if (at.reportedAsOf) {
    parts.push(`what the sources had said by ${timeText(at.reportedAsOf.toISOString())}`);
  }
  return `${parts.join(', of ')} (revision ${revision})`;
}

function bounds(amount: Amount | null): { min: number | null; max: number | null } {
  if (amount === null) return { min: null, max: null };
  return typeof amount === 'number' ? { min: amount, max: amount } : amount;
}

function upper(amount: Amount): number {
  return typeof amount === 'number' ? amount : amount.max;
}

function rangeAmount(range: { min: number; max: number }): Amount {
  return range.min === range.max ? range.min : range;
}

function pointLabel(key: string, item: FigureChangeItem): string {
  const said = item.amount === null ? 'removed' : amountText(item.amount);
  const state =
    item.amount === null ? '' : item.adopted ? ', adopted' : item.late ? ', late' : ', a claim';
  return `Revision ${item.revision}: ${key} ${said} (${item.publisher ?? 'no publisher'}${state}), reported ${timeText(item.reportedAt)}`;
}

/** A change's value as text: an amount, a source, a text, or a dash for none. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  const record = value as Record<string, unknown>;
  if (typeof record.min === 'number' && typeof record.max === 'number') {
    return amountText(value as Amount);
  }
  if (typeof record.url === 'string') {
    return record.publisher ? `${String(record.publisher)} (${record.url})` : record.url;
  }
  return JSON.stringify(value);
}
