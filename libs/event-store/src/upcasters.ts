import { EventMetadata } from './event-store.types';

/** Lifts the data of a stored type from one schema version to the next, on read. */
export interface Upcaster {
  readonly type: string;
  readonly fromSchemaVersion: number;
  upcast(data: unknown, metadata: EventMetadata): unknown;
}

export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const key = UpcasterRegistry.key(upcaster.type, upcaster.fromSchemaVersion);
      if (this.byKey.has(key)) {
        throw new Error(`two upcasters for ${upcaster.type} v${upcaster.fromSchemaVersion}`);
      }
      this.byKey.set(key, upcaster);
    }
  }

  /** Applies upcasters in a chain until none is registered for the version reached. */
  upcast(
    type: string,
    schemaVersion: number,
    data: unknown,
    metadata: EventMetadata,
  ): { schemaVersion: number; data: unknown } {
    let version = schemaVersion;
    let current = data;
    for (;;) {
      const upcaster = this.byKey.get(UpcasterRegistry.key(type, version));
      if (!upcaster) return { schemaVersion: version, data: current };
      current = upcaster.upcast(current, metadata);
      version += 1;
    }
  }

  private static key(type: string, version: number): string {
    return `${type}@${version}`;
  }
}
