import { GraphQLError } from 'graphql';

/**
 * Expected failures. Each subclass has a stable `code`; fields that can fail this way list the class
 * in their `errors.types` so it appears in the schema as a union member implementing `Error`.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} was not found`);
    this.name = 'NotFoundError';
  }
}

/** Input that breaks a rule; `field` is the dotted path of the offending input field. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'InvalidInputError';
  }
}

/** A GraphQL error with a machine-readable code; yoga passes these through unmasked. */
export function clientError(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * Rethrows an InvalidInputError from a service as a BAD_USER_INPUT GraphQL error naming the field and
 * the rule (for queries, which answer bad arguments with an error rather than a result union); any
 * other error passes through unchanged.
 */
export function rethrowAsBadUserInput(error: unknown): never {
  if (error instanceof InvalidInputError)
    throw clientError(`Invalid input: ${error.field}: ${error.rule}`, 'BAD_USER_INPUT', {
      issues: [{ field: error.field, message: error.rule }],
    });
  throw error;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, so callers answer "not found" without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
