import { CHANGE_VALUE_SCHEMA } from './value.schemas';
import { ApiProperty } from '@nestjs/swagger';
import { RevisionOutcome } from '../report-command-runner';
import { reportView } from '../domain';
import { ReportResponse } from './report.response';

export class ChangeResponse {
  @ApiProperty({ example: 'figures.killed' })
  path!: string;

  @ApiProperty({ ...CHANGE_VALUE_SCHEMA, example: 18, description: 'null for a new field' })
  from!: unknown;

  @ApiProperty({ ...CHANGE_VALUE_SCHEMA, example: 23, description: 'null for a removed field' })
  to!: unknown;
}

export class RevisionResultResponse {
  @ApiProperty({ example: 2 })
  revision!: number;

  @ApiProperty({ type: [ChangeResponse] })
  changes!: ChangeResponse[];

  @ApiProperty({ type: ReportResponse })
  report!: ReportResponse;
}

export function revisionResult(outcome: RevisionOutcome) {
  return {
    revision: outcome.revision,
    changes: outcome.changes,
    report: reportView(outcome.report),
  };
}
