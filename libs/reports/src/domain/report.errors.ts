/** Errors of the reports domain: each has a stable `code` and knows nothing of HTTP. */
export abstract class ReportError extends Error {
  abstract readonly code: string;
  /** Public fields that describe the error to a client. */
  readonly extensions: Readonly<Record<string, unknown>> = {};
}

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export class InvalidRevision extends ReportError {
  readonly code = 'invalid_revision';
  override readonly extensions: { errors: readonly FieldProblem[] };

  constructor(readonly errors: readonly FieldProblem[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    this.extensions = { errors };
  }

  static at(path: string, message: string): InvalidRevision {
    return new InvalidRevision([{ path, message }]);
  }
}

export class ReportNotFound extends ReportError {
  readonly code = 'report_not_found';

  constructor(readonly reportId: string) {
    super(`no report ${reportId}`);
  }
}

export class RevisionNotFound extends ReportError {
  readonly code = 'revision_not_found';

  constructor(
    readonly reportId: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export class ReportRetracted extends ReportError {
  readonly code = 'report_retracted';

  constructor(readonly reportId: string) {
    super(`report ${reportId} is retracted: it takes no revision until it is restored`);
  }
}

export class ReportNotRetracted extends ReportError {
  readonly code = 'report_not_retracted';

  constructor(readonly reportId: string) {
    super(`report ${reportId} is not retracted`);
  }
}

export class RevisionConflict extends ReportError {
  readonly code = 'stream_version_conflict';
  override readonly extensions: { currentRevision: number };

  constructor(
    readonly reportId: string,
    readonly expectedRevision: number,
    readonly currentRevision: number,
  ) {
    super(
      `report ${reportId} is at revision ${currentRevision}, not ${expectedRevision}: ` +
        'read it again and reapply your change',
    );
    this.extensions = { currentRevision };
  }
}

export class FigureNotFound extends ReportError {
  readonly code = 'figure_not_found';

  constructor(
    readonly reportId: string,
    readonly key: string,
  ) {
    super(`report ${reportId} never had a figure ${key}`);
  }
}
