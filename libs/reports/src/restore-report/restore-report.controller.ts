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
import { RestoreReportCommand } from './restore-report.command';

/** The domain command a restoration's body asks for. */
export function restoreCommandOf(
  body: StatusChangeDto,
): Extract<ReportCommand, { type: 'RestoreReport' }> {
  return { type: 'RestoreReport', ...revisionFacts(body) };
}

@ApiController('reports', 'reports/:id/restore')
export class RestoreReportController {
  constructor(private readonly commands: CommandBus) {}

  @WriteRoute(undefined, {
    summary: 'Restore a retracted report',
    ifMatch: true,
    created: {
      type: RevisionResultResponse,
      description: 'The restoration revision; back to the status before the retraction.',
    },
    errors: [400, 401, 403, 404, 409, 413, 422, 429],
  })
  async restore(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: StatusChangeDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute(
      new RestoreReportCommand(id, restoreCommandOf(body), commandContext(request, body)),
    );
    return answerWithRevision(outcome, response);
  }
}
