import { Body } from '@nestjs/common';
import { ApiController } from '@tally/http';
import type { ReportCommand } from '../domain';
import { revisionFacts } from '../shared/report.dto';
import { RevisesReport, RevisionRoute } from '../shared/revision-route';
import { Revising } from '../shared/write-context';
import type { RevisionRequest } from '../shared/write-context';
import { RecordClaimsCommand } from './record-claims.command';
import { RecordClaimsDto } from './record-claims.dto';

/** The domain command a claims body asks for. */
export function claimsCommandOf(
  body: RecordClaimsDto,
): Extract<ReportCommand, { type: 'RecordClaims' }> {
  return { type: 'RecordClaims', ...revisionFacts(body), figures: body.figures };
}

@ApiController('reports', 'reports/:id/claims')
export class RecordClaimsController extends RevisesReport {
  @RevisionRoute({
    summary: "Record a source's claims, for comparison: never adopted",
    created: 'A `claim` revision; `ETag`.',
    unchanged: 'Each claim repeats its publisher’s latest: nothing recorded.',
  })
  record(@Body() body: RecordClaimsDto, @Revising() request: RevisionRequest) {
    return this.send(RecordClaimsCommand, claimsCommandOf(body), request, body);
  }
}
