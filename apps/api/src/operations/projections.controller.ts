import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, RequiresRole } from '@tally/http';
import { ProjectionsService } from './projections.service';

export class ProjectionResponse {
  @ApiProperty({ example: 'figure_totals' }) name!: string;
  @ApiProperty({ enum: ['inline', 'async'] }) lifecycle!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The last event applied.' })
  position!: string | null;

  @ApiProperty({ description: 'Committed events not yet applied.' }) lag!: number;
  @ApiProperty({ enum: ['running', 'rebuilding', 'error', 'stopped'] }) status!: string;
  @ApiPropertyOptional() error?: string;

  @ApiPropertyOptional({ description: 'The event it stopped at, in error.' })
  failedPosition?: string;
}

export class RebuildStartedResponse {
  @ApiProperty({ example: 'report_current' }) name!: string;
  @ApiProperty({ enum: ['rebuilding'] }) status!: string;
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('projections')
export class ProjectionsController {
  constructor(private readonly projections: ProjectionsService) {}

  @Get()
  @ApiOperation({ summary: 'Every projection: position, lag and status' })
  @RequiresRole('admin')
  @ApiOkResponse({ type: [ProjectionResponse] })
  @ApiErrors(401, 403)
  list() {
    return this.projections.status();
  }

  @Post(':name/resume')
  @ApiOperation({ summary: 'Resume a projection stopped in error' })
  @HttpCode(200)
  @RequiresRole('admin')
  @ApiOkResponse({
    type: ProjectionResponse,
    description: 'A projection stopped in `error` tries the failing event again.',
  })
  @ApiErrors(400, 401, 403, 404)
  resume(@Param('name') name: string) {
    return this.projections.resume(name);
  }

  @Post(':name/rebuild')
  @ApiOperation({ summary: 'Rebuild a projection from the events' })
  @HttpCode(202)
  @RequiresRole('admin')
  @ApiAcceptedResponse({
    type: RebuildStartedResponse,
    description:
      'The rebuild has started; see GET /projections. 409 while another rebuild runs, in this ' +
      'or another instance or the CLI.',
  })
  @ApiErrors(400, 401, 403, 404, 409)
  async rebuild(@Param('name') name: string) {
    await this.projections.startRebuild(name);
    return { name, status: 'rebuilding' };
  }
}
