import { ApiController, ReadRoute, UuidParam } from '@tally/http';

import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { VerifyReportQuery } from './verify-report.query';

export class VerificationResponse {
  @ApiPropertyOptional() valid!: boolean;

  @ApiPropertyOptional({ description: 'When valid: how many revisions verified.' })
  revisions?: number;

  @ApiPropertyOptional({ description: 'When valid: the last revision’s hash.' }) head?: string;

  @ApiPropertyOptional({ description: 'When not valid: the first revision that does not hold.' })
  brokenAt?: number;

  @ApiPropertyOptional({ description: 'When not valid: why.' }) reason?: string;
}

@ApiController('audit', 'reports/:id/verify')
export class VerifyReportController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: "Recompute a report's hash chain",
    ok: { type: VerificationResponse },
    errors: [400, 401, 403, 404],
  })
  verify(@UuidParam('id') id: string) {
    return this.queries.execute(new VerifyReportQuery(id));
  }
}
