import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { TOKENS, useTestApp } from './support/test-app';

/** Debian's Chromium, or the one `CHROMIUM_PATH` names; none when neither is there. */
function chromiumPath(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not this one
    }
  }
  return null;
}

const executablePath = chromiumPath();
if (!executablePath && process.env.TALLY_BROWSER === 'required') {
  throw new Error('Chromium is required (TALLY_BROWSER=required) and not installed');
}
const describeInBrowser = executablePath ? describe : describe.skip;
if (!executablePath) {
  console.warn('web-browser.e2e-spec: no Chromium here (apt-get install chromium): skipped');
}

/** No violation axe rates serious or critical. */
async function accessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(grave.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
}

/** Fills a form's fields, each found by its label. */
async function fill(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value);
}

/**
 * Records revision `n` at the desk, opened from the report page and checked for accessibility;
 * the page lands on the revision in the log.
 */
async function recordRevision(
  page: Page,
  n: number,
  fields: Record<string, string>,
  kind?: 'claim',
): Promise<void> {
  await page.getByRole('link', { name: 'Record an update, correction or claim' }).click();
  await accessible(page);
  if (kind) await page.getByLabel('Kind').selectOption(kind);
  await fill(page, fields);
  await page.getByRole('button', { name: 'Record the revision' }).click();
  await page.waitForURL(new RegExp(`#r${n}$`));
}

/** `npm run screenshots` writes the README's pictures; a plain run writes them aside. */
const SHOTS = process.env.TALLY_SCREENSHOTS
  ? join(__dirname, '../../../docs/screenshots')
  : join(tmpdir(), 'tally-screenshots');

/**
 * The toll story in a real browser: sign in, file the Deir Ezzor report, 18 → 23 with the
 * breakdown, a second publisher's claim, the timeline on both axes, the diff, revision 1, the
 * chain verified, sign out; a stale edit meets the conflict; a reader finds no desk; no serious
 * or critical accessibility violation on any page; usable at 360 px.
 */
describeInBrowser('the web app in Chromium', () => {
  const t = useTestApp();
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const server = await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function signIn(role: keyof typeof TOKENS, viewport = { width: 1100, height: 900 }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.waitForURL(/\/ui\/sign-in/);
    await accessible(page);
    await page.getByLabel('API key').fill(TOKENS[role]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    return { context, page };
  }

  let reportUrl: string;
  let editor: { context: BrowserContext; page: Page };

  it('files the report and records the toll rising with its breakdown, and a second source', async () => {
    editor = await signIn('editor');
    const { page } = editor;
    await accessible(page);
    await page.getByRole('link', { name: 'File a report' }).click();
    await accessible(page);
    await fill(page, {
      Title: 'US airstrikes on 27 positions in Deir Ezzor',
      Location: 'Deir Ezzor',
      'Figures, one a line': 'killed = 18',
      'Source URL': 'https://www.syriahr.com/en/1',
      Publisher: 'SOHR',
      'Reported at (UTC; empty: now)': '2026-11-20T06:00:00',
      Reason: 'first report',
    });
    await page.getByRole('button', { name: 'File the report' }).click();
    await page.waitForURL(/\/ui\/reports\/[0-9a-f-]{36}$/);
    reportUrl = page.url();

    await recordRevision(page, 2, {
      'Figures, one a line':
        'killed = 23\nkilled{location=الميادين} = 13\nkilled{location=countryside} = 10',
      'Source URL': 'https://www.syriahr.com/en/2',
      Publisher: 'SOHR',
      'Reported at (UTC; empty: now)': '2026-11-21T06:00:00',
      Reason: 'bodies retrieved',
    });
    await recordRevision(
      page,
      3,
      {
        'Figures, one a line': 'killed = 21',
        'Source URL': 'https://network.example/1',
        Publisher: 'Deir Ezzor Network',
        'Reported at (UTC; empty: now)': '2026-11-21T08:00:00',
        Reason: 'a lower count',
      },
      'claim',
    );

    expect(await page.locator('.checks').textContent()).toMatch(
      /killed: (13 \+ 10|10 \+ 13) = 23 by location: complete/,
    );
    expect(await page.locator('table.sources').textContent()).toContain('Deir Ezzor Network');
    await accessible(page);
    await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
  });

  it('draws the timeline on both axes, each change a point that opens its revision', async () => {
    const { page } = editor;
    await page.goto(`${reportUrl}?axis=reported`);
    const timeline = page.locator('figure.timeline').first();
    await timeline.locator('svg.chart').waitFor({ state: 'visible' });
    await timeline.screenshot({ path: join(SHOTS, 'timeline.png') });
    await page.getByRole('link', { name: 'recorded time' }).click();
    expect((await page.locator('p.toggle strong').textContent())?.trim()).toBe('recorded time');
    await page.locator('figure.timeline').first().locator('a[href="#r2"]').first().click();
    expect(page.url()).toMatch(/#r2$/);
    expect(await page.locator('#r2').textContent()).toContain('bodies retrieved');
    await accessible(page);
  });

  it('opens the diff, travels to revision 1, and verifies the chain', async () => {
    const { page } = editor;
    await page.goto(reportUrl);
    await page.getByRole('link', { name: 'Diff with revision 1' }).click();
    await page.locator('tr.changed').first().waitFor({ state: 'visible' });
    expect(await page.locator('table.diff').textContent()).toContain('18');
    await accessible(page);
    await page.goto(reportUrl);
    await page.getByLabel('Revision', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Travel' }).click();
    expect(await page.locator('.travel').textContent()).toContain('revision 1');
    await accessible(page);
    await page.goto(reportUrl);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    expect(await page.locator('.badge.ok').textContent()).toContain(
      'Verified: the chain of 3 revisions',
    );
  });

  it('shows a stale edit what changed instead of overwriting it', async () => {
    const { page } = editor;
    const other = await editor.context.newPage();
    await page.goto(`${reportUrl}/revise`);
    await other.goto(`${reportUrl}/revise`);
    await other.getByLabel('Figures, one a line').fill('killed = 24');
    await other.getByLabel('Reason').fill('one more found');
    await other.getByRole('button', { name: 'Record the revision' }).click();
    await other.waitForURL(/#r4$/);
    await page.getByLabel('Kind').selectOption('correction');
    await page.getByLabel('Figures, one a line').fill('killed = 22');
    await page.getByLabel('Reason').fill('a miscount');
    await page.getByRole('button', { name: 'Record the revision' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Someone changed this report');
    expect(await page.getByRole('alert').textContent()).toContain('figures.killed');
    expect(await page.getByLabel('Figures, one a line').inputValue()).toBe('killed = 22');
    await accessible(page);
  });

  it('reads on a 360 px screen, by keyboard, and finds no desk as a reader', async () => {
    const { context, page } = await signIn('reader', { width: 360, height: 740 });
    await page.goto(reportUrl);
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(360);
    expect(await page.getByRole('heading', { name: "Editor's desk" }).count()).toBe(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe(
      'Skip to the content',
    );
    await accessible(page);
    const desk = await page.goto(`${reportUrl}/revise`);
    expect(desk?.status()).toBe(403);
    expect((await page.locator('h1').textContent())?.trim()).toBe(
      "The editor's desk is for editors",
    );
    await context.close();
  });

  it('signs out', async () => {
    const { page } = editor;
    await page.goto(reportUrl);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/ui\/sign-in/);
    await page.goto(reportUrl);
    await page.waitForURL(/\/ui\/sign-in/);
    await editor.context.close();
  });
});
