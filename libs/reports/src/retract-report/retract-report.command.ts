import { CommandHandler } from '@nestjs/cqrs';
import { ReportCommandMessage, RunsReportCommand } from '../shared/report-command';

export class RetractReportCommand extends ReportCommandMessage<'RetractReport'> {}

@CommandHandler(RetractReportCommand)
export class RetractReportHandler extends RunsReportCommand<RetractReportCommand> {}
