import { Inject, Injectable } from '@nestjs/common';
import { Principal, ROLES, Role, TallyRequest } from '@tally/http';
import { parse, serialize } from 'cookie';
import type { Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TallyConfig } from '../config/tally-config';
import { ApiKeys } from '../http/api-keys';
import { TALLY_CONFIG } from '../http/auth.guard';

export const SESSION_COOKIE = 'tally_session';
const SESSION_HOURS = 12;

/**
 * Web sessions: signing in with an API key sets an `HttpOnly`, `SameSite=Strict` cookie that
 * names the key and when the session ends, sealed with an HMAC under a secret derived from the
 * configured tokens and bound to the key's token digest: the cookie carries no token, a key
 * whose token changes ends its sessions, and a forged or altered cookie is no session. Forms
 * carry a CSRF token: an HMAC of the session under another derived secret.
 */
@Injectable()
export class WebSessions {
  private readonly keys: ApiKeys;
  private readonly sealing: Buffer;
  private readonly csrf: Buffer;

  constructor(@Inject(TALLY_CONFIG) private readonly config: TallyConfig) {
    this.keys = new ApiKeys(config.apiKeys);
    this.sealing = this.keys.secret('web session');
    this.csrf = this.keys.secret('web csrf');
  }

  get publicRead(): boolean {
    return this.config.publicRead;
  }

  /** Signs in with a token: the session cookie set, or null for a token that is no key. */
  signIn(request: TallyRequest, response: Response, token: string): Principal | null {
    const key = this.keys.find(token.trim());
    if (!key) return null;
    const expires = Math.floor(Date.now() / 1000) + SESSION_HOURS * 3600;
    const value = `${Buffer.from(key.name).toString('base64url')}.${expires}.${this.seal(key.name, expires, key.digest)}`;
    response.setHeader('Set-Cookie', this.cookie(request, value, SESSION_HOURS * 3600));
    return { name: key.name, role: key.role };
  }

  signOut(request: TallyRequest, response: Response): void {
    response.setHeader('Set-Cookie', this.cookie(request, '', 0));
  }

  /** The key a request's session cookie names, when the cookie is sound and not expired. */
  principal(request: TallyRequest): Principal | null {
    const value = this.sessionOf(request);
    if (!value) return null;
    const [name64, expiresText, seal] = value.split('.');
    const expires = Number(expiresText);
    if (!name64 || !seal || !Number.isSafeInteger(expires) || expires * 1000 < Date.now()) {
      return null;
    }
    const name = Buffer.from(name64, 'base64url').toString();
    const key = this.keys.named(name);
    if (!key) return null;
    const expected = Buffer.from(this.seal(name, expires, key.digest));
    const given = Buffer.from(seal);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { name: key.name, role: key.role };
  }

  /** The CSRF token forms of this session carry. */
  csrfToken(request: TallyRequest): string {
    return createHmac('sha256', this.csrf)
      .update(this.sessionOf(request) ?? '')
      .digest('base64url');
  }

  /** True when a form's token is this session's. */
  csrfValid(request: TallyRequest, token: unknown): boolean {
    if (typeof token !== 'string' || !this.sessionOf(request)) return false;
    const expected = Buffer.from(this.csrfToken(request));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** True when the principal's role reaches `role`. */
  static reaches(principal: Principal | null, role: Role): boolean {
    return principal !== null && ROLES.indexOf(principal.role) >= ROLES.indexOf(role);
  }

  private sessionOf(request: TallyRequest): string | null {
    const header = request.headers.cookie;
    if (!header) return null;
    return parse(header)[SESSION_COOKIE] || null;
  }

  private seal(name: string, expires: number, digest: Buffer): string {
    return createHmac('sha256', this.sealing)
      .update(`${name}\n${expires}\n${digest.toString('hex')}`)
      .digest('base64url');
  }

  private cookie(request: TallyRequest, value: string, maxAge: number): string {
    return serialize(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: '/',
      maxAge,
    });
  }
}
