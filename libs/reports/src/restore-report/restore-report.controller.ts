import { Body } from '@nestjs/common';
import { ApiController } from '@tally/http';
import { RevisesReport, RevisionRoute } from '../shared/revision-route';
import { StatusChangeDto, restoreCommandOf } from '../shared/status-change.dto';
import { Revising } from '../shared/write-context';
import type { RevisionRequest } from '../shared/write-context';
import { RestoreReportCommand } from './restore-report.command';

@ApiController('reports', 'reports/:id/restore')
export class RestoreReportController extends RevisesReport {
  @RevisionRoute({
    summary: 'Restore a retracted report',
    created: 'The restoration revision; back to the status before the retraction.',
  })
  restore(@Body() body: StatusChangeDto, @Revising() request: RevisionRequest) {
    return this.send(RestoreReportCommand, restoreCommandOf(body), request, body);
  }
}
