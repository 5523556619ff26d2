import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Checkpoint, PostgresEventStore, encodeCheckpoint } from '@tally/event-store';
import { Page } from '@tally/http';
import { REPORTS_EVENT_STORE } from '../report-state-cache';
import { reportIdOf } from '../report-stream';

export interface EventItem {
  readonly position: string;
  readonly reportId: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recordedAt: string;
}

/** The global log in commit order, after a position. */
export class ListEventsQuery extends Query<Page<EventItem>> {
  constructor(
    readonly after: Checkpoint | null,
    readonly limit: number,
  ) {
    super();
  }
}

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery> {
  constructor(@Inject(REPORTS_EVENT_STORE) private readonly store: PostgresEventStore) {}

  async execute({ after, limit }: ListEventsQuery): Promise<Page<EventItem>> {
    const { events } = await this.store.readAll({ after, limit });
    const items = events.map((event) => ({
      position: encodeCheckpoint(event),
      reportId: reportIdOf(event.streamId),
      revision: event.streamVersion,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt.toISOString(),
    }));
    return {
      items,
      nextCursor: items.length === limit ? items[items.length - 1].position : null,
    };
  }
}
