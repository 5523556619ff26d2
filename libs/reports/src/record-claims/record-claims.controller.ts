import { Body, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiController, WriteRoute } from '@tally/http';
import type { Response } from 'express';
import type { ReportCommand } from '../domain';
import { revisionFacts } from '../shared/report.dto';
import { RevisionResultResponse, answerWithRevision } from '../shared/revision.response';
import { WriteRequest, commandContext } from '../shared/write-context';
import type { WriteRequestInfo } from '../shared/write-context';
import { RecordClaimsCommand } from './record-claims.command';
import { RecordClaimsDto } from './record-claims.dto';

/** The domain command a claims body asks for. */
export function claimsCommandOf(
  body: RecordClaimsDto,
): Extract<ReportCommand, { type: 'RecordClaims' }> {
  return { type: 'RecordClaims', ...revisionFacts(body), figures: body.figures };
}

@ApiController('reports', 'reports/:id/claims')
export class RecordClaimsController {
  constructor(private readonly commands: CommandBus) {}

  @WriteRoute(undefined, {
    summary: "Record a source's claims, for comparison: never adopted",
    ifMatch: true,
    created: { type: RevisionResultResponse, description: 'A `claim` revision; `ETag`.' },
    unchanged: {
      type: RevisionResultResponse,
      description: 'Each claim repeats its publisher’s latest: nothing recorded.',
    },
    errors: [400, 401, 403, 404, 409, 413, 422, 429],
  })
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordClaimsDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    const outcome = await this.commands.execute(
      new RecordClaimsCommand(id, claimsCommandOf(body), commandContext(request, body)),
    );
    return answerWithRevision(outcome, response);
  }
}
