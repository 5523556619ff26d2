import { CommandHandler } from '@nestjs/cqrs';
import { ReportCommandMessage, RunsReportCommand } from '../shared/report-command';

export class FileReportCommand extends ReportCommandMessage<'FileReport'> {}

@CommandHandler(FileReportCommand)
export class FileReportHandler extends RunsReportCommand<FileReportCommand> {}
