import { Principal } from '@tally/http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiKey } from '../config/tally-config';

/**
 * The configured API keys, found by token. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, against every key, so the time taken says nothing about any token.
 */
export class ApiKeys {
  private readonly digests: { key: ApiKey; digest: Buffer }[];

  constructor(keys: readonly ApiKey[]) {
    this.digests = keys.map((key) => ({ key, digest: sha256(key.token) }));
  }

  /** The key a token is, or null. */
  find(token: string): (Principal & { readonly digest: Buffer }) | null {
    const presented = sha256(token);
    let found: { key: ApiKey; digest: Buffer } | null = null;
    for (const entry of this.digests) {
      if (timingSafeEqual(entry.digest, presented)) found = entry;
    }
    return found && { name: found.key.name, role: found.key.role, digest: found.digest };
  }

  /** The key named so, with its token's digest, or null. */
  named(name: string): (Principal & { readonly digest: Buffer }) | null {
    const found = this.digests.find((entry) => entry.key.name === name);
    return found ? { name, role: found.key.role, digest: found.digest } : null;
  }

  /** A secret only this configuration knows: derived from every token. */
  secret(purpose: string): Buffer {
    const hash = createHash('sha256').update(`tally ${purpose}\n`);
    for (const { digest } of this.digests) hash.update(digest);
    return hash.digest();
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
