import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsStorableText, MAX_INT32 } from '@tally/http';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RevisionFactsDto } from './report.dto';

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
