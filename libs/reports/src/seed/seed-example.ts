import { Pool } from 'pg';
import { ReportCommandRunner } from '../report-command-runner';
import { DEIR_EZZOR_EXAMPLE } from './deir-ezzor.example';

export const SEED_ACTOR = 'tally-example';
/** Fixed, so that every fresh store holds the example under the same id. */
export const EXAMPLE_REPORT_ID = '5b0d2a6e-7c1f-4d8a-9e3b-0f27d3e1a923';

/** Files the bundled example into an empty store; returns its id, or null when not empty. */
export async function seedExample(pool: Pool, runner: ReportCommandRunner): Promise<string | null> {
  const { rows } = await pool.query<{ empty: boolean }>(
    'SELECT NOT EXISTS (SELECT 1 FROM events) AS empty',
  );
  if (!rows[0].empty) return null;
  await runner.run(EXAMPLE_REPORT_ID, DEIR_EZZOR_EXAMPLE.filing, {
    actor: SEED_ACTOR,
    expectedRevision: 0,
  });
  await runner.run(EXAMPLE_REPORT_ID, DEIR_EZZOR_EXAMPLE.revision, {
    actor: SEED_ACTOR,
    expectedRevision: 1,
  });
  await runner.run(EXAMPLE_REPORT_ID, DEIR_EZZOR_EXAMPLE.claim, {
    actor: SEED_ACTOR,
    expectedRevision: 2,
  });
  return EXAMPLE_REPORT_ID;
}
