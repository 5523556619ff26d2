import { Figure } from './figures';

export const REPORT_STATUSES = ['developing', 'confirmed', 'retracted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type OpenStatus = Exclude<ReportStatus, 'retracted'>;

export const REVISION_KINDS = [
  'filed',
  'update',
  'correction',
  'retraction',
  'restoration',
] as const;
export type RevisionKind = (typeof REVISION_KINDS)[number];
/** The kinds a revision of figures and fields may have (`POST /reports/{id}/revisions`). */
export const REVISE_KINDS = ['update', 'correction'] as const satisfies readonly RevisionKind[];

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
        readonly kind: (typeof REVISE_KINDS)[number];
        readonly details: DetailChanges;
        /** Figures set, new or replacing the figure with the same key. */
        readonly figures: readonly Figure[];
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
