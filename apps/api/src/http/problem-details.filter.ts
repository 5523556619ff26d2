import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

import { isRefusedValueError, isTransientDatabaseError } from '@tally/event-store';
import { FieldError, ValidationFailed } from '@tally/http';

/** RFC 9457 problem details. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

/**
 * Typed errors of the domain and the store carry a stable `code`; this table is the only place
 * that knows what HTTP status each one is. Extra public fields travel as `extensions`.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  stream_version_conflict: 409,
  command_replay_mismatch: 422,
  report_not_found: 404,
  revision_not_found: 404,
  report_retracted: 409,
  report_not_retracted: 409,
  invalid_revision: 400,
  figure_not_found: 404,
  projection_not_found: 404,
  rebuild_in_progress: 409,
};

interface CodedError {
  readonly code: string;
  readonly message: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

function isCoded(error: unknown): error is CodedError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as unknown as { code: string }).code in STATUS_BY_CODE
  );
}

/** Errors raised by the JSON body parser before any route runs. */
const BODY_PARSER_ERRORS: Readonly<Record<string, [number, string]>> = {
  'entity.parse.failed': [400, 'the body is not valid JSON'],
  'entity.too.large': [413, 'the body is larger than 1 MiB'],
  'charset.unsupported': [415, 'the body must be UTF-8'],
  'encoding.unsupported': [415, 'the body encoding is not supported'],
  'entity.verify.failed': [400, 'the body is not valid JSON'],
};

export function problemFor(exception: unknown): Problem {
  // The database unreachable (refused, DNS, no route), restarting, too slow, or a lost race that
  // survived its retries: the server's trouble, not the client's; it may try again.
  if (isTransientDatabaseError(exception)) {
    return problem(503, 'database_unavailable', 'the database is not available; try again');
  }
  // The net under the routes' validation: a value a route forgot to bound is a 400, never a 500.
  if (isRefusedValueError(exception)) {
    return problem(400, 'invalid_value', 'a value in the request is out of the range it may take');
  }
  if (isCoded(exception)) {
    return problem(STATUS_BY_CODE[exception.code], exception.code, exception.message, {
      ...exception.extensions,
    });
  }
  if (exception instanceof ValidationFailed) {
    return problem(400, 'validation_failed', 'the request is not valid', {
      errors: exception.errors,
    });
  }
  const parserType = (exception as { type?: unknown })?.type;
  if (typeof parserType === 'string' && parserType in BODY_PARSER_ERRORS) {
    const [status, detail] = BODY_PARSER_ERRORS[parserType];
    return problem(status, parserType.replace(/\./g, '_'), detail);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const detail =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : exception.message;
    const extensions =
      typeof body === 'object' && body !== null && 'details' in body
        ? { checks: (body as { details: unknown }).details }
        : {};
    return problem(status, slug(STATUS_CODES[status] ?? 'error'), detail, extensions);
  }
  return problem(500, 'internal_error', 'the server failed to handle the request');
}

function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    type: `urn:tally:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extensions,
  };
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = problemFor(exception);
    if (body.status >= 500 && body.status !== 503) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    } else if (body.type === 'urn:tally:problem:invalid_value') {
      // A route let through what the database refused: worth a look, though the client got a 400.
      this.logger.warn(exception instanceof Error ? exception.message : String(exception));
    }
    if (response.headersSent) return;
    if (body.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}
