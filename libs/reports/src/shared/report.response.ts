import { REPORT_STATUSES } from '../domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SourceResponse {
  @ApiProperty({ example: 'https://www.syriahr.com/en/' })
  url!: string;

  @ApiPropertyOptional({ example: 'SOHR' })
  publisher?: string;
}

export class FigureResponse {
  @ApiProperty({ example: 'killed{location=Al-Mayadeen}' })
  key!: string;

  @ApiProperty({ example: 'killed' })
  measure!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: {} })
  dimensions!: Record<string, string>;

  @ApiPropertyOptional({ example: 13 })
  value?: number;

  @ApiPropertyOptional()
  min?: number;

  @ApiPropertyOptional()
  max?: number;
}

export class ReportResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 2 })
  revision!: number;

  @ApiProperty({ enum: REPORT_STATUSES })
  status!: string;

  @ApiProperty({ example: 'US airstrikes on 27 positions in Deir Ezzor' })
  title!: string;

  @ApiProperty({ nullable: true, type: String })
  summary!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Deir Ezzor' })
  location!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  occurredAt!: string | null;

  @ApiProperty({ type: [FigureResponse] })
  figures!: FigureResponse[];

  @ApiProperty({ type: [SourceResponse] })
  sources!: SourceResponse[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
