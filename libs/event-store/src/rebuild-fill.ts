import { PostgresEventStore } from './event-store';
import { Checkpoint, RecordedEvent, StreamPosition } from './event-store.types';
import { Projection, handlesType } from './projection';
import type { LoaderWrite, RebuildTarget, StreamLoader } from './projection-rebuild';

/**
 * How many pages of a projection's writes may run at once in a bulk fill, each in a transaction
 * of its own (their rows never overlap): enough that PostgreSQL is never waiting for Node, nor
 * Node for PostgreSQL.
 */
const WRITES_IN_FLIGHT = 2;

export function handledBy(projection: Projection, events: readonly RecordedEvent[]) {
  return events.filter((e) => handlesType(projection, e.type));
}

/**
 * The bulk fill: reads the log up to `upTo` stream by stream, a page at a time (the next page is
 * read while this one is prepared), and hands each page to every loader. Each projection's
 * writes run behind: PostgreSQL writes pages n and n - 1 while Node prepares page n + 1.
 */
export async function fillStreamByStream(
  store: PostgresEventStore,
  upTo: Checkpoint,
  targets: readonly RebuildTarget[],
  loaders: ReadonlyMap<Projection, StreamLoader>,
  options: {
    batchSize: number;
    types: readonly string[] | undefined;
    signal?: AbortSignal;
    run: (projection: Projection, write: LoaderWrite) => Promise<void>;
  },
): Promise<number> {
  const read = (after: StreamPosition | null) =>
    store.readByStream({ after, upTo, limit: options.batchSize, types: options.types });
  const writing = new Map<Projection, Promise<void>[]>(
    targets.map(({ projection }) => [projection, []]),
  );
  const enqueue = async (projection: Projection, write: LoaderWrite) => {
    const inFlight = writing.get(projection)!;
    while (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
    const written = options.run(projection, write);
    // Awaited when the queue moves on or at the end; until then its failure is not unhandled.
    written.catch(() => undefined);
    inFlight.push(written);
  };
  let applied = 0;
  let next = read(null);
  try {
    for (let page = await next; page.events.length > 0; page = await next) {
      options.signal?.throwIfAborted();
      next = read(page.position);
      for (const { projection } of targets) {
        const events = handledBy(projection, page.events);
        if (events.length > 0) await enqueue(projection, loaders.get(projection)!.load(events));
      }
      applied += page.events.length;
    }
    options.signal?.throwIfAborted();
    // A loader's last write comes after all its pages' writes have committed: it may rely on them.
    for (const { projection } of targets) {
      await Promise.all(writing.get(projection)!.splice(0));
      await enqueue(projection, loaders.get(projection)!.finish());
    }
    await Promise.all([...writing.values()].flat());
  } finally {
    await next.catch(() => undefined);
    await Promise.allSettled([...writing.values()].flat());
  }
  return applied;
}
