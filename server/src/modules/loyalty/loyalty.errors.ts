import { DomainError } from '../../errors.ts';

/** Expected loyalty failures: each is a member of the result unions of the fields that can fail so. */

export class InsufficientPointsError extends DomainError {
  readonly code = 'INSUFFICIENT_POINTS';
  constructor(
    readonly needed: number,
    readonly balance: number,
  ) {
    super(`Not enough points: ${needed} needed, ${balance} available`);
    this.name = 'InsufficientPointsError';
  }
}

export class RewardOutOfStockError extends DomainError {
  readonly code = 'REWARD_OUT_OF_STOCK';
  constructor(readonly rewardId: string) {
    super('This reward is out of stock');
    this.name = 'RewardOutOfStockError';
  }
}

export class RewardLimitReachedError extends DomainError {
  readonly code = 'REWARD_LIMIT_REACHED';
  constructor(readonly limit: number) {
    super(`This reward can be redeemed at most ${limit} time(s) per customer`);
    this.name = 'RewardLimitReachedError';
  }
}

/** Inactive, not yet available or no longer available. */
export class RewardUnavailableError extends DomainError {
  readonly code = 'REWARD_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`This reward is not available: ${reason}`);
    this.name = 'RewardUnavailableError';
  }
}

/** A reward code that cannot be used: `status` says why (CONSUMED, CANCELLED, EXPIRED, UNKNOWN). */
export class RewardCodeUnusableError extends DomainError {
  readonly code = 'REWARD_CODE_UNUSABLE';
  constructor(
    readonly status: 'UNKNOWN' | 'CONSUMED' | 'CANCELLED' | 'EXPIRED',
    message?: string,
  ) {
    super(message ?? `This code cannot be used: ${status.toLowerCase()}`);
    this.name = 'RewardCodeUnusableError';
  }
}

export class ReferralRefusedError extends DomainError {
  readonly code = 'REFERRAL_REFUSED';
  constructor(
    readonly reason:
      | 'UNKNOWN_CODE'
      | 'SELF_REFERRAL'
      | 'SAME_IDENTITY'
      | 'ALREADY_REFERRED'
      | 'NOT_A_NEW_CUSTOMER'
      | 'DISABLED',
    message: string,
  ) {
    super(message);
    this.name = 'ReferralRefusedError';
  }
}

/** The same idempotency key was used before for a different request. */
export class IdempotencyConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(readonly idempotencyKey: string) {
    super(`The idempotency key "${idempotencyKey}" was already used for a different request`);
    this.name = 'IdempotencyConflictError';
  }
}
