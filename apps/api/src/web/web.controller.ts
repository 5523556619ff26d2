import { Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { MAX_INT32, Public, ValidationFailed, parseZonedTime, refusedInput } from '@tally/http';
import type { TallyRequest } from '@tally/http';
import {
  DiffRevisionsQuery,
  GetReportQuery,
  ListReportsQuery,
  REPORT_STATUSES,
  ReportError,
  ReportNotFound,
  RevisionConflict,
  reportAt,
  reportListCursor,
  revisionNumber,
  reportView,
} from '@tally/reports';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { WriteCommand, checkedBody, messageOf, reasonOf } from '../http/write-commands';
import { ReportPages, valueText } from './report-page';
import { DeskForm, bodyOf, emptyForm, formOf, zoned } from './desk-form';
import { WebErrors, WebPageError } from './web-errors.filter';
import { PageFrame, Views } from './views';
import { WebSessions } from './web-session';
import { amountText, figureAmount } from './words';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Content Security Policy of the pages: everything from this server, nothing inline. */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/**
 * Tally's web app: HTML pages at `/` and under `/ui/`, read through the same query handlers as
 * the API and written through the same command bus, behind a session cookie (see
 * `WebSessions`). Excluded from the OpenAPI document, which describes the JSON API.
 */
@ApiExcludeController()
@Public()
@UseFilters(WebErrors)
@Controller()
export class WebController {
  constructor(
    private readonly views: Views,
    private readonly sessions: WebSessions,
    private readonly pages: ReportPages,
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  async reports(@Req() request: TallyRequest, @Res() response: Response) {
    const frame = this.reader(request, response, 'Reports');
    if (!frame) return;
    const q = text(request.query.q, 200);
    const location = text(request.query.location, 200);
    const status = choice(request.query.status, REPORT_STATUSES);
    const check = choice(request.query.check, ['exceeds', 'stale'] as const);
    let after;
    try {
      after = reportListCursor(text(request.query.cursor, 500) || undefined);
    } catch {
      throw new WebPageError(400, 'This list link is not valid', 'Start again from every report.');
    }
    const page = await this.queries.execute(
      new ListReportsQuery(
        { q: q || undefined, location: location || undefined, status, check },
        25,
        after,
      ),
    );
    const reports = page.items.map((r) => {
      const headline =
        r.figures.find((f) => f.key === 'killed') ?? r.figures.find((f) => f.key === f.measure);
      return {
        ...r,
        toll: headline ? `${headline.key} ${amountText(figureAmount(headline))}` : 'no toll',
      };
    });
    const next = page.nextCursor
      ? `?${new URLSearchParams({ ...(q && { q }), ...(location && { location }), ...(status && { status }), ...(check && { check }), cursor: page.nextCursor })}`
      : null;
    this.send(response, 200, 'reports', frame, {
      reports,
      next,
      statuses: REPORT_STATUSES,
      filters: { q, location, status: status ?? '', check: check ?? '' },
    });
  }

  @Get('ui/reports/:id')
  async report(@Param('id') id: string, @Req() request: TallyRequest, @Res() response: Response) {
    const frame = this.reader(request, response, 'Report');
    if (!frame) return;
    const at = this.travel(request);
    const axis = request.query.axis === 'recorded' ? 'recorded' : 'reported';
    const before = Number(text(request.query.before, 12));
    const page = await this.pages.page(this.reportId(id), at, {
      axis,
      verify: request.query.verify === '1',
      logBefore:
        Number.isSafeInteger(before) && before > 1 && before <= MAX_INT32 ? before : undefined,
    });
    const base = `/ui/reports/${id}`;
    const keep = new URLSearchParams(
      Object.entries({
        revision: at.revision?.toString(),
        asOf: local(at.asOf),
        reportedAsOf: local(at.reportedAsOf),
      }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const linkFor = (value: string) => {
      const params = new URLSearchParams(keep);
      params.set('axis', value);
      return `${base}?${params}`;
    };
    this.send(
      response,
      200,
      'report',
      { ...frame, title: page.report.title },
      {
        ...page,
        axis,
        axisLinks: { reported: linkFor('reported'), recorded: linkFor('recorded') },
        at: { revision: at.revision, asOf: local(at.asOf), reportedAsOf: local(at.reportedAsOf) },
      },
    );
  }

  @Get('ui/reports/:id/diff')
  async diff(@Param('id') id: string, @Req() request: TallyRequest, @Res() response: Response) {
    const frame = this.reader(request, response, 'Diff');
    if (!frame) return;
    const reportId = this.reportId(id);
    const now = await this.queries.execute(new GetReportQuery(reportId, {}));
    const from = revisionParam(request.query.from, 'from', 1);
    const to = revisionParam(request.query.to, 'to', now.revision);
    if (from === to || from > now.revision || to > now.revision) {
      throw new WebPageError(
        400,
        'Pick two revisions',
        `This report has revisions 1 to ${now.revision}; pick two different ones.`,
      );
    }
    const [a, b, diff] = await Promise.all([
      this.queries.execute(new GetReportQuery(reportId, { revision: from })),
      this.queries.execute(new GetReportQuery(reportId, { revision: to })),
      this.queries.execute(new DiffRevisionsQuery(reportId, from, to)),
    ]);
    const changed = new Set(diff.changes.map((c) => c.path));
    const rows = diffRows(reportView(a), reportView(b)).map((row) => ({
      ...row,
      changed: changed.has(row.path),
    }));
    this.send(
      response,
      200,
      'diff',
      { ...frame, title: `Diff of ${now.title}` },
      {
        id,
        title: now.title,
        head: now.revision,
        from,
        to,
        rows,
        changed: rows.filter((r) => r.changed).length,
      },
    );
  }

  @Get('ui/sign-in')
  signInPage(@Req() request: TallyRequest, @Res() response: Response) {
    this.send(response, 200, 'sign-in', this.frame(request, 'Sign in'), {
      next: safeNext(request.query.next),
      failed: false,
    });
  }

  @Post('ui/sign-in')
  signIn(@Req() request: TallyRequest, @Res() response: Response) {
    this.frame(request, 'Sign in');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const principal =
      typeof body.token === 'string' && body.token.length <= 500
        ? this.sessions.signIn(request, response, body.token)
        : null;
    if (!principal) {
      this.send(response, 401, 'sign-in', this.frame(request, 'Sign in'), { next, failed: true });
      return;
    }
    response.redirect(303, next);
  }

  @Post('ui/sign-out')
  signOut(@Req() request: TallyRequest, @Res() response: Response) {
    this.checkCsrf(request);
    this.sessions.signOut(request, response);
    response.redirect(303, '/ui/sign-in');
  }

  @Get('ui/new')
  newReport(@Req() request: TallyRequest, @Res() response: Response) {
    const frame = this.editor(request, response, 'File a report');
    if (!frame) return;
    this.desk(response, frame, { mode: 'file', values: emptyForm(), errors: [] });
  }

  @Post('ui/reports')
  async file(@Req() request: TallyRequest, @Res() response: Response) {
    const frame = this.editor(request, response, 'File a report');
    if (!frame) return;
    this.checkCsrf(request);
    const values = formOf(request.body);
    const id = randomUUID();
    const outcome = await this.write(request, 'file', id, values);
    if ('errors' in outcome) {
      this.desk(response, frame, { mode: 'file', values, errors: outcome.errors }, 400);
      return;
    }
    response.redirect(303, `/ui/reports/${id}`);
  }

  @Get('ui/reports/:id/revise')
  async revisePage(
    @Param('id') id: string,
    @Req() request: TallyRequest,
    @Res() response: Response,
  ) {
    const frame = this.editor(request, response, 'Revise a report');
    if (!frame) return;
    const report = await this.queries.execute(new GetReportQuery(this.reportId(id), {}));
    this.desk(
      response,
      { ...frame, title: `Revise: ${report.title}` },
      {
        mode: 'revise',
        id,
        heading: `Revise “${report.title}”`,
        values: { ...emptyForm(), kind: 'update', expectedRevision: String(report.revision) },
        errors: [],
      },
    );
  }

  @Post('ui/reports/:id/revise')
  async revise(@Param('id') id: string, @Req() request: TallyRequest, @Res() response: Response) {
    const frame = this.editor(request, response, 'Revise a report');
    if (!frame) return;
    this.checkCsrf(request);
    const reportId = this.reportId(id);
    const values = formOf(request.body);
    const kind: WriteCommand =
      values.kind === 'claim' ? 'claim' : values.kind === 'correction' ? 'correction' : 'update';
    const outcome = await this.write(request, kind, reportId, values);
    if ('conflict' in outcome) {
      const { expected, current } = outcome.conflict;
      const diff = await this.queries.execute(new DiffRevisionsQuery(reportId, expected, current));
      this.desk(
        response,
        frame,
        {
          mode: 'revise',
          id,
          heading: 'Revise the report again',
          values: { ...values, expectedRevision: String(current) },
          errors: [],
          conflict: {
            expected,
            current,
            changes: diff.changes.map((c) => ({
              path: c.path,
              from: valueText(c.from),
              to: valueText(c.to),
            })),
          },
        },
        409,
      );
      return;
    }
    if ('errors' in outcome) {
      this.desk(
        response,
        frame,
        { mode: 'revise', id, heading: 'Revise the report', values, errors: outcome.errors },
        400,
      );
      return;
    }
    response.redirect(303, `/ui/reports/${id}#r${outcome.revision}`);
  }

  @Post('ui/reports/:id/retract')
  retract(@Param('id') id: string, @Req() request: TallyRequest, @Res() response: Response) {
    return this.statusChange('retract', id, request, response);
  }

  @Post('ui/reports/:id/restore')
  restore(@Param('id') id: string, @Req() request: TallyRequest, @Res() response: Response) {
    return this.statusChange('restore', id, request, response);
  }

  @Get('ui/*rest')
  missing() {
    throw new WebPageError(404, 'Nothing here', 'There is no page at this address.');
  }

  private async statusChange(
    kind: 'retract' | 'restore',
    id: string,
    request: TallyRequest,
    response: Response,
  ) {
    const frame = this.editor(request, response, 'Report');
    if (!frame) return;
    this.checkCsrf(request);
    const values = formOf(request.body);
    const outcome = await this.write(request, kind, this.reportId(id), values);
    if ('conflict' in outcome) {
      throw new WebPageError(
        409,
        'Someone changed this report',
        `It is at revision ${outcome.conflict.current} now, not ${outcome.conflict.expected}: look at it again before you ${kind} it.`,
      );
    }
    if ('errors' in outcome)
      throw new WebPageError(
        400,
        `The report was not ${kind === 'retract' ? 'retracted' : 'restored'}`,
        outcome.errors.join('; '),
      );
    response.redirect(303, `/ui/reports/${id}`);
  }

  /** A form's command through the command bus: its revision, or what stopped it. */
  private async write(
    request: TallyRequest,
    kind: WriteCommand,
    reportId: string,
    values: DeskForm,
  ): Promise<
    | { revision: number }
    | { errors: string[] }
    | { conflict: { expected: number; current: number } }
  > {
    let body: object;
    try {
      body = await checkedBody(kind, bodyOf(kind, values));
    } catch (error) {
      return { errors: errorsOf(error) };
    }
    const expected = (body as { expectedRevision?: number }).expectedRevision;
    try {
      const outcome = await this.commands.execute(
        messageOf(kind, reportId, body, {
          actor: request.principal!.name,
          correlationId: request.requestId,
          expectedRevision: expected,
        }),
      );
      return { revision: outcome.revision };
    } catch (error) {
      if (error instanceof RevisionConflict) {
        return { conflict: { expected: expected ?? 0, current: error.currentRevision } };
      }
      if (
        error instanceof ValidationFailed ||
        (error as { getStatus?: () => number }).getStatus?.() === 400
      ) {
        return { errors: errorsOf(error) };
      }
      if (error instanceof ReportNotFound) throw error;
      // The domain's refusals (a reason required, a retracted report, …): said on the form.
      if (error instanceof ReportError) return { errors: errorsOf(error) };
      const status = (error as { status?: number }).status;
      if (status && status >= 400 && status < 500) return { errors: [reasonOf(error)] };
      throw error;
    }
  }

  private desk(
    response: Response,
    frame: PageFrame,
    page: {
      mode: 'file' | 'revise';
      id?: string;
      heading?: string;
      values: DeskForm;
      errors: string[];
      conflict?: object;
    },
    status = 200,
  ) {
    this.send(response, status, 'desk', frame, {
      heading: page.heading ?? 'File a report',
      action: page.mode === 'file' ? '/ui/reports' : `/ui/reports/${page.id}/revise`,
      submit: page.mode === 'file' ? 'File the report' : 'Record the revision',
      conflict: null,
      ...page,
    });
  }

  /** The frame of a page anyone who may read may see; null (redirected) for one who may not. */
  private reader(request: TallyRequest, response: Response, title: string): PageFrame | null {
    const frame = this.frame(request, title);
    if (frame.principal || this.sessions.publicRead) return frame;
    if (!wantsPage(request))
      throw new WebPageError(401, 'Sign in first', 'This page needs a session.');
    response.redirect(303, `/ui/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
    return null;
  }

  /** The frame of an editor's page: a reader is refused with a page saying why. */
  private editor(request: TallyRequest, response: Response, title: string): PageFrame | null {
    const frame = this.frame(request, title);
    if (!frame.principal && !wantsPage(request)) {
      throw new WebPageError(401, 'Sign in first', 'This page needs a session.');
    }
    if (!frame.principal) {
      response.redirect(
        303,
        `/ui/sign-in?next=${encodeURIComponent(request.method === 'GET' ? request.originalUrl : '/')}`,
      );
      return null;
    }
    if (!frame.canEdit) {
      throw new WebPageError(
        403,
        "The editor's desk is for editors",
        `You are signed in as ${frame.principal.name}, a ${frame.principal.role}: you may read every report, not change one.`,
      );
    }
    return frame;
  }

  private frame(request: TallyRequest, title: string): PageFrame {
    // What the API refuses anywhere (NUL, lone surrogates, reserved keys), a page refuses too.
    const refused = refusedInput(request.query, 'query') ?? refusedInput(request.body, 'body');
    if (refused) {
      throw new WebPageError(400, 'That cannot be read', `${refused.path}: ${refused.message}`);
    }
    const principal = this.sessions.principal(request);
    if (principal) request.principal = principal;
    return {
      title,
      principal,
      csrf: principal ? this.sessions.csrfToken(request) : '',
      canEdit: WebSessions.reaches(principal, 'editor'),
      publicRead: this.sessions.publicRead,
    };
  }

  private checkCsrf(request: TallyRequest): void {
    const token = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!this.sessions.csrfValid(request, token)) {
      throw new WebPageError(
        403,
        'This form has expired',
        'Open the page again and send the form from there.',
      );
    }
  }

  private travel(request: TallyRequest) {
    const time = (value: unknown) => {
      const given = text(value, 40);
      if (!given) return undefined;
      // A datetime-local field's value (no zone) is UTC; the API's bounds and calendar apply.
      const at = parseZonedTime(zoned(given));
      if (!at) {
        throw new WebPageError(400, 'That time is not one', `“${given}” is not a date and time.`);
      }
      return at.toISOString();
    };
    const revision = revisionParam(request.query.revision, 'revision', undefined);
    try {
      return reportAt({
        revision,
        asOf: time(request.query.asOf),
        reportedAsOf: time(request.query.reportedAsOf),
      });
    } catch (error) {
      throw new WebPageError(400, 'Pick one way to travel', errorsOf(error).join('; '));
    }
  }

  private reportId(id: string): string {
    if (!UUID.test(id))
      throw new WebPageError(404, 'No such report', 'There is no report at this address.');
    return id;
  }

  private send(response: Response, status: number, view: string, frame: PageFrame, data: object) {
    response.status(status);
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.setHeader('Content-Security-Policy', PAGE_POLICY);
    response.setHeader('Cache-Control', 'no-store');
    response.send(this.views.render(view, frame, data));
  }
}

/** A browser's request (it takes HTML), not an API client's. */
function wantsPage(request: TallyRequest): boolean {
  return request.accepts(['html', 'json', 'application/problem+json']) === 'html';
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max).trim() : '';
}

function choice<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/** A revision number parameter, as the API reads one; absent, `fallback`. */
function revisionParam<T extends number | undefined>(
  value: unknown,
  path: string,
  fallback: T,
): number | T {
  if (value === undefined || value === '') return fallback;
  return revisionNumber(typeof value === 'string' ? value : '', path);
}

/** A local path to go back to after signing in; the reports otherwise. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 2000
    ? value
    : '/';
}

/** A datetime-local input's value (UTC) for a time. */
function local(date: Date | undefined): string | undefined {
  return date?.toISOString().slice(0, 19);
}

function errorsOf(error: unknown): string[] {
  if (error instanceof ValidationFailed) return error.errors.map((e) => `${e.path}: ${e.message}`);
  return [reasonOf(error)];
}

/** Every field and figure of two states of a report, side by side. */
function diffRows(a: ReturnType<typeof reportView>, b: ReturnType<typeof reportView>) {
  const fields = ['title', 'summary', 'location', 'occurredAt', 'status'] as const;
  const rows: { path: string; field: string; from: string; to: string }[] = fields.map((field) => ({
    path: field,
    field,
    from: valueText(a[field]),
    to: valueText(b[field]),
  }));
  const keys = [...new Set([...a.figures, ...b.figures].map((f) => f.key))].sort();
  for (const key of keys) {
    const from = a.figures.find((f) => f.key === key);
    const to = b.figures.find((f) => f.key === key);
    rows.push({
      path: `figures.${key}`,
      field: key,
      from: from ? amountText(figureAmount(from)) : '—',
      to: to ? amountText(figureAmount(to)) : '—',
    });
  }
  const urls = [...new Set([...a.sources, ...b.sources].map((s) => s.url))];
  for (const url of urls) {
    const from = a.sources.find((s) => s.url === url);
    const to = b.sources.find((s) => s.url === url);
    rows.push({
      path: `sources.${url}`,
      field: `source ${url}`,
      from: from ? valueText(from) : '—',
      to: to ? valueText(to) : '—',
    });
  }
  return rows;
}
