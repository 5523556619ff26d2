import { ReportCommand } from '../domain';

const SOURCE = { url: 'https://www.syriahr.com/en/', publisher: 'SOHR' };

/**
 * The report that started Tally (The Syrian Observatory for Human Rights on US airstrikes in Deir
 * Ezzor), as three revisions: the first toll of 18, then 23 once the bodies were retrieved, and
 * a second publisher's lower toll, recorded beside it for comparison (an illustration: the
 * publisher is made up).
 */
export const DEIR_EZZOR_EXAMPLE: {
  readonly filing: Extract<ReportCommand, { type: 'FileReport' }>;
  readonly revision: Extract<ReportCommand, { type: 'ReviseReport' }>;
  readonly claim: Extract<ReportCommand, { type: 'RecordClaims' }>;
} = {
  filing: {
    type: 'FileReport',
    title: 'US airstrikes on 27 positions in Deir Ezzor',
    summary:
      'American airstrikes at night targeted 27 positions of Iranian-backed militias in Deir ' +
      'Ezzor and its countryside, killing 18 members.',
    location: 'Deir Ezzor',
    occurredAt: '2026-11-20T00:00:00.000Z',
    figures: [
      { measure: 'killed', value: 18 },
      { measure: 'positions_targeted', value: 27 },
    ],
    source: SOURCE,
    reportedAt: '2026-11-20T06:00:00.000Z',
    reason: 'first report',
  },
  revision: {
    type: 'ReviseReport',
    kind: 'update',
    reason: 'bodies retrieved',
    reportedAt: '2026-11-20T18:00:00.000Z',
    source: SOURCE,
    set: {
      summary:
        'The toll of American airstrikes on 27 positions in Deir Ezzor and its countryside rose ' +
        'to 23 after the militias retrieved the bodies trapped in the Iranian kitchen: 13 in ' +
        'Al-Mayadeen city and 10 in the countryside, nine of them Syrians.',
    },
    figures: [
      { measure: 'killed', value: 23 },
      { measure: 'killed', dimensions: { location: 'Al-Mayadeen' }, value: 13 },
      { measure: 'killed', dimensions: { location: 'Deir Ezzor countryside' }, value: 10 },
      { measure: 'killed', dimensions: { nationality: 'Syrian' }, value: 9 },
    ],
  },
  claim: {
    type: 'RecordClaims',
    reason: 'a local network counts fewer dead',
    reportedAt: '2026-11-20T20:00:00.000Z',
    source: { url: 'https://example.org/deir-ezzor-network', publisher: 'Deir Ezzor Network' },
    figures: [{ measure: 'killed', value: 21 }],
  },
};
