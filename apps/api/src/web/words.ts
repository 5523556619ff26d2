import type { Amount, ReportView } from '@tally/reports';

/** An amount as people write it: `23`, or `15–20` for a range. */
export function amountText(amount: Amount | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  return typeof amount === 'number' ? String(amount) : `${amount.min}–${amount.max}`;
}

/** A figure of a view (`value`, or `min` and `max`) as its amount. */
export function figureAmount(figure: { value?: number; min?: number; max?: number }): Amount {
  return figure.value ?? { min: figure.min!, max: figure.max! };
}

/** A time as people read it, in UTC: `2026-11-20 06:00 UTC`. */
export function timeText(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Each consistency check in plain words: "13 + 10 = 23 by location: complete", "9 of 23 by
 * nationality: partial", "14 + 13 = 27 by location: the parts exceed the total (23) by 4".
 */
export function checkWords(report: Pick<ReportView, 'checks' | 'figures'>) {
  return report.checks.map((check) => {
    const parts = report.figures
      .filter(
        (f) =>
          f.measure === check.measure &&
          Object.keys(f.dimensions).length === 1 &&
          check.dimension in f.dimensions,
      )
      .map((f) => amountText(figureAmount(f)));
    const total = amountText(check.total);
    const sum = amountText(check.parts.min === check.parts.max ? check.parts.min : check.parts);
    const added = parts.length > 1 ? `${parts.join(' + ')} = ${sum}` : sum;
    const by = `by ${check.dimension}`;
    let text: string;
    if (check.status === 'complete') {
      text = `${check.measure}: ${parts.length > 1 ? parts.join(' + ') : sum} = ${total} ${by}: complete`;
    } else if (check.status === 'partial') {
      text = `${check.measure}: ${added} of ${total} ${by}: partial`;
    } else {
      const ceiling = typeof check.total === 'number' ? check.total : check.total.max;
      text = `${check.measure}: ${added} ${by}: the parts exceed the total (${total}) by ${check.parts.min - ceiling}`;
    }
    if (check.stale) text += '; the total was set after every part';
    return { status: check.status, stale: check.stale, text };
  });
}
