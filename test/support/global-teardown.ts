import { RunningPostgres } from '../../apps/api/src/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const postgres = (globalThis as Record<string, unknown>).__TALLY_TEST_POSTGRES__ as
    RunningPostgres | undefined;
  await postgres?.stop();
}
