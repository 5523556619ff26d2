import { IsStorableText, IsZonedTime } from '@tally/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { FigureDto, FiguresField, RevisionFactsDto } from '../shared/report.dto';

export class FileReportDto extends RevisionFactsDto {
  @ApiProperty({ maxLength: 300, example: 'US airstrikes on 27 positions in Deir Ezzor' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @IsStorableText()
  title!: string;

  @ApiPropertyOptional({ maxLength: 20_000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  @IsStorableText()
  summary?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Deir Ezzor' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsStorableText()
  location?: string;

  @ApiPropertyOptional({ example: '2026-11-20T00:00:00Z' })
  @IsOptional()
  @IsZonedTime()
  occurredAt?: string;

  @FiguresField()
  figures?: FigureDto[];
}
