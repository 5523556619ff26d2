import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig, weakTokenWarnings } from '../src/config/tally-config';

describe('loadConfig', () => {
  it('defaults to the embedded database with one generated admin key', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: null,
      seed: true,
      publicRead: false,
      writeLimit: 600,
      migrate: true,
      generatedKey: true,
    });
    expect(config.apiKeys).toEqual([{ name: 'admin', role: 'admin', token: expect.any(String) }]);
    expect(config.dataDir).toMatch(/\.tally$/);
  });

  it('parses API keys and flags', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@h/db',
      TALLY_API_KEYS: 'ana:editor:tok-ana-123, bo:reader:tok-bo-456',
      TALLY_PUBLIC_READ: 'true',
      TALLY_WRITE_LIMIT: '0',
      PORT: '8080',
      TALLY_CORS_ORIGINS: 'https://newsroom.example, http://localhost:5173',
    });
    expect(config.corsOrigins).toEqual(['https://newsroom.example', 'http://localhost:5173']);
    expect(config.apiKeys).toEqual([
      { name: 'ana', role: 'editor', token: 'tok-ana-123' },
      { name: 'bo', role: 'reader', token: 'tok-bo-456' },
    ]);
    expect(config).toMatchObject({
      publicRead: true,
      writeLimit: 0,
      port: 8080,
      generatedKey: false,
    });
  });

  it('takes the key that signs digests and how often to publish them', () => {
    const pem = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(loadConfig({})).toMatchObject({ signingKey: null, digestIntervalSeconds: 3600 });
    const config = loadConfig({
      TALLY_SIGNING_KEY: pem.replace(/\n/g, '\\n'),
      TALLY_DIGEST_INTERVAL: '60',
    });
    expect(config).toMatchObject({ signingKey: pem, digestIntervalSeconds: 60 });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://u@h/db' }, /TALLY_API_KEYS is required/],
    [{ DATABASE_URL: 'mysql://u@h/db', TALLY_API_KEYS: 'a:admin:12345678' }, /postgres:\/\//],
    [{ TALLY_API_KEYS: 'a:boss:12345678' }, /role "boss"/],
    [{ TALLY_API_KEYS: 'a:admin' }, /entry 1 is not name:role:token/],
    [{ TALLY_API_KEYS: 'a:admin:short' }, /under 8 characters/],
    [{ TALLY_API_KEYS: 'a:admin:12345678,b:reader:12345678' }, /repeats a token/],
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ TALLY_PUBLIC_READ: 'yes' }, /TALLY_PUBLIC_READ must be true or false/],
    [{ TALLY_CORS_ORIGINS: 'https://a.org/path' }, /TALLY_CORS_ORIGINS has/],
    [{ TALLY_TRUST_PROXY: 'proxy.example' }, /TALLY_TRUST_PROXY has "proxy.example"/],
    [{ TALLY_TRUST_PROXY: '10.0.0.0/33' }, /TALLY_TRUST_PROXY has "10.0.0.0\/33"/],
    [{ TALLY_MIGRATION_DATABASE_URL: 'postgres://o@h/db' }, /needs DATABASE_URL/],
    [{ TALLY_SIGNING_KEY: 'not a key' }, /TALLY_SIGNING_KEY must be an Ed25519 private key/],
    [
      {
        TALLY_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString(),
      },
      /TALLY_SIGNING_KEY must be an Ed25519 private key/,
    ],
    [{ TALLY_DIGEST_INTERVAL: '0' }, /TALLY_DIGEST_INTERVAL/],
    [
      {
        DATABASE_URL: 'postgres://u@h/db',
        TALLY_MIGRATION_DATABASE_URL: 'mysql://o@h/db',
        TALLY_API_KEYS: 'a:admin:12345678',
      },
      /TALLY_MIGRATION_DATABASE_URL must be a postgres/,
    ],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lets a command-line tool run without API keys', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }, 'tool').databaseUrl).toBe(
      'postgres://u@h/db',
    );
  });

  it('takes the proxies to trust for the client address', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TALLY_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TALLY_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TALLY_TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
    ]);
  });

  it('warns of tokens shorter than 16 characters, and only of those', () => {
    const config = loadConfig({
      TALLY_API_KEYS: 'ana:editor:short-tok, bo:reader:a-long-enough-token',
    });
    expect(weakTokenWarnings(config)).toEqual([
      'the token of API key "ana" has 9 characters; use 16 or more',
    ]);
  });

  it('logs readable lines in a terminal and JSON elsewhere, unless told', () => {
    expect(loadConfig({}, 'server', true).logFormat).toBe('pretty');
    expect(loadConfig({}, 'server', false).logFormat).toBe('json');
    expect(loadConfig({ TALLY_LOG_FORMAT: 'json' }, 'server', true).logFormat).toBe('json');
    expect(loadConfig({ TALLY_LOG_FORMAT: 'pretty' }, 'server', false).logFormat).toBe('pretty');
    expect(() => loadConfig({ TALLY_LOG_FORMAT: 'xml' })).toThrow(/TALLY_LOG_FORMAT must be/);
  });
});
