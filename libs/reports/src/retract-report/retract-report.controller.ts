import { Body, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiController, WriteRoute } from '@tally/http';
import type { Response } from 'express';
import type { ReportCommand } from '../domain';
import { revisionFacts } from '../shared/report.dto';
import { RevisionResultResponse, answerWithRevision } from '../shared/revision.response';
import { StatusChangeDto } from '../shared/status-change.dto';
import { WriteRequest, commandContext } from '../shared/write-context';
import type { WriteRequestInfo } from '../shared/write-context';
import { RetractReportCommand } from './retract-report.command';

/** The domain command a retraction's body asks for. */
export function retractCommandOf(
  body: StatusChangeDto,
): Extract<ReportCommand, { type: 'RetractReport' }> {
  return { type: 'RetractReport', ...revisionFacts(body) };
}

@ApiController('reports', 'reports/:id/retract')
export class RetractReportController {
  constructor(private readonly commands: CommandBus) {}

  @WriteRoute(undefined, {
    summary: 'Retract a report',
    ifMatch: true,
    created: { type: RevisionResultResponse, description: 'The retraction revision.' },
    errors: [400, 401, 403, 404, 409, 413, 422, 429],
  })
  async retract(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: StatusChangeDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute(
      new RetractReportCommand(id, retractCommandOf(body), commandContext(request, body)),
    );
    return answerWithRevision(outcome, response);
  }
}
