import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importedReportId } from '../src/import/import-lines';
import { useTestApp, importInto } from './support/test-app';

const ARCHIVE = join(__dirname, '../../../examples/archive-2025.jsonl');
const texts = readFileSync(ARCHIVE, 'utf8').split('\n');
type Line = {
  line: string;
  report: string;
  command: string;
  reportedAt?: string;
  figures?: { measure: string; dimensions?: object; value?: number; min?: number; max?: number }[];
};
const lines: Line[] = texts.filter((t) => t.trim() !== '').map((t) => JSON.parse(t));

/**
 * The headline toll each report should show, worked out from the file alone: among the lines
 * that may be adopted (filings, updates, corrections), the one reported last, ties to the later.
 */
function expectedTolls(): Map<string, unknown> {
  const best = new Map<string, { at: string; order: number; amount: unknown }>();
  lines.forEach((line, order) => {
    if (!['file', 'update', 'correction'].includes(line.command)) return;
    const killed = line.figures?.find((f) => f.measure === 'killed' && !f.dimensions);
    if (!killed || !line.reportedAt) return;
    const amount = killed.value ?? { min: killed.min, max: killed.max };
    const known = best.get(line.report);
    if (!known || line.reportedAt >= known.at) {
      best.set(line.report, { at: line.reportedAt, order, amount });
    }
  });
  return new Map([...best].map(([report, { amount }]) => [report, amount]));
}

describe('an archive of 1 000 lines', () => {
  const t = useTestApp();
  const get = async (path: string) => (await t.as('reader').get(path).expect(200)).body;

  it('goes in whole, every line once', async () => {
    expect(lines.length).toBeGreaterThanOrEqual(1000);
    const summary = await importInto(t, texts, { actor: 'archive' });
    expect(summary.failures).toEqual([]);
    expect(summary.recorded).toBe(lines.length);
    const again = await importInto(t, texts, { actor: 'archive' });
    expect(again).toMatchObject({ recorded: 0, unchanged: lines.length, failed: 0 });
  }, 120_000);

  it('shows every report with the toll its sources had reported last', async () => {
    const expected = expectedTolls();
    const listed = await get('/reports?limit=500');
    expect(listed.items).toHaveLength(expected.size);
    for (const [report, amount] of expected) {
      const shown = listed.items.find((r: { id: string }) => r.id === importedReportId(report));
      const killed = shown.figures.find((f: { key: string }) => f.key === 'killed');
      const value = killed.value ?? { min: killed.min, max: killed.max };
      expect({ report, value }).toEqual({ report, value: amount });
    }
  });

  it('keeps each late report beside the toll, on both timelines', async () => {
    const id = importedReportId('incident-0001');
    const byReported = await get(`/reports/${id}/figures/killed/history?order=reported`);
    const reported = byReported.items.map((i: { reportedAt: string }) => i.reportedAt);
    expect(reported).toEqual([...reported].sort());
    const late = byReported.items.filter((i: { late: boolean }) => i.late);
    expect(late).toMatchObject([{ publisher: 'local-network.example', adopted: false }]);
    const byRevision = await get(`/reports/${id}/figures/killed/history`);
    const revisions = byRevision.items.map((i: { revision: number }) => i.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    // Recorded time: the report after its first line is the first toll.
    const first = await get(`/reports/${id}?revision=1`);
    expect(first.figures.find((f: { key: string }) => f.key === 'killed').value).toBe(
      lines[0].figures![0].value,
    );
    const sources = await get(`/reports/${id}/figures/killed/sources`);
    expect(sources.claims.map((c: { publisher: string }) => c.publisher)).toEqual([
      'Observatory',
      'Rights Network',
      'State agency',
      'local-network.example',
    ]);
    expect(
      sources.claims.find((c: { publisher: string }) => c.publisher === 'State agency'),
    ).toMatchObject({ adopted: false });
  });

  it('keeps Arabic place names, retractions and their restorations, and whole chains', async () => {
    const id = importedReportId('incident-0006');
    const report = await get(`/reports/${id}`);
    expect(report.status).toBe('confirmed');
    expect(report.figures.map((f: { key: string }) => f.key)).toContain(
      'killed{location=الميادين}',
    );
    const revisions = await get(`/reports/${id}/revisions?limit=500`);
    expect(revisions.items.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['retraction', 'restoration', 'claim', 'correction']),
    );
    for (const n of [1, 6, 50, 125]) {
      const key = `incident-${String(n).padStart(4, '0')}`;
      expect(await get(`/reports/${importedReportId(key)}/verify`)).toMatchObject({ valid: true });
    }
  });
});
