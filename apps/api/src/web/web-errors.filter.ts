import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ReportError, ReportNotFound, RevisionNotFound } from '@tally/reports';
import { ValidationFailed } from '@tally/http';
import type { TallyRequest } from '@tally/http';
import type { Response } from 'express';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { Views } from './views';
import { WebSessions } from './web-session';

/** An error a page shows as a page: its status, a heading and a sentence. */
export class WebPageError extends HttpException {
  constructor(
    status: number,
    readonly heading: string,
    readonly detail: string,
  ) {
    super(detail, status);
  }
}

/**
 * The web app's errors are pages, not JSON: a missing report is a friendly 404 page. A client
 * that asks for JSON rather than HTML gets the API's problem details instead.
 */
@Catch()
export class WebErrors implements ExceptionFilter {
  private readonly logger = new Logger('web');
  private readonly problems = new ProblemDetailsFilter();

  constructor(
    private readonly views: Views,
    private readonly sessions: WebSessions,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<TallyRequest>();
    if (request.accepts(['html', 'json', 'application/problem+json']) !== 'html') {
      this.problems.catch(error, host);
      return;
    }
    const page = pageOf(error);
    if (page.status >= 500) this.logger.error({ err: error, path: request.path }, 'a page failed');
    if (response.headersSent) return;
    response.status(page.status);
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    const principal = this.sessions.principal(request);
    response.send(
      this.views.render(
        'error',
        {
          title: page.heading,
          principal,
          csrf: principal ? this.sessions.csrfToken(request) : '',
          canEdit: WebSessions.reaches(principal, 'editor'),
          publicRead: this.sessions.publicRead,
        },
        { heading: page.heading, message: page.detail },
      ),
    );
  }
}

function pageOf(error: unknown): { status: number; heading: string; detail: string } {
  if (error instanceof WebPageError) {
    return { status: error.getStatus(), heading: error.heading, detail: error.detail };
  }
  if (error instanceof ReportNotFound) {
    return {
      status: 404,
      heading: 'No such report',
      detail: 'There is no report at this address: it may have been mistyped.',
    };
  }
  if (error instanceof RevisionNotFound) {
    return { status: 404, heading: 'Not at that point', detail: error.message };
  }
  if (error instanceof ReportError) {
    return { status: 400, heading: 'That did not work', detail: error.message };
  }
  if (error instanceof ValidationFailed) {
    const detail = error.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return { status: 400, heading: 'That cannot be read', detail };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    return { status: error.getStatus(), heading: 'That did not work', detail: error.message };
  }
  return {
    status: 500,
    heading: 'Something went wrong',
    detail: 'Tally could not show this page. Try again in a moment.',
  };
}
