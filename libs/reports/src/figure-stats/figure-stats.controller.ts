import { FIGURE_LIMITS, MEASURE_PATTERN, MEASURE_RULE } from '../domain';
import { ApiController, OptionalText, OptionalTime, ReadRoute } from '@tally/http';
import { Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { FigureStatsQuery } from './figure-stats.query';

export class FigureStatsParams {
  @ApiProperty({
    example: 'killed',
    maxLength: FIGURE_LIMITS.measureLength,
    pattern: MEASURE_PATTERN.source,
  })
  @IsString()
  @MaxLength(FIGURE_LIMITS.measureLength)
  @Matches(MEASURE_PATTERN, { message: `measure ${MEASURE_RULE}` })
  measure!: string;

  @OptionalText({ maxLength: 200 })
  location?: string;

  @OptionalTime({ description: 'Totals as recorded at this time; default now.' })
  asOf?: string;

  @OptionalTime({
    description:
      "Totals as the reports' sources had them at this time (reported time): each report as " +
      '`GET /reports/{id}?reportedAsOf=` shows it, as recorded at `asOf` (default now).',
  })
  reportedAsOf?: string;
}

class TotalsResponse {
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
}

class LocationTotalsResponse {
  @ApiProperty({ nullable: true, type: String }) location!: string | null;
  @ApiProperty() reports!: number;
  @ApiProperty({ type: TotalsResponse }) total!: TotalsResponse;
}

export class FigureStatsResponse {
  @ApiProperty({ example: 'killed' }) measure!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Present when asked for.' })
  reportedAsOf?: string;

  @ApiProperty() reports!: number;
  @ApiProperty({ type: TotalsResponse }) total!: TotalsResponse;
  @ApiProperty({ type: [LocationTotalsResponse] }) byLocation!: LocationTotalsResponse[];
}

@ApiController('stats', 'stats/figures')
export class FigureStatsController {
  constructor(private readonly queries: QueryBus) {}

  @ReadRoute(undefined, {
    summary: 'Totals of a measure across reports, at any time',
    ok: {
      type: FigureStatsResponse,
      description:
        'Headline figures (keys without dimensions) of reports not retracted; a value counts as ' +
        'min = max. Kept by an async projection: a change shows here once it has caught up.',
    },
    errors: [400, 401, 403],
  })
  stats(@Query() params: FigureStatsParams) {
    const asOf = params.asOf === undefined ? new Date() : new Date(params.asOf);
    const reportedAsOf =
      params.reportedAsOf === undefined ? undefined : new Date(params.reportedAsOf);
    return this.queries.execute(
      new FigureStatsQuery(params.measure, asOf, params.location, reportedAsOf),
    );
  }
}
