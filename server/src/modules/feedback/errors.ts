import { DomainError } from '../../errors.ts';

/**
 * Expected feedback failures: each is a member of the result unions of the fields that can fail so.
 * A survey or response that does not exist (or belongs to another store) is a NotFoundError.
 *
 * Ownership: the SURVEYS part of the module keeps this file; other parts append their classes at
 * the end.
 */

/** A second answer to the same survey about the same order after the edit window closed. */
export class SurveyResponseLockedError extends DomainError {
  readonly code = 'SURVEY_RESPONSE_LOCKED';
  constructor(
    readonly responseId: string,
    /** When the edit window closed. */
    readonly lockedAt: Date,
  ) {
    super('This survey was already answered and the answer can no longer be changed');
    this.name = 'SurveyResponseLockedError';
  }
}

/** The survey is switched off (inactive): it takes no answers. */
export class SurveyClosedError extends DomainError {
  readonly code = 'SURVEY_CLOSED';
  constructor(readonly surveyId: string) {
    super('This survey is closed');
    this.name = 'SurveyClosedError';
  }
}

export type SurveyLinkFailure = 'EXPIRED' | 'INVALID';

/** A signed survey link that cannot be used: EXPIRED, or INVALID (malformed, tampered, revoked, another store). */
export class SurveyLinkError extends DomainError {
  readonly code = 'SURVEY_LINK_INVALID';
  constructor(readonly reason: SurveyLinkFailure) {
    super(reason === 'EXPIRED' ? 'This survey link has expired' : 'This survey link is not valid');
    this.name = 'SurveyLinkError';
  }
}

/** An answer without a known customer to a survey that does not allow anonymous answers. */
export class AnonymousNotAllowedError extends DomainError {
  readonly code = 'ANONYMOUS_NOT_ALLOWED';
  constructor(readonly surveyId: string) {
    super('This survey needs a signed-in customer');
    this.name = 'AnonymousNotAllowedError';
  }
}

// --- CASES (follow-up cases) ---

/**
 * A follow-up case cannot move from `from` to `to`: the rules are OPEN → IN_PROGRESS → RESOLVED and
 * OPEN | IN_PROGRESS → DISMISSED; RESOLVED and DISMISSED are final (only notes can still be added).
 * `from` equals `to` when a final case's assignee, reply or resurvey flag was to change.
 */
export class CaseTransitionError extends DomainError {
  readonly code = 'CASE_TRANSITION_REFUSED';
  constructor(
    readonly from: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED' | 'DISMISSED',
    readonly to: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED' | 'DISMISSED',
    message?: string,
  ) {
    super(
      message ??
        (from === to || from === 'RESOLVED' || from === 'DISMISSED'
          ? `This case is ${from.toLowerCase()} and can no longer be changed`
          : `A case cannot move from ${from} to ${to}`),
    );
    this.name = 'CaseTransitionError';
  }
}

// --- REVIEWS (product ratings and reviews) ---

/**
 * The same text (normalised: case, whitespace and punctuation ignored) was already submitted by this
 * customer for another product, or by someone for this product. `reviewId` is the earlier review.
 */
export class DuplicateReviewError extends DomainError {
  readonly code = 'DUPLICATE_REVIEW';
  constructor(readonly reviewId: string) {
    super('This review text was already submitted');
    this.name = 'DuplicateReviewError';
  }
}

/** More than `limit` new reviews by one customer within 24 hours; `retryAfter` is when one more is allowed. */
export class ReviewRateLimitedError extends DomainError {
  readonly code = 'REVIEW_RATE_LIMITED';
  constructor(
    readonly limit: number,
    readonly retryAfter: Date,
  ) {
    super(`At most ${limit} review(s) per day; try again later`);
    this.name = 'ReviewRateLimitedError';
  }
}

/**
 * A moderation step the rules do not allow: PENDING → PUBLISHED | REJECTED, PUBLISHED → REJECTED,
 * REJECTED → PUBLISHED (so also "already in that status").
 */
export class ReviewTransitionError extends DomainError {
  readonly code = 'REVIEW_TRANSITION_REFUSED';
  constructor(
    readonly from: 'PENDING' | 'PUBLISHED' | 'REJECTED',
    readonly to: 'PENDING' | 'PUBLISHED' | 'REJECTED',
  ) {
    super(from === to ? `This review is already ${from.toLowerCase()}` : `A review cannot move from ${from} to ${to}`);
    this.name = 'ReviewTransitionError';
  }
}

/** A helpful vote that is not allowed: on the voter's OWN_REVIEW, or on a review that is NOT_PUBLISHED. */
export class CannotVoteError extends DomainError {
  readonly code = 'CANNOT_VOTE';
  constructor(readonly reason: 'OWN_REVIEW' | 'NOT_PUBLISHED') {
    super(reason === 'OWN_REVIEW' ? 'You cannot vote for your own review' : 'This review is not published');
    this.name = 'CannotVoteError';
  }
}
