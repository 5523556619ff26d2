import { AdoptedFigure, ClaimBook, KeyClaims, Publisher, entered, publisherOf } from './claims';
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
  /**
   * The claim book: each key ever claimed (sorted) with each publisher's latest claim on it, and
   * every publisher cited or claiming (first cited first). Absent from the revision log's states.
   */
  readonly claims?: readonly KeyClaims[];
  readonly publishers?: readonly Publisher[];
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
    return claiming(filed, filed, data, stamp, data.figures, data.figures);
  }
  if (state === null) throw new Error(`${event.type} before ReportFiled in ${stamp.reportId}`);
  switch (event.type) {
    case 'ReportRevised': {
      const { details, claims, removedFigures } = event.data;
      const removed = new Set(removedFigures);
      const fields = {
        status: details.status ?? state.status,
        statusBeforeRetraction: state.statusBeforeRetraction,
        title: details.title ?? state.title,
        summary: details.summary === undefined ? state.summary : details.summary,
        location: details.location === undefined ? state.location : details.location,
        occurredAt: details.occurredAt === undefined ? state.occurredAt : details.occurredAt,
        figures: removed.size ? state.figures.filter((f) => !removed.has(f.key)) : state.figures,
      };
      const adopted = claims.filter((claim) => claim.adopted);
      return claiming(state, fields, event.data, stamp, claims, adopted);
    }
    case 'ReportRetracted':
      return claiming(
        state,
        {
          ...state,
          status: 'retracted',
          statusBeforeRetraction: state.status === 'retracted' ? null : state.status,
        },
        event.data,
        stamp,
      );
    case 'ReportRestored':
      return claiming(
        state,
        { ...state, status: event.data.status, statusBeforeRetraction: null },
        event.data,
        stamp,
      );
    default:
      return unreachable(event);
  }
}

/** What a revision may change of a report besides its sources and claims. */
type RevisedFields = Pick<
  ReportState,
  'status' | 'statusBeforeRetraction' | 'title' | 'summary' | 'location' | 'occurredAt' | 'figures'
>;

/**
 * The state after a revision: its fields, its source cited and its claims recorded (the adopted
 * ones replace the figures with their keys; each becomes its publisher's latest when newer).
 * Built whole, field by field: every state has one shape.
 */
function claiming(
  state: ReportState,
  fields: RevisedFields,
  facts: RevisionFacts,
  stamp: RevisionStamp,
  claimed: readonly Figure[] = [],
  adopted: readonly Figure[] = [],
): ReportState {
  const publisher = publisherOf(facts.source);
  const reportedAt = facts.reportedAt ?? stamp.recordedAt;
  const book = entered(bookOf(state), {
    publisher,
    reportedAt,
    revision: stamp.revision,
    url: facts.source?.url ?? null,
    claims: claimed,
  });
  return {
    id: state.id,
    revision: stamp.revision,
    status: fields.status,
    statusBeforeRetraction: fields.statusBeforeRetraction,
    title: fields.title,
    summary: fields.summary,
    location: fields.location,
    occurredAt: fields.occurredAt,
    figures:
      adopted.length === 0
        ? fields.figures
        : adopting(fields.figures, adopted, publisher, reportedAt, stamp.revision),
    sources: citing(state.sources, facts.source),
    claims: book.claims,
    publishers: book.publishers,
    createdAt: state.createdAt,
    updatedAt: stamp.recordedAt,
  };
}

/** The figures once the adopted claims replace those with their keys. */
function adopting(
  figures: readonly AdoptedFigure[],
  adopted: readonly Figure[],
  publisher: string,
  reportedAt: string,
  revision: number,
): AdoptedFigure[] {
  const replaced = new Set(adopted.map((figure) => figure.key));
  const made = adopted.map(({ key, measure, dimensions, amount }) => ({
    key,
    measure,
    dimensions,
    amount,
    publisher,
    reportedAt,
    revision,
  }));
  return sortFigures([...figures.filter((f) => !replaced.has(f.key)), ...made]);
}

/** The claim book a state holds; a state read from the revision log holds none. */
export function bookOf(state: ReportState): ClaimBook {
  return { claims: state.claims ?? [], publishers: state.publishers ?? [] };
}

/**
 * The state as the revision log keeps it after each revision: the report as it stood, without
 * the claim book, which grows with every publisher and key and is rebuilt from the log's claims
 * when a past revision's sources are asked for.
 */
export function loggedState(state: ReportState): ReportState {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { claims, publishers, ...logged } = state;
  return logged;
}

function citing(sources: readonly Source[], source: Source | null): readonly Source[] {
  if (!source || sources.some((known) => known.url === source.url)) return sources;
  return [...sources, source];
}

function sortFigures<F extends Figure>(figures: readonly F[]): F[] {
  return [...figures].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
