import { CommandHandler } from '@nestjs/cqrs';
import { ReportCommandMessage, RunsReportCommand } from '../shared/report-command';

export class RestoreReportCommand extends ReportCommandMessage<'RestoreReport'> {}

@CommandHandler(RestoreReportCommand)
export class RestoreReportHandler extends RunsReportCommand<RestoreReportCommand> {}
