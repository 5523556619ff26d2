import { Body } from '@nestjs/common';
import { ApiController } from '@tally/http';
import type { ReportCommand } from '../domain';
import { revisionFacts, toUtc } from '../shared/report.dto';
import { RevisesReport, RevisionRoute } from '../shared/revision-route';
import { Revising } from '../shared/write-context';
import type { RevisionRequest } from '../shared/write-context';
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
export class ReviseReportController extends RevisesReport {
  @RevisionRoute({
    summary: 'Revise a report: an update or a correction',
    created: 'A new revision; `ETag`.',
    unchanged: 'Nothing changed: `changes: []`.',
  })
  revise(@Body() body: ReviseReportDto, @Revising() request: RevisionRequest) {
    return this.send(ReviseReportCommand, reviseCommandOf(body), request, body);
  }
}
