import { ReportCommand, ReportCommandRunner } from '@tally/reports';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importArguments, runImport } from '../src/import/import-command';
import { importedReportId } from '../src/import/import-lines';
import { storedEvents, useTestApp, importInto } from './support/test-app';

const SAMPLE = join(__dirname, '../../../examples/deir-ezzor.jsonl');
const sample = () => readFileSync(SAMPLE, 'utf8').split('\n');
const DEIR_EZZOR = importedReportId('deir-ezzor-2026-11-20');

/** The import runs the same command handlers as the API: same checks, same events, same chain. */
describe('importing JSON Lines', () => {
  const t = useTestApp();
  const get = async (path: string) => (await t.as('reader').get(path).expect(200)).body;

  it('checks a file without recording anything on a dry run', async () => {
    const summary = await importInto(t, sample(), { actor: 'archive', dryRun: true });
    expect(summary).toMatchObject({ lines: 6, recorded: 0, failed: 0 });
    expect(await storedEvents(t.db)).toEqual([]);
  });

  it('records an import killed half-way and run again exactly once per line', async () => {
    const lines = sample();
    const half = await importInto(t, lines.slice(0, 3), { actor: 'archive' });
    expect(half).toMatchObject({ lines: 3, recorded: 3, unchanged: 0, failed: 0 });
    const whole = await importInto(t, lines, { actor: 'archive' });
    expect(whole).toMatchObject({ lines: 6, recorded: 3, unchanged: 3, failed: 0 });
    const again = await importInto(t, lines, { actor: 'archive' });
    expect(again).toMatchObject({ lines: 6, recorded: 0, unchanged: 6, failed: 0 });
    const events = await storedEvents(t.db);
    expect(events).toHaveLength(6);
    expect(events.every((e) => e.metadata.actor === 'archive')).toBe(true);
    expect(await get(`/reports/${DEIR_EZZOR}/verify`)).toMatchObject({ valid: true, revisions: 4 });
  });

  it('takes lines in any order of reported time: a late update is a late claim', async () => {
    const report = await get(`/reports/${DEIR_EZZOR}`);
    expect(report.title).toBe('US airstrikes on 27 positions in Deir Ezzor');
    expect(report.figures[0]).toMatchObject({ key: 'killed', value: 23, publisher: 'SOHR' });
    expect(report.checks).toMatchObject([
      { dimension: 'location', status: 'complete' },
      { dimension: 'nationality', status: 'partial' },
    ]);
    const history = await get(`/reports/${DEIR_EZZOR}/figures/killed/history?order=reported`);
    expect(
      history.items.map((i: Record<string, unknown>) => [i.amount, i.publisher, i.late]),
    ).toEqual([
      [18, 'SOHR', false],
      [20, 'network.example', true],
      [23, 'SOHR', false],
      [{ min: 15, max: 18 }, 'State outlet', false],
    ]);
    const mayadeen = await get(`/reports/${importedReportId('al-mayadeen-2026-11-22')}`);
    expect(mayadeen).toMatchObject({ location: 'الميادين', figures: [{ value: 2 }] });
  });

  it('reports each failing line with its number and reason, and goes on; nothing half recorded', async () => {
    const before = (await storedEvents(t.db)).length;
    const lines = [
      '{"line":"bad-1","report":"r1","command":"file","title":"Shelling of Idlib","figures":[{"measure":"killed","value":3}]}',
      'not json at all',
      '{"line":"bad-3","report":"r1","command":"update","reason":"r","figures":[{"measure":"killed","value":-1}]}',
      '{"line":"bad-4","report":"r1","command":"explode"}',
      '{"line":"bad-5","report":"r1","command":"update","reason":"r","figures":[{"measure":"killed","value":4}],"colour":"red"}',
      '{"line":"bad-6","report":"nowhere","command":"update","reason":"r","figures":[{"measure":"killed","value":4}]}',
      '{"line":"dz-1","report":"deir-ezzor-2026-11-20","command":"file","title":"another content under a used id"}',
      '{"line":"bad-8","report":"r1","command":"update","reason":"more found","figures":[{"measure":"killed","value":5}]}',
    ];
    const summary = await importInto(t, lines, { actor: 'archive' });
    expect(summary).toMatchObject({ lines: 8, recorded: 2, failed: 6 });
    expect(summary.failures.map((f) => f.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(summary.failures[0].reason).toMatch(/^not JSON/);
    expect(summary.failures[1].reason).toMatch(/figures\[0\]\.value/);
    expect(summary.failures[3].reason).toMatch(/colour/);
    expect(summary.failures[4].reason).toMatch(/not found|no report/i);
    expect(summary.failures[5].reason).toMatch(/imported before with another content/);
    expect((await storedEvents(t.db)).length).toBe(before + 2);
  });

  it('records a line id given twice in one file once: again it is unchanged, changed it fails', async () => {
    const before = (await storedEvents(t.db)).length;
    const filed =
      '{"line":"twice-1","report":"r3","command":"file","title":"Strike on Hajin","figures":[{"measure":"killed","value":3}]}';
    const updated =
      '{"line":"twice-2","report":"r3","command":"update","reason":"more found","figures":[{"measure":"killed","value":5}]}';
    const summary = await importInto(
      t,
      [
        filed,
        filed,
        '{"line":"twice-1","report":"r3","command":"file","title":"Strike on Hajin, again"}',
        updated,
        updated,
      ],
      { actor: 'archive', lanes: 1 },
    );
    expect(summary).toMatchObject({ lines: 5, recorded: 2, unchanged: 2, failed: 1 });
    expect(summary.failures).toEqual([
      { line: 3, reason: expect.stringMatching(/imported before with another content/) },
    ]);
    expect((await storedEvents(t.db)).length).toBe(before + 2);
  });

  it('answers a command whose key was found unused and then used as the first time', async () => {
    const runner = t.app.get(ReportCommandRunner);
    const reportId = importedReportId('r4');
    const command: ReportCommand = {
      type: 'FileReport',
      title: 'Strike on al-Bukamal',
      reason: null,
      reportedAt: null,
      source: null,
    };
    const context = (unseen: boolean) => ({
      actor: 'archive',
      idempotency: { key: 'import:race-1', fingerprint: 'f', unseen },
    });
    const first = await runner.run(reportId, command, context(true));
    expect(first).toMatchObject({ recorded: true, revision: 1 });
    // Taken for unused although it was: the decision fails (the report exists), the answer is
    // the first one, and nothing is recorded again.
    const again = await runner.run(reportId, command, context(true));
    expect(again).toMatchObject({ recorded: true, revision: 1, replayed: true });
    const events = await storedEvents(t.db);
    expect(events.filter((e) => e.stream_id.endsWith(reportId))).toHaveLength(1);
  });

  it('stops at the first failing line with --strict', async () => {
    const before = (await storedEvents(t.db)).length;
    const summary = await importInto(
      t,
      [
        '{"line":"strict-1","report":"r2","command":"file","title":"Shelling of Jisr al-Shughur"}',
        '{"line":"strict-2","report":"r2","command":"update","reason":"r","figures":[{"measure":"Killed","value":1}]}',
        '{"line":"strict-3","report":"r2","command":"update","reason":"r","figures":[{"measure":"killed","value":1}]}',
      ],
      { actor: 'archive', strict: true },
    );
    // The line before it went in; the one after it was never run.
    expect(summary).toMatchObject({ recorded: 1, failed: 1, failures: [{ line: 2 }] });
    expect((await storedEvents(t.db)).length).toBe(before + 1);
  });

  it('runs from the command line: a summary line, and the failures with their numbers', async () => {
    expect(importArguments(['f.jsonl', '--actor', 'archive', '--strict'])).toEqual({
      file: 'f.jsonl',
      actor: 'archive',
      strict: true,
      dryRun: false,
    });
    expect(importArguments(['f.jsonl'])).toBeNull();
    expect(importArguments(['f.jsonl', '--actor', 'a b'])).toBeNull();
    expect(importArguments(['f.jsonl', '--actor', 'x', '--force'])).toBeNull();
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => out.push(line));
    try {
      const code = await runImport(
        { file: SAMPLE, actor: 'archive', strict: false, dryRun: false },
        t.db.url,
        null,
      );
      expect(code).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^imported .*deir-ezzor\.jsonl: 0 recorded, 6 unchanged, 0 failed \(6 lines in/,
    );
  });
});
