import { Body } from '@nestjs/common';
import { ApiController } from '@tally/http';
import { RevisesReport, RevisionRoute } from '../shared/revision-route';
import { StatusChangeDto, retractCommandOf } from '../shared/status-change.dto';
import { Revising } from '../shared/write-context';
import type { RevisionRequest } from '../shared/write-context';
import { RetractReportCommand } from './retract-report.command';

@ApiController('reports', 'reports/:id/retract')
export class RetractReportController extends RevisesReport {
  @RevisionRoute({ summary: 'Retract a report', created: 'The retraction revision.' })
  retract(@Body() body: StatusChangeDto, @Revising() request: RevisionRequest) {
    return this.send(RetractReportCommand, retractCommandOf(body), request, body);
  }
}
