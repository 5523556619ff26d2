import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiParam } from '@nestjs/swagger';
import { WriteRoute } from '@tally/http';
import type { Response } from 'express';
import { Observable, map } from 'rxjs';
import type { ReportCommand } from '../domain';
import type { CommandContext, RevisionOutcome } from '../report-command-runner';
import { RevisionRequest, contextOf } from './write-context';
import type { ReportCommandMessage } from './report-command';
import { RevisionResultResponse, answerWithRevision } from './revision.response';

/** Answers a revision's outcome: `201` when it recorded one, `200` when not, its `ETag`. */
@Injectable()
class AnswersWithRevision implements NestInterceptor<RevisionOutcome> {
  intercept(context: ExecutionContext, next: CallHandler<RevisionOutcome>): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(map((outcome) => answerWithRevision(outcome, response)));
  }
}

/**
 * A write that adds a revision to a filed report: `If-Match`, the problems of a write to a report,
 * the revision's result (and, with `unchanged`, a `200` when there was nothing to record).
 */
export const RevisionRoute = (doc: { summary: string; created: string; unchanged?: string }) =>
  applyDecorators(
    // `@Revising()` reads the path's id, so the document learns of it here.
    ApiParam({ name: 'id', type: String }),
    WriteRoute(undefined, {
      summary: doc.summary,
      ifMatch: true,
      created: { type: RevisionResultResponse, description: doc.created },
      ...(doc.unchanged && {
        unchanged: { type: RevisionResultResponse, description: doc.unchanged },
      }),
      errors: [400, 401, 403, 404, 409, 413, 422, 429],
    }),
    UseInterceptors(AnswersWithRevision),
  );

/**
 * What the controllers of `RevisionRoute`s share: their command goes over the bus, and the route
 * answers with its outcome. Injectable, so that they inherit what its constructor takes.
 */
@Injectable()
export abstract class RevisesReport {
  constructor(private readonly commands: CommandBus) {}

  /** Sends the use case's message: the domain command, for the report and request. */
  protected send<Type extends ReportCommand['type']>(
    Message: new (
      reportId: string,
      command: Extract<ReportCommand, { type: Type }>,
      context: CommandContext,
    ) => ReportCommandMessage<Type>,
    command: Extract<ReportCommand, { type: Type }>,
    request: RevisionRequest,
    body: { expectedRevision?: number },
  ): Promise<RevisionOutcome> {
    return this.commands.execute(new Message(request.reportId, command, contextOf(request, body)));
  }
}
