import { CommandHandler } from '@nestjs/cqrs';
import { ReportCommandMessage, RunsReportCommand } from '../shared/report-command';

export class ReviseReportCommand extends ReportCommandMessage<'ReviseReport'> {}

@CommandHandler(ReviseReportCommand)
export class ReviseReportHandler extends RunsReportCommand<ReviseReportCommand> {}
