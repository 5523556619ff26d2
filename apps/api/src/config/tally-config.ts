import { createPrivateKey } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

import { ROLES, Role } from '@tally/http';

export interface ApiKey {
  /** The actor recorded on every event written with this key. */
  readonly name: string;
  readonly role: Role;
  readonly token: string;
}

export interface TallyConfig {
  readonly port: number;
  /** Unset: an embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl: string | null;
  /**
   * The owner, who migrates and rebuilds; `databaseUrl` is then the role that serves. Unset:
   * `databaseUrl` is the owner, and the server serves through a restricted role it manages.
   */
  readonly migrationDatabaseUrl: string | null;
  readonly dataDir: string;
  readonly apiKeys: readonly ApiKey[];
  /** True when no key was configured and one admin key was generated for this run. */
  readonly generatedKey: boolean;
  readonly seed: boolean;
  readonly publicRead: boolean;
  readonly writeLimit: number;
  readonly migrate: boolean;
  /** Origins allowed to call the API from a browser; none unless configured. */
  readonly corsOrigins: readonly string[];
  /**
   * Which proxies to believe about the client's address (`X-Forwarded-For`), as Express's
   * `trust proxy` takes it: false (none), true (any), a hop count, or addresses and ranges.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /** `pretty`: one readable line each, for a terminal; `json`: one JSON object a line. */
  readonly logFormat: 'pretty' | 'json';
  /** `TALLY_SIGNING_KEY`: the Ed25519 private key (PEM) that signs digests; unset: stored. */
  readonly signingKey: string | null;
  /** `TALLY_DIGEST_INTERVAL`: seconds between digests (when the log grew). */
  readonly digestIntervalSeconds: number;
}

/** A configuration the server cannot start with; its message is the one line to print. */
export class ConfigError extends Error {}

/** `tool`: a command-line tool that serves nothing, so needs no API keys. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  purpose: 'server' | 'tool' = 'server',
  stdoutIsTerminal = Boolean(process.stdout.isTTY),
): TallyConfig {
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const migrationDatabaseUrl = nonEmpty(env.TALLY_MIGRATION_DATABASE_URL);
  if (migrationDatabaseUrl !== null && !/^postgres(ql)?:\/\//.test(migrationDatabaseUrl)) {
    throw new ConfigError(
      'TALLY_MIGRATION_DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
  }
  if (migrationDatabaseUrl !== null && databaseUrl === null) {
    throw new ConfigError(
      'TALLY_MIGRATION_DATABASE_URL needs DATABASE_URL, the role to serve with',
    );
  }
  const keysText = nonEmpty(env.TALLY_API_KEYS);
  if (keysText === null && databaseUrl !== null && purpose === 'server') {
    throw new ConfigError(
      'TALLY_API_KEYS is required when DATABASE_URL is set (name:role:token,...)',
    );
  }
  const apiKeys = keysText === null ? [generatedAdminKey()] : parseApiKeys(keysText);
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    databaseUrl,
    migrationDatabaseUrl,
    dataDir: resolve(nonEmpty(env.TALLY_DATA_DIR) ?? '.tally'),
    apiKeys,
    generatedKey: keysText === null,
    seed: boolean(env, 'TALLY_SEED', true),
    publicRead: boolean(env, 'TALLY_PUBLIC_READ', false),
    writeLimit: integer(env, 'TALLY_WRITE_LIMIT', 600, 0, 1_000_000),
    migrate: boolean(env, 'TALLY_MIGRATE', true),
    corsOrigins: origins(env.TALLY_CORS_ORIGINS),
    trustProxy: trustProxy(env.TALLY_TRUST_PROXY),
    logFormat: logFormat(env.TALLY_LOG_FORMAT, stdoutIsTerminal),
    signingKey: signingKey(env.TALLY_SIGNING_KEY),
    digestIntervalSeconds: integer(env, 'TALLY_DIGEST_INTERVAL', 3600, 1, 31_536_000),
  };
}

/** An Ed25519 private key in PEM (`\n` may stand for line ends), or null. */
function signingKey(text: string | undefined): string | null {
  const value = nonEmpty(text);
  if (value === null) return null;
  const pem = value.replace(/\\n/g, '\n');
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return pem;
  } catch {
    // said below
  }
  throw new ConfigError('TALLY_SIGNING_KEY must be an Ed25519 private key in PEM');
}

function logFormat(text: string | undefined, terminal: boolean): 'pretty' | 'json' {
  const value = nonEmpty(text);
  if (value === null) return terminal ? 'pretty' : 'json';
  if (value === 'pretty' || value === 'json') return value;
  throw new ConfigError(`TALLY_LOG_FORMAT must be pretty or json, not "${value}"`);
}

/** Tokens short enough to guess: each a line to warn with at start. */
export function weakTokenWarnings(config: Pick<TallyConfig, 'apiKeys'>): string[] {
  return config.apiKeys
    .filter((key) => key.token.length < STRONG_TOKEN_LENGTH)
    .map(
      (key) =>
        `the token of API key "${key.name}" has ${key.token.length} characters; ` +
        `use ${STRONG_TOKEN_LENGTH} or more`,
    );
}

const STRONG_TOKEN_LENGTH = 16;

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(text: string | undefined): boolean | number | string[] {
  const value = nonEmpty(text);
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const validPrefix =
      prefix === undefined ||
      (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!NAMED_RANGES.has(entry) && (family === 0 || !validPrefix || rest.length > 0)) {
      throw new ConfigError(
        `TALLY_TRUST_PROXY has "${entry}"; use true, false, a hop count, or addresses ` +
          '(10.0.0.1, 10.0.0.0/8, loopback)',
      );
    }
  }
  return entries;
}

export function parseApiKeys(text: string): ApiKey[] {
  const keys = text.split(',').map((entry, index) => {
    const parts = entry.trim().split(':');
    const [name, role, token] = parts;
    if (parts.length !== 3 || !name || !token) {
      throw new ConfigError(`TALLY_API_KEYS entry ${index + 1} is not name:role:token`);
    }
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(
        `TALLY_API_KEYS entry ${index + 1} has role "${role}"; use reader, editor or admin`,
      );
    }
    if (token.length < 8) {
      throw new ConfigError(`TALLY_API_KEYS entry ${index + 1} has a token under 8 characters`);
    }
    return { name, role: role as Role, token };
  });
  const tokens = new Set(keys.map((key) => key.token));
  if (tokens.size !== keys.length) throw new ConfigError('TALLY_API_KEYS repeats a token');
  return keys;
}

function generatedAdminKey(): ApiKey {
  return { name: 'admin', role: 'admin', token: randomBytes(24).toString('base64url') };
}

function origins(text: string | undefined): string[] {
  const list = (text ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`TALLY_CORS_ORIGINS has "${origin}"; use origins like https://a.org`);
    }
  }
  return list;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value.trim();
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = nonEmpty(env[name]);
  if (value === null) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${name} must be true or false, not "${value}"`);
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = nonEmpty(env[name]);
  if (value === null) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not "${value}"`);
  }
  return parsed;
}
