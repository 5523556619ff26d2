import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsStorableText, MAX_INT32 } from '@tally/http';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { ReportCommand } from '../domain';
import { RevisionFactsDto, revisionFacts } from './report.dto';

/** Retract and restore say only why, and may expect a revision. */
export class StatusChangeDto extends RevisionFactsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_INT32 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  expectedRevision?: number;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @IsStorableText()
  declare reason: string;
}

/** The domain command a retraction's body asks for. */
export const retractCommandOf = (body: StatusChangeDto) => statusChange('RetractReport', body);

/** The domain command a restoration's body asks for. */
export const restoreCommandOf = (body: StatusChangeDto) => statusChange('RestoreReport', body);

function statusChange<Type extends 'RetractReport' | 'RestoreReport'>(
  type: Type,
  body: StatusChangeDto,
): Extract<ReportCommand, { type: Type }> {
  return { type, ...revisionFacts(body) } as Extract<ReportCommand, { type: Type }>;
}
