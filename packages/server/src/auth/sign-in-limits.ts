import type { FastifyReply } from 'fastify';
import { PennonError } from '../errors.js';
import { RateLimiter, type RateLimitOptions } from '../http/rate-limit.js';

export interface SignInLimitOptions {
  /** Failed sign-ins per account (email, known or not). */
  perAccount: RateLimitOptions;
  /** Failed sign-ins per peer address, whatever the email. */
  perAddress: RateLimitOptions;
}

/**
 * Five wrong passwords for one account at once, then one every 30 s: guessing one person's
 * password gets nowhere, while the person, locked out for half a minute, is barely slowed.
 * Twenty per address, then one every 3 s, for one address trying many accounts.
 */
export const SIGN_IN_LIMITS: SignInLimitOptions = {
  perAccount: { perSecond: 1 / 30, burst: 5 },
  perAddress: { perSecond: 1 / 3, burst: 20 },
};

/**
 * Counts failed sign-ins per account and per address. Once either is used up, every attempt
 * (the right password too) gets 429 before any password is checked, as for admin tokens.
 * Accounts are keyed by the email as typed (normalised), known or not, so the limit itself
 * does not tell which emails have accounts.
 */
export class SignInLimits {
  private readonly accounts: RateLimiter;
  private readonly addresses: RateLimiter;

  constructor(options: SignInLimitOptions = SIGN_IN_LIMITS) {
    this.accounts = new RateLimiter(options.perAccount);
    this.addresses = new RateLimiter(options.perAddress);
  }

  /** Throws 429 `rate_limited` (with Retry-After) when this account or address must wait. */
  check(email: string, address: string, reply: FastifyReply): void {
    const account = this.accounts.wait(email);
    const peer = this.addresses.wait(address);
    const wait = Math.max(account, peer);
    if (wait === 0) return;
    reply.header('Retry-After', String(wait));
    const what = account > 0 ? 'for this account' : 'from this address';
    throw new PennonError(
      'rate_limited',
      'rate_limited',
      `Too many failed sign-ins ${what}; retry in ${wait} s.`,
      {
        details: { retry_after_seconds: wait },
      },
    );
  }

  failed(email: string, address: string): void {
    this.accounts.take(email);
    this.addresses.take(address);
  }
}
