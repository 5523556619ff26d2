import type { Response } from 'express';
import {
  CHANGE_VALUE_SCHEMA,
  CLAIMED_AMOUNT_SCHEMA,
  NULLABLE_SOURCE_SCHEMA,
} from './value.schemas';
import { ApiProperty } from '@nestjs/swagger';
import { RevisionOutcome } from '../report-command-runner';
import { REVISION_KINDS, reportView } from '../domain';
import { ReportResponse, SourceResponse } from './report.response';

export class ChangeResponse {
  @ApiProperty({ example: 'figures.killed' }) path!: string;

  @ApiProperty({ ...CHANGE_VALUE_SCHEMA, example: 18, description: 'null for a new field' })
  from!: unknown;

  @ApiProperty({ ...CHANGE_VALUE_SCHEMA, example: 23, description: 'null for a removed field' })
  to!: unknown;
}

/** What a claim said and when its source said it. */
export class ClaimAmountResponse {
  @ApiProperty({ ...CLAIMED_AMOUNT_SCHEMA, example: 23 }) amount!: unknown;

  @ApiProperty({ format: 'date-time', description: 'When its source said it.' })
  reportedAt!: string;
}

export class RevisionClaimResponse extends ClaimAmountResponse {
  @ApiProperty({ example: 'killed' }) key!: string;
  @ApiProperty({ example: 'SOHR' }) publisher!: string;
  @ApiProperty({ description: 'It is the report’s figure for its key.' }) adopted!: boolean;

  @ApiProperty({
    description: 'An update or correction not adopted: the adopted claim was reported later.',
  })
  late!: boolean;
}

/** Who recorded a revision, when, why, and on what source. */
export class RevisionFactsResponse {
  @ApiProperty({ example: 2 }) revision!: number;
  @ApiProperty({ enum: REVISION_KINDS }) kind!: string;

  @ApiProperty({ nullable: true, type: String, example: 'bodies retrieved' })
  reason!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The API key name that wrote it.' })
  actor!: string | null;

  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty(NULLABLE_SOURCE_SCHEMA) source!: SourceResponse | null;
}

export class RevisionResultResponse {
  @ApiProperty({ example: 2 }) revision!: number;
  @ApiProperty({ type: [ChangeResponse] }) changes!: ChangeResponse[];

  @ApiProperty({ type: [RevisionClaimResponse], description: 'The claims it recorded.' })
  claims!: RevisionClaimResponse[];

  @ApiProperty({ type: ReportResponse }) report!: ReportResponse;
}

/**
 * A write's answer: `201` with the new revision, or `200` when it changed nothing (the current
 * revision), with its `ETag`.
 */
export function answerWithRevision(outcome: RevisionOutcome, response: Response) {
  response.status(outcome.recorded ? 201 : 200);
  response.setHeader('ETag', `"${outcome.revision}"`);
  return revisionResult(outcome);
}

export function revisionResult(outcome: RevisionOutcome) {
  return {
    revision: outcome.revision,
    changes: outcome.changes,
    claims: outcome.claims,
    report: reportView(outcome.report),
  };
}
