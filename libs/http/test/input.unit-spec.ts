import {
  ValidationFailed,
  decodeCursor,
  encodeCursor,
  parseZonedTime,
  refusedInput,
} from '@tally/http';

describe('parseZonedTime', () => {
  it.each([
    ['2026-11-20T21:05:00Z', '2026-11-20T21:05:00.000Z'],
    ['2026-11-20T21:05Z', '2026-11-20T21:05:00.000Z'],
    ['2026-11-21T00:05:00.123456+03:00', '2026-11-20T21:05:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('takes %s as %s', (text, iso) => {
    expect(parseZonedTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '0000-06-01T00:00:00Z', // no year 0 in PostgreSQL
    '0001-01-01T00:30:00+01:00', // year 0 once in UTC
    '9999-12-31T23:30:00-01:00', // year 10000 once in UTC
    '2026-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-20T24:00:00Z',
    '2026-11-20T23:60:00Z',
    '2026-11-20T23:59:60Z',
    '2026-11-20T10:00:00+24:00',
    '2026-11-20T10:00:00',
    '2026-11-20',
    '+275760-09-13T00:00:00Z',
    42,
  ])('refuses %p', (text) => {
    expect(parseZonedTime(text)).toBeNull();
  });
});

describe('decodeCursor', () => {
  const shape = { updatedAt: 'time', id: 'uuid' } as const;
  const id = '5b0d0000-0000-4000-8000-000000000000';

  it('gives back what the list encoded', () => {
    const updatedAt = '2026-11-20T21:05:00.000Z';
    expect(decodeCursor(encodeCursor({ updatedAt, id }), shape)).toEqual({ updatedAt, id });
    expect(decodeCursor(encodeCursor({ revision: 7 }), { revision: 'revision' })).toEqual({
      revision: 7,
    });
  });

  it.each([
    { revision: 2 ** 31 },
    { revision: -1 },
    { revision: 1.5 },
    { revision: '7' },
    { revision: 7, more: 1 },
    {},
    [7],
    null,
  ])('refuses %p as a revision cursor', (value) => {
    expect(() => decodeCursor(encodeCursor(value), { revision: 'revision' })).toThrow(
      ValidationFailed,
    );
  });

  it.each([
    { updatedAt: 'not a time', id },
    { updatedAt: '0000-01-01T00:00:00Z', id },
    { updatedAt: '2026-11-20T21:05:00.000Z', id: '-'.repeat(36) },
    { updatedAt: '2026-11-20T21:05:00.000Z' },
  ])('refuses %p as a list cursor', (value) => {
    expect(() => decodeCursor(encodeCursor(value), shape)).toThrow(ValidationFailed);
  });

  it('refuses what is not base64url JSON', () => {
    for (const text of ['%%%', 'bnVsbA', 'e30', "'; DROP TABLE events;--"]) {
      expect(() => decodeCursor(text, shape)).toThrow(ValidationFailed);
    }
  });
});

describe('refusedInput', () => {
  it('finds unstorable text and reserved keys at any depth, with their path', () => {
    expect(refusedInput({ a: [{ b: 'x\u0000' }] })).toEqual({
      path: 'a[0].b',
      message: 'must be text without NUL characters or lone surrogates',
    });
    expect(refusedInput({ a: { '\ud800': 'x' } })?.path).toBe('a');
    expect(refusedInput(JSON.parse('{"f":[{"d":{"__proto__":"x"}}]}'))).toEqual({
      path: 'f[0].d.__proto__',
      message: '__proto__ is a reserved name',
    });
    expect(refusedInput({ toString: 'x', nested: { valueOf: ['ok'] } })).toBeNull();
  });
});
