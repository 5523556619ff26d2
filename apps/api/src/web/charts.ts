/**
 * Step charts of one figure over time, drawn on the server as SVG: the figure's value holds from
 * each change to the next (a range as a band between its bounds), and every change is a point
 * that links to its revision in the log.
 */

export interface Step {
  /** Milliseconds since the epoch: where the step starts. */
  readonly at: number;
  /** The figure from then on; null: none (removed, or not yet). */
  readonly min: number | null;
  readonly max: number | null;
}

export interface ChartPoint {
  readonly at: number;
  readonly value: number | null;
  readonly revision: number;
  /** What the point says, for its tooltip and screen readers. */
  readonly label: string;
  /** The value it set is the figure's (filled), or a claim beside it (hollow). */
  readonly adopted: boolean;
}

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly Step[];
  readonly points: readonly ChartPoint[];
  /** Where the drawn time ends: now, or the time the page travelled to. */
  readonly until: number;
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

export function stepChart(chart: Chart): string {
  const times = [...chart.steps.map((s) => s.at), ...chart.points.map((p) => p.at)];
  if (times.length === 0) return '';
  const start = Math.min(...times);
  const end = Math.max(chart.until, ...times);
  const span = Math.max(end - start, 1);
  const top = Math.max(
    1,
    ...chart.steps.map((s) => s.max ?? 0),
    ...chart.points.map((p) => p.value ?? 0),
  );
  const x = (at: number) => PAD.left + ((at - start) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) =>
    HEIGHT - PAD.bottom - (value / (top * 1.1)) * (HEIGHT - PAD.top - PAD.bottom);
  const f = (n: number) => n.toFixed(1);

  const bands: string[] = [];
  const lines: string[] = [];
  chart.steps.forEach((step, i) => {
    if (step.min === null || step.max === null) return;
    const from = x(step.at);
    const to = x(chart.steps[i + 1]?.at ?? end);
    if (step.min !== step.max) {
      bands.push(
        `<rect class="band" x="${f(from)}" y="${f(y(step.max))}" width="${f(Math.max(to - from, 1))}" height="${f(y(step.min) - y(step.max))}"/>`,
      );
    }
    const level = y(step.max);
    const next = chart.steps[i + 1];
    const rise = next && next.max !== null ? ` V${f(y(next.max))}` : '';
    lines.push(`M${f(from)} ${f(level)} H${f(to)}${rise}`);
  });
  const points = chart.points
    .filter((p) => p.value !== null)
    .map(
      (p) =>
        `<a href="#r${p.revision}" aria-label="${escapeXml(p.label)}"><circle class="${p.adopted ? 'adopted' : 'claim'}" cx="${f(x(p.at))}" cy="${f(y(p.value!))}" r="4"><title>${escapeXml(p.label)}</title></circle></a>`,
    );
  const day = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  return [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="group" aria-labelledby="${chart.id}-title">`,
    `<title id="${chart.id}-title">${escapeXml(chart.title)}</title>`,
    `<line class="axis" x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}"/>`,
    `<text x="${PAD.left}" y="${HEIGHT - 8}">${day(start)}</text>`,
    `<text x="${WIDTH - PAD.right}" y="${HEIGHT - 8}" text-anchor="end">${day(end)}</text>`,
    `<text x="${PAD.left - 6}" y="${f(y(0))}" text-anchor="end">0</text>`,
    `<text x="${PAD.left - 6}" y="${f(y(top))}" text-anchor="end">${top}</text>`,
    ...bands,
    lines.length > 0 ? `<path class="step" d="${lines.join(' ')}"/>` : '',
    ...points,
    '</svg>',
  ].join('');
}

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
