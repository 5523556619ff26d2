import { FigureInput } from './figures';
import { ReportStatus, Source } from './report.events';

/** What a revision says about itself; `reportedAt` is ISO 8601 UTC. */
interface RevisionInput {
  readonly reason?: string | null;
  readonly reportedAt?: string | null;
  readonly source?: Source | null;
}

export type ReportCommand =
  | (RevisionInput & {
      readonly type: 'FileReport';
      readonly title: string;
      readonly summary?: string | null;
      readonly location?: string | null;
      readonly occurredAt?: string | null;
      readonly figures?: readonly FigureInput[];
    })
  | (RevisionInput & {
      readonly type: 'ReviseReport';
      readonly kind?: string;
      readonly set?: {
        readonly title?: string;
        readonly summary?: string | null;
        readonly location?: string | null;
        readonly occurredAt?: string | null;
        readonly status?: ReportStatus;
      };
      readonly figures?: readonly FigureInput[];
      readonly removeFigures?: readonly string[];
    })
  | (RevisionInput & {
      /** What a source said, recorded for comparison and never adopted. */
      readonly type: 'RecordClaims';
      readonly figures?: readonly FigureInput[];
    })
  | (RevisionInput & { readonly type: 'RetractReport' })
  | (RevisionInput & { readonly type: 'RestoreReport' });
