import { ApiProperty, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, ValidateNested } from 'class-validator';
import { FIGURE_LIMITS } from '../domain';
import { ReviseReportDto } from '../revise-report/revise-report.dto';
import { FigureDto, SourceDto } from '../shared/report.dto';

/** What a source said, for comparison: a revision's body without `set`, `removeFigures`, `kind`. */
export class RecordClaimsDto extends PickType(ReviseReportDto, [
  'expectedRevision',
  'reason',
  'reportedAt',
] as const) {
  @ApiProperty({ type: SourceDto, description: 'Whose claims these are.' })
  @IsObject()
  @ValidateNested()
  @Type(() => SourceDto)
  source!: SourceDto;

  @ApiProperty({ type: [FigureDto], minItems: 1, maxItems: FIGURE_LIMITS.figuresPerReport })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FIGURE_LIMITS.figuresPerReport)
  @ValidateNested({ each: true })
  @Type(() => FigureDto)
  figures!: FigureDto[];
}
