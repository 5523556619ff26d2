// Writes an archive of incident reports as JSON Lines, in the seed report's style: several
// incidents, several publishers, tolls that rise, breakdowns by place (Arabic names), ranges,
// corrections, a state outlet's lower claims, updates typed in late, a retraction and its
// restoration. Deterministic: the same arguments, the same file.
//
//   node examples/make-archive.mjs 125 > examples/archive-2025.jsonl
import { stdout } from 'node:process';

const incidents = Number(process.argv[2] ?? 100);

let seed = 20261120;
/** A small linear congruential generator: the same sequence on every run. */
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));

const PLACES = [
  ['Deir Ezzor', ['الميادين', 'البوكمال', 'ريف دير الزور']],
  ['Idlib', ['معرة النعمان', 'جسر الشغور', 'أريحا']],
  ['Aleppo', ['الباب', 'منبج', 'عفرين']],
  ['Hama', ['السلمية', 'مصياف', 'كفرنبودة']],
  ['Daraa', ['طفس', 'نوى', 'بصرى الشام']],
];
const KINDS = ['Airstrikes', 'Shelling', 'A drone strike', 'A car bomb', 'Clashes'];
const OBSERVATORY = { url: 'https://observatory.example/en/', publisher: 'Observatory' };
const NETWORK = { url: 'https://rights-network.example/reports/', publisher: 'Rights Network' };
const STATE = { url: 'https://state-agency.example/news/', publisher: 'State agency' };
const LOCAL = { url: 'https://local-network.example/' };

const lines = [];
const day = (n, hour) => new Date(Date.UTC(2025, 0, 1 + n, hour)).toISOString();
const emit = (line) => lines.push(JSON.stringify(line));

for (let i = 0; i < incidents; i++) {
  const [region, towns] = PLACES[i % PLACES.length];
  const report = `incident-${String(i + 1).padStart(4, '0')}`;
  const start = i * 3;
  let n = 0;
  const id = () => `${report}-${++n}`;
  const first = between(3, 20);
  emit({
    line: id(),
    report,
    command: 'file',
    title: `${pick(KINDS)} in ${region} (${i + 1})`,
    location: region,
    occurredAt: day(start, 0),
    figures: [
      i % 7 === 3
        ? { measure: 'killed', min: first, max: first + 4 }
        : { measure: 'killed', value: first },
      { measure: 'injured', value: between(0, 30) },
    ],
    source: OBSERVATORY,
    reportedAt: day(start, 6),
    reason: 'first report',
  });
  // The toll rises over the next days, with a breakdown by town.
  let toll = first;
  for (let step = 1; step <= 3; step++) {
    toll += between(1, 6);
    const parts = towns.slice(0, 2);
    const inFirst = between(0, toll);
    emit({
      line: id(),
      report,
      command: 'update',
      reason: step === 1 ? 'bodies retrieved' : 'more victims identified',
      source: { url: `${OBSERVATORY.url}${i}/${step}`, publisher: 'Observatory' },
      reportedAt: day(start + step, 8),
      figures: [
        { measure: 'killed', value: toll },
        { measure: 'killed', dimensions: { location: parts[0] }, value: inFirst },
        { measure: 'killed', dimensions: { location: parts[1] }, value: toll - inFirst },
      ],
    });
  }
  // Another monitor's count, and a state outlet's lower one, side by side.
  emit({
    line: id(),
    report,
    command: 'update',
    reason: 'documented by name',
    source: NETWORK,
    reportedAt: day(start + 4, 12),
    figures: [
      { measure: 'killed', value: toll + between(0, 2) },
      { measure: 'killed', dimensions: { nationality: 'Syrian' }, value: between(1, toll) },
    ],
  });
  emit({
    line: id(),
    report,
    command: 'claim',
    reason: 'the state outlet counts fewer',
    source: STATE,
    reportedAt: day(start + 2, 18),
    figures: [{ measure: 'killed', min: Math.max(0, toll - 8), max: Math.max(1, toll - 3) }],
  });
  // A local network's figure from the first day, typed in late: recorded, not adopted.
  emit({
    line: id(),
    report,
    command: 'update',
    reason: 'typed in from last week',
    source: LOCAL,
    reportedAt: day(start, 20),
    figures: [{ measure: 'killed', value: first + 1 }],
  });
  if (i % 4 === 1) {
    emit({
      line: id(),
      report,
      command: 'correction',
      kind: 'correction',
      reason: 'two victims were counted twice',
      source: NETWORK,
      reportedAt: day(start + 6, 9),
      figures: [{ measure: 'killed', value: Math.max(0, toll - 2) }],
    });
  }
  if (i % 10 === 5) {
    emit({ line: id(), report, command: 'retract', reason: 'duplicate of another incident' });
    emit({ line: id(), report, command: 'restore', reason: 'a distinct incident after all' });
  }
  emit({
    line: id(),
    report,
    command: 'update',
    reason: 'confirmed',
    reportedAt: day(start + 7, 10),
    source: OBSERVATORY,
    set: { status: 'confirmed' },
  });
}
stdout.write(`${lines.join('\n')}\n`);
