import { CHECK_STATUSES, REPORT_STATUSES } from '../domain';
import { CLAIMED_AMOUNT_SCHEMA, RANGE_SCHEMA } from './value.schemas';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SourceResponse {
  @ApiProperty({ example: 'https://www.syriahr.com/en/' }) url!: string;
  @ApiPropertyOptional({ example: 'SOHR' }) publisher?: string;
}

export class FigureResponse {
  @ApiProperty({ example: 'killed{location=Al-Mayadeen}' }) key!: string;
  @ApiProperty({ example: 'killed' }) measure!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: {} })
  dimensions!: Record<string, string>;

  @ApiPropertyOptional({ example: 13 }) value?: number;
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;

  @ApiProperty({ example: 'SOHR', description: 'Whose claim was adopted for it.' })
  publisher!: string;

  @ApiProperty({ format: 'date-time', description: 'When its publisher said it.' })
  reportedAt!: string;
}

export class CheckResponse {
  @ApiProperty({ example: 'killed' }) measure!: string;
  @ApiProperty({ example: 'location' }) dimension!: string;

  @ApiProperty({ ...CLAIMED_AMOUNT_SCHEMA, example: 23, description: 'The headline amount.' })
  total!: unknown;

  @ApiProperty({ ...RANGE_SCHEMA, description: 'The sum of the parts.' })
  parts!: { min: number; max: number };

  @ApiProperty({ example: 2, description: 'How many parts.' }) count!: number;

  @ApiProperty({
    enum: CHECK_STATUSES,
    description:
      '`exceeds`: the parts add up to more than the total; `complete`: to the total; ' +
      '`partial`: to less, the rest not broken down.',
  })
  status!: string;

  @ApiProperty({
    description: 'The headline was set after every part, and the parts do not add up to it.',
  })
  stale!: boolean;
}

export class ReportResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 2 }) revision!: number;
  @ApiProperty({ enum: REPORT_STATUSES }) status!: string;
  @ApiProperty({ example: 'US airstrikes on 27 positions in Deir Ezzor' }) title!: string;
  @ApiProperty({ nullable: true, type: String }) summary!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Deir Ezzor' }) location!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) occurredAt!: string | null;
  @ApiProperty({ type: [FigureResponse] }) figures!: FigureResponse[];
  @ApiProperty({ type: [SourceResponse] }) sources!: SourceResponse[];

  @ApiProperty({
    type: [CheckResponse],
    description: 'Whether each breakdown of a headline figure adds up to it.',
  })
  checks!: CheckResponse[];

  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'With `?reportedAsOf=`: the report as its sources had it then; `revision` is the newest ' +
      'revision taken into account.',
  })
  reportedAsOf?: string;
}
