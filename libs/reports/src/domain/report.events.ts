import { ClaimedFigure } from './claims';
import { Figure } from './figures';

export const REPORT_STATUSES = ['developing', 'confirmed', 'retracted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type OpenStatus = Exclude<ReportStatus, 'retracted'>;

export const REVISION_KINDS = [
  'filed',
  'update',
  'correction',
  'claim',
  'retraction',
  'restoration',
] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];
/** The kinds a revision of figures and fields may have (`POST /reports/{id}/revisions`). */
export const REVISE_KINDS = ['update', 'correction'] as const satisfies readonly RevisionKind[];
/** The kinds of a `ReportRevised` event: a revision, or a claim recorded for comparison. */
export type RevisedKind = (typeof REVISE_KINDS)[number] | 'claim';

/** A report's fields besides its figures and sources, each a scalar a revision may set. */
export const DETAIL_FIELDS = ['title', 'summary', 'location', 'occurredAt', 'status'] as const;

export interface Source {
  readonly url: string;
  readonly publisher?: string;
}

/** What every revision records besides its changes: why, when the source said it, which source. */
export interface RevisionFacts {
  readonly reason: string | null;
  /** ISO 8601 UTC; null means "when it was recorded". */
  readonly reportedAt: string | null;
  readonly source: Source | null;
}

export interface DetailChanges {
  readonly title?: string;
  readonly summary?: string | null;
  readonly location?: string | null;
  readonly occurredAt?: string | null;
  readonly status?: OpenStatus;
}

/**
 * One event per revision, so that a report's revision is its stream's version and each revision
 * has exactly one hash in the chain. The `type` strings are what is stored: never rename them.
 */
export type ReportEvent =
  | {
      readonly type: 'ReportFiled';
      readonly data: RevisionFacts & {
        readonly title: string;
        readonly summary: string | null;
        readonly location: string | null;
        readonly occurredAt: string | null;
        readonly figures: readonly Figure[];
      };
    }
  | {
      readonly type: 'ReportRevised';
      readonly data: RevisionFacts & {
        readonly kind: RevisedKind;
        readonly details: DetailChanges;
        /**
         * The claims it recorded: each new for its publisher or changing the report's figure;
         * the adopted ones set the figure with their key (schema version 2).
         */
        readonly claims: readonly ClaimedFigure[];
        readonly removedFigures: readonly string[];
      };
    }
  | { readonly type: 'ReportRetracted'; readonly data: RevisionFacts }
  | {
      readonly type: 'ReportRestored';
      readonly data: RevisionFacts & { readonly status: OpenStatus };
    };

export type ReportEventType = ReportEvent['type'];

export const REPORT_EVENT_TYPES: readonly ReportEventType[] = [
  'ReportFiled',
  'ReportRevised',
  'ReportRetracted',
  'ReportRestored',
];

/** The schema version each type is recorded in now; a type not listed is at version 1. */
export const REPORT_SCHEMA_VERSIONS: Readonly<Partial<Record<ReportEventType, number>>> = {
  ReportRevised: 2,
};

/**
 * A stored event as the domain reads it, whatever version it was recorded in. `ReportRevised`
 * version 1 (before claims) set every figure it listed: each is an adopted claim. Stored events
 * are never rewritten; this reads them.
 */
export function fromStored(type: string, schemaVersion: number, data: unknown): ReportEvent {
  if (type === 'ReportRevised' && schemaVersion === 1) {
    const v1 = data as RevisionFacts & {
      kind: RevisedKind;
      details: DetailChanges;
      figures: readonly Figure[];
      removedFigures: readonly string[];
    };
    return {
      type,
      data: {
        kind: v1.kind,
        reason: v1.reason,
        reportedAt: v1.reportedAt,
        source: v1.source,
        details: v1.details,
        claims: v1.figures.map(({ key, measure, dimensions, amount }) => ({
          key,
          measure,
          dimensions,
          amount,
          adopted: true,
        })),
        removedFigures: v1.removedFigures,
      },
    };
  }
  return { type, data } as ReportEvent;
}

export function revisionKind(event: ReportEvent): RevisionKind {
  switch (event.type) {
    case 'ReportFiled':
      return 'filed';
    case 'ReportRevised':
      return event.data.kind;
    case 'ReportRetracted':
      return 'retraction';
    case 'ReportRestored':
      return 'restoration';
    default:
      return unreachable(event);
  }
}

export function unreachable(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
