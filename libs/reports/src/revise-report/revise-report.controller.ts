import { Body, Controller, Param, ParseUUIDPipe, Post, Res, applyDecorators } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequiresRole } from '@tally/http';
import type { Response } from 'express';
import { ReportCommand } from '../domain';
import { ApiErrors } from '../shared/api-errors';
import { toUtc } from '../shared/report.dto';
import { RevisionResultResponse, revisionResult } from '../shared/revision.response';
import { CommandContext } from '../report-command-runner';
import { WriteRequest, commandContext } from '../shared/write-context';
import type { WriteRequestInfo } from '../shared/write-context';
import { RestoreReportCommand } from '../restore-report/restore-report.command';
import { RetractReportCommand } from '../retract-report/retract-report.command';
import { ReviseReportCommand } from './revise-report.command';
import { ReviseReportDto, StatusChangeDto } from './revise-report.dto';

const ApiWriteHeaders = () =>
  applyDecorators(
    ApiHeader({ name: 'If-Match', required: false, description: 'The expected revision, "n".' }),
    ApiHeader({ name: 'Idempotency-Key', required: false }),
  );

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/:id')
export class ReviseReportController {
  constructor(private readonly commands: CommandBus) {}

  @Post('revisions')
  @ApiOperation({ summary: 'Revise a report: an update or a correction' })
  @RequiresRole('editor')
  @ApiWriteHeaders()
  @ApiCreatedResponse({ type: RevisionResultResponse, description: 'A new revision; `ETag`.' })
  @ApiOkResponse({ type: RevisionResultResponse, description: 'Nothing changed: `changes: []`.' })
  @ApiErrors(400, 401, 403, 404, 409, 413, 422, 429)
  revise(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReviseReportDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    const set = body.set ?? {};
    return this.execute(
      id,
      {
        type: 'ReviseReport',
        kind: body.kind,
        reason: body.reason,
        reportedAt: toUtc(body.reportedAt),
        source: body.source && { ...body.source },
        set: {
          title: set.title,
          summary: set.summary,
          location: set.location,
          occurredAt: toUtc(set.occurredAt),
          status: set.status,
        },
        figures: body.figures,
        removeFigures: body.removeFigures,
      },
      commandContext(request, body),
      response,
    );
  }

  @Post('retract')
  @ApiOperation({ summary: 'Retract a report' })
  @RequiresRole('editor')
  @ApiWriteHeaders()
  @ApiCreatedResponse({ type: RevisionResultResponse, description: 'The retraction revision.' })
  @ApiErrors(400, 401, 403, 404, 409, 413, 422, 429)
  retract(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: StatusChangeDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.execute(
      id,
      { type: 'RetractReport', ...this.facts(body) },
      commandContext(request, body),
      response,
    );
  }

  @Post('restore')
  @ApiOperation({ summary: 'Restore a retracted report' })
  @RequiresRole('editor')
  @ApiWriteHeaders()
  @ApiCreatedResponse({ type: RevisionResultResponse, description: 'The restoration revision.' })
  @ApiErrors(400, 401, 403, 404, 409, 413, 422, 429)
  restore(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: StatusChangeDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.execute(
      id,
      { type: 'RestoreReport', ...this.facts(body) },
      commandContext(request, body),
      response,
    );
  }

  private facts(body: StatusChangeDto) {
    return {
      reason: body.reason,
      reportedAt: toUtc(body.reportedAt),
      source: body.source && { ...body.source },
    };
  }

  private async execute(
    reportId: string,
    command: Exclude<ReportCommand, { type: 'FileReport' }>,
    context: CommandContext,
    response: Response,
  ) {
    const outcome = await this.commands.execute(
      command.type === 'ReviseReport'
        ? new ReviseReportCommand(reportId, command, context)
        : command.type === 'RetractReport'
          ? new RetractReportCommand(reportId, command, context)
          : new RestoreReportCommand(reportId, command, context),
    );
    response.status(outcome.recorded ? 201 : 200);
    response.setHeader('ETag', `"${outcome.revision}"`);
    return revisionResult(outcome);
  }
}
