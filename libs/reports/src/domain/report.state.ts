import { Figure } from './figures';
import { OpenStatus, ReportEvent, ReportStatus, Source, unreachable } from './report.events';

export interface ReportState {
  readonly id: string;
  readonly revision: number;
  readonly status: ReportStatus;
  /** The status a restoration returns to. */
  readonly statusBeforeRetraction: OpenStatus | null;
  readonly title: string;
  readonly summary: string | null;
  readonly location: string | null;
  readonly occurredAt: string | null;
  /** Sorted by key. */
  readonly figures: readonly Figure[];
  /** In the order first cited. */
  readonly sources: readonly Source[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Where an event sits: the revision it makes and when the store recorded it (ISO 8601). */
export interface RevisionStamp {
  readonly reportId: string;
  readonly revision: number;
  readonly recordedAt: string;
}

export function evolve(
  state: ReportState | null,
  event: ReportEvent,
  stamp: RevisionStamp,
): ReportState {
  if (event.type === 'ReportFiled') {
    const { data } = event;
    return {
      id: stamp.reportId,
      revision: stamp.revision,
      status: 'developing',
      statusBeforeRetraction: null,
      title: data.title,
      summary: data.summary,
      location: data.location,
      occurredAt: data.occurredAt,
      figures: sortFigures(data.figures),
      sources: data.source ? [data.source] : [],
      createdAt: stamp.recordedAt,
      updatedAt: stamp.recordedAt,
    };
  }
  if (state === null) throw new Error(`${event.type} before ReportFiled in ${stamp.reportId}`);
  const next = {
    ...state,
    revision: stamp.revision,
    updatedAt: stamp.recordedAt,
    sources: citing(state.sources, event.data.source),
  };
  switch (event.type) {
    case 'ReportRevised': {
      const { details, figures, removedFigures } = event.data;
      const replaced = new Set([...removedFigures, ...figures.map((f) => f.key)]);
      return {
        ...next,
        ...details,
        figures: sortFigures([...state.figures.filter((f) => !replaced.has(f.key)), ...figures]),
      };
    }
    case 'ReportRetracted':
      return {
        ...next,
        status: 'retracted',
        statusBeforeRetraction: state.status === 'retracted' ? null : state.status,
      };
    case 'ReportRestored':
      return { ...next, status: event.data.status, statusBeforeRetraction: null };
    default:
      return unreachable(event);
  }
}

function citing(sources: readonly Source[], source: Source | null): readonly Source[] {
  if (!source || sources.some((known) => known.url === source.url)) return sources;
  return [...sources, source];
}

function sortFigures(figures: readonly Figure[]): Figure[] {
  return [...figures].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
