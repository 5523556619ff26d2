import { writeThrottlers } from '../src/http/write-throttler.guard';

describe('TALLY_WRITE_LIMIT', () => {
  it('limits writes per key and per address, each to the limit a minute', () => {
    expect(writeThrottlers(5).map(({ name, limit, ttl }) => ({ name, limit, ttl }))).toEqual([
      { name: 'key', limit: 5, ttl: 60_000 },
      { name: 'address', limit: 5, ttl: 60_000 },
    ]);
  });

  it('counts nothing when the limit is 0', () => {
    expect(writeThrottlers(0)).toEqual([]);
  });
});
