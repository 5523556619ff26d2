import {
  AdoptedFigure,
  KeyClaims,
  LatestClaim,
  Publisher,
  citingPublisher,
  publisherOf,
  withClaims,
} from './claims';
import { Figure } from './figures';
import {
  OpenStatus,
  ReportEvent,
  ReportStatus,
  RevisionFacts,
  Source,
  unreachable,
} from './report.events';

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
  /** The adopted claims, one per key, sorted by key. */
  readonly figures: readonly AdoptedFigure[];
  /** In the order first cited. */
  readonly sources: readonly Source[];
  /** Each key ever claimed, sorted, with each publisher's latest claim on it. */
  readonly claims: readonly KeyClaims[];
  /** Every publisher cited or claiming, in the order first cited. */
  readonly publishers: readonly Publisher[];
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
    const filed: ReportState = {
      id: stamp.reportId,
      revision: stamp.revision,
      status: 'developing',
      statusBeforeRetraction: null,
      title: data.title,
      summary: data.summary,
      location: data.location,
      occurredAt: data.occurredAt,
      figures: [],
      sources: [],
      claims: [],
      publishers: [],
      createdAt: stamp.recordedAt,
      updatedAt: stamp.recordedAt,
    };
    return claiming(filed, data, stamp, data.figures, data.figures);
  }
  if (state === null) throw new Error(`${event.type} before ReportFiled in ${stamp.reportId}`);
  const next = { ...state, revision: stamp.revision, updatedAt: stamp.recordedAt };
  switch (event.type) {
    case 'ReportRevised': {
      const { details, claims, removedFigures } = event.data;
      const removed = new Set(removedFigures);
      const kept = {
        ...next,
        ...details,
        figures: next.figures.filter((f) => !removed.has(f.key)),
      };
      return claiming(
        kept,
        event.data,
        stamp,
        claims,
        claims.filter((claim) => claim.adopted),
      );
    }
    case 'ReportRetracted':
      return claiming(
        {
          ...next,
          status: 'retracted',
          statusBeforeRetraction: state.status === 'retracted' ? null : state.status,
        },
        event.data,
        stamp,
      );
    case 'ReportRestored':
      return claiming(
        { ...next, status: event.data.status, statusBeforeRetraction: null },
        event.data,
        stamp,
      );
    default:
      return unreachable(event);
  }
}

/**
 * The state once a revision's source is cited and its claims recorded: the adopted ones replace
 * the figures with their keys; each becomes its publisher's latest when it is newer.
 */
function claiming(
  state: ReportState,
  facts: RevisionFacts,
  stamp: RevisionStamp,
  claimed: readonly Figure[] = [],
  adopted: readonly Figure[] = [],
): ReportState {
  const publisher = publisherOf(facts.source);
  const reportedAt = facts.reportedAt ?? stamp.recordedAt;
  const url = facts.source?.url ?? null;
  const made: (LatestClaim & { key: string })[] = claimed.map(({ key, amount }) => ({
    key,
    publisher,
    amount,
    reportedAt,
    revision: stamp.revision,
    url,
  }));
  const replaced = new Set(adopted.map((figure) => figure.key));
  const adoptedFigures = adopted.map((figure) => ({
    key: figure.key,
    measure: figure.measure,
    dimensions: figure.dimensions,
    amount: figure.amount,
    publisher,
    reportedAt,
    revision: stamp.revision,
  }));
  const cites = facts.source !== null || claimed.length > 0;
  return {
    ...state,
    figures: sortFigures([...state.figures.filter((f) => !replaced.has(f.key)), ...adoptedFigures]),
    sources: citing(state.sources, facts.source),
    claims: made.length > 0 ? withClaims(state.claims ?? [], made) : (state.claims ?? []),
    publishers: cites
      ? citingPublisher(state.publishers ?? [], publisher, url, reportedAt)
      : (state.publishers ?? []),
  };
}

function citing(sources: readonly Source[], source: Source | null): readonly Source[] {
  if (!source || sources.some((known) => known.url === source.url)) return sources;
  return [...sources, source];
}

function sortFigures<F extends Figure>(figures: readonly F[]): F[] {
  return [...figures].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
