import { REVISE_KINDS } from '../domain';
import { IsStorableText, IsZonedTime, MAX_INT32, OptionalObject } from '@tally/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { FigureDto, FiguresField, OPEN_STATUSES, RevisionFactsDto } from '../shared/report.dto';

export class ReportFieldsDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @IsStorableText()
  title?: string;

  @ApiPropertyOptional({ maxLength: 20_000, nullable: true, description: 'null removes it' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(20_000)
  @IsStorableText()
  summary?: string | null;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(200)
  @IsStorableText()
  location?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '2026-11-20T00:00:00Z' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsZonedTime()
  occurredAt?: string | null;

  @ApiPropertyOptional({ enum: OPEN_STATUSES, description: 'retract through /retract' })
  @IsOptional()
  @IsIn(OPEN_STATUSES)
  status?: (typeof OPEN_STATUSES)[number];
}

export class ReviseReportDto extends RevisionFactsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_INT32, description: 'Or `If-Match: "n"`.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  expectedRevision?: number;

  @ApiPropertyOptional({ enum: REVISE_KINDS, default: 'update' })
  @IsOptional()
  @IsIn(REVISE_KINDS)
  kind?: (typeof REVISE_KINDS)[number];

  @ApiProperty({ maxLength: 2000, example: 'bodies retrieved' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @IsStorableText()
  declare reason: string;

  @OptionalObject(ReportFieldsDto)
  set?: ReportFieldsDto;

  @FiguresField()
  figures?: FigureDto[];

  @ApiPropertyOptional({ type: [String], example: ['killed{nationality=Syrian}'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  removeFigures?: string[];
}
