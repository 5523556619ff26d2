import { ValidationPipe } from '@nestjs/common';
import { CommandReplayMismatchError } from '@tally/event-store';
import { ValidationFailed } from '@tally/http';
import {
  FileReportCommand,
  FileReportDto,
  RecordClaimsCommand,
  RecordClaimsDto,
  ReportError,
  RestoreReportCommand,
  RetractReportCommand,
  ReviseReportCommand,
  ReviseReportDto,
  StatusChangeDto,
  claimsCommandOf,
  fileCommandOf,
  restoreCommandOf,
  retractCommandOf,
  reviseCommandOf,
} from '@tally/reports';
import { strictValidationPipe } from './validation.pipe';

/**
 * The write routes of the API, by name, for the entry points that are not its JSON routes (the
 * import, the web app's forms): each body checked with the route's DTO and the same strict pipe,
 * and turned into the route's command for the same command bus.
 */
export const WRITE_COMMANDS = [
  'file',
  'update',
  'correction',
  'claim',
  'retract',
  'restore',
] as const;
export type WriteCommand = (typeof WRITE_COMMANDS)[number];

const BODIES = {
  file: FileReportDto,
  update: ReviseReportDto,
  correction: ReviseReportDto,
  claim: RecordClaimsDto,
  retract: StatusChangeDto,
  restore: StatusChangeDto,
} as const;

/** A body checked as its route checks it: the DTO, or `ValidationFailed`. */
export async function checkedBody(kind: WriteCommand, raw: object): Promise<object> {
  return (await PIPE.transform(raw, { type: 'body', metatype: BODIES[kind] })) as object;
}

const PIPE: ValidationPipe = strictValidationPipe();

export type CommandContextOf = ConstructorParameters<typeof FileReportCommand>[2];

export function messageOf(
  kind: WriteCommand,
  reportId: string,
  body: object,
  context: CommandContextOf,
) {
  switch (kind) {
    case 'file':
      return new FileReportCommand(reportId, fileCommandOf(body as FileReportDto), context);
    case 'update':
    case 'correction':
      return new ReviseReportCommand(reportId, reviseCommandOf(body as ReviseReportDto), context);
    case 'claim':
      return new RecordClaimsCommand(reportId, claimsCommandOf(body as RecordClaimsDto), context);
    case 'retract':
      return new RetractReportCommand(reportId, retractCommandOf(body as StatusChangeDto), context);
    case 'restore':
      return new RestoreReportCommand(reportId, restoreCommandOf(body as StatusChangeDto), context);
    default:
      throw new Error(`no write route is called ${String(kind satisfies never)}`);
  }
}

/** A refusal in words: each field's problem, as the HTTP problem details list them. */
export function reasonOf(error: unknown): string {
  if (error instanceof ValidationFailed) {
    return error.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  }
  if (error instanceof CommandReplayMismatchError) {
    return 'this line id was imported before with another content';
  }
  if (error instanceof ReportError) {
    const fields = (error as { errors?: { path: string; message: string }[] }).errors;
    return fields?.length ? fields.map((e) => `${e.path}: ${e.message}`).join('; ') : error.message;
  }
  return (error as Error).message;
}
