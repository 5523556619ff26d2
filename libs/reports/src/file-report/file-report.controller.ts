import { Body, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiController, WriteRoute } from '@tally/http';
import type { Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { reportView } from '../domain';
import type { ReportCommand } from '../domain';
import { ReportResponse } from '../shared/report.response';
import { revisionFacts, toUtc } from '../shared/report.dto';
import { WriteRequest, idempotencyOf } from '../shared/write-context';
import type { WriteRequestInfo } from '../shared/write-context';
import { FileReportCommand } from './file-report.command';
import { FileReportDto } from './file-report.dto';

/** The domain command a filing's body asks for. */
export function fileCommandOf(body: FileReportDto): Extract<ReportCommand, { type: 'FileReport' }> {
  return {
    type: 'FileReport',
    title: body.title,
    summary: body.summary,
    location: body.location,
    occurredAt: toUtc(body.occurredAt),
    figures: body.figures,
    ...revisionFacts(body),
  };
}

@ApiController('reports', 'reports')
export class FileReportController {
  constructor(private readonly commands: CommandBus) {}

  @WriteRoute(undefined, {
    summary: 'File a report: revision 1',
    created: { type: ReportResponse, description: 'Revision 1; `ETag: "1"`, `Location`.' },
    errors: [400, 401, 403, 413, 422, 429],
  })
  async file(
    @Body() body: FileReportDto,
    @WriteRequest() request: WriteRequestInfo,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { principal, requestId } = request;
    const idempotency = idempotencyOf(request.idempotencyKey, request.route, body);
    // A repeated idempotent filing must reach the same stream, so its id comes from the key.
    const reportId = idempotency ? uuidFrom(`${principal.name}\n${idempotency.key}`) : randomUUID();
    const outcome = await this.commands.execute(
      new FileReportCommand(reportId, fileCommandOf(body), {
        actor: principal.name,
        correlationId: requestId,
        idempotency,
      }),
    );
    response.setHeader('Location', `/reports/${reportId}`);
    response.setHeader('ETag', `"${outcome.revision}"`);
    return reportView(outcome.report);
  }
}

/** A UUID (version 8) named by `text`: the same text, the same id. */
export function uuidFrom(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8: name-based, custom hash
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
