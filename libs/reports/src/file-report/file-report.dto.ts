import { IsStorableText, OptionalText, OptionalTime } from '@tally/http';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { FigureDto, FiguresField, RevisionFactsDto } from '../shared/report.dto';

export class FileReportDto extends RevisionFactsDto {
  @ApiProperty({ maxLength: 300, example: 'US airstrikes on 27 positions in Deir Ezzor' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @IsStorableText()
  title!: string;

  @OptionalText({ maxLength: 20_000 })
  summary?: string;

  @OptionalText({ maxLength: 200, example: 'Deir Ezzor' })
  location?: string;

  @OptionalTime({ example: '2026-11-20T00:00:00Z' })
  occurredAt?: string;

  @FiguresField()
  figures?: FigureDto[];
}
