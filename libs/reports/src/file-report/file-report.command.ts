import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReportCommand } from '../domain';
import { CommandContext, ReportCommandRunner, RevisionOutcome } from '../report-command-runner';

export class FileReportCommand extends Command<RevisionOutcome> {
  constructor(
    readonly reportId: string,
    readonly command: Extract<ReportCommand, { type: 'FileReport' }>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(FileReportCommand)
export class FileReportHandler implements ICommandHandler<FileReportCommand> {
  constructor(private readonly runner: ReportCommandRunner) {}

  execute({ reportId, command, context }: FileReportCommand): Promise<RevisionOutcome> {
    return this.runner.run(reportId, command, context);
  }
}
