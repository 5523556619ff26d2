import { Body, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiController, WriteRoute } from '@tally/http';
import type { ReportCommand } from '../domain';
import type { Response } from 'express';
import { revisionFacts, toUtc } from '../shared/report.dto';
import { RevisionResultResponse, answerWithRevision } from '../shared/revision.response';
import { WriteRequest, commandContext } from '../shared/write-context';
import type { WriteRequestInfo } from '../shared/write-context';
import { ReviseReportCommand } from './revise-report.command';
import { ReviseReportDto } from './revise-report.dto';

/** The domain command a revision's body asks for. */
export function reviseCommandOf(
  body: ReviseReportDto,
): Extract<ReportCommand, { type: 'ReviseReport' }> {
  const set = body.set ?? {};
  return {
    type: 'ReviseReport',
    kind: body.kind,
    ...revisionFacts(body),
    set: {
      title: set.title,
      summary: set.summary,
      location: set.location,
      occurredAt: toUtc(set.occurredAt),
      status: set.status,
    },
    figures: body.figures,
    removeFigures: body.removeFigures,
  };
}

@ApiController('reports', 'reports/:id/revisions')
export class ReviseReportController {
  constructor(private readonly commands: CommandBus) {}

  @WriteRoute(undefined, {
    summary: 'Revise a report: an update or a correction',
    ifMatch: true,
    created: { type: RevisionResultResponse, description: 'A new revision; `ETag`.' },
    unchanged: { type: RevisionResultResponse, description: 'Nothing changed: `changes: []`.' },
    errors: [400, 401, 403, 404, 409, 413, 422, 429],
  })
  async revise(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReviseReportDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute(
      new ReviseReportCommand(id, reviseCommandOf(body), commandContext(request, body)),
    );
    return answerWithRevision(outcome, response);
  }
}
