import { CommandHandler } from '@nestjs/cqrs';
import { ReportCommandMessage, RunsReportCommand } from '../shared/report-command';

export class RecordClaimsCommand extends ReportCommandMessage<'RecordClaims'> {}

@CommandHandler(RecordClaimsCommand)
export class RecordClaimsHandler extends RunsReportCommand<RecordClaimsCommand> {}
