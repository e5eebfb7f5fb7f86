import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError, GraphQLScalarType, getNullableType, isListType, Kind } from 'graphql';
import type { KantaContext } from './context.ts';
import type PrismaTypes from './generated/pothos-types.ts';
import { getDatamodel } from './generated/pothos-types.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

export interface AuthScopes {
  /** Any valid key: the field is scoped to the key's store. */
  store: boolean;
  /** A secret (sk_) key: the retailer's back end or admin. */
  admin: boolean;
  /** A publishable (pk_) key, with or without a signed-in shopper. */
  storefront: boolean;
  /** A publishable key plus a valid signed customer token. */
  customer: boolean;
}

export const builder = new SchemaBuilder<{
  Context: KantaContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // scope-auth first, so nothing else runs for a caller who may not see a field.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      store: context.principal !== null,
      admin: context.principal?.kind === 'admin',
      storefront: context.principal?.kind === 'storefront' || context.principal?.kind === 'customer',
      customer: context.principal?.kind === 'customer',
    }),
    // A refused field names what it needs, so a developer with the wrong key knows what to change.
    unauthorizedError: (_parent, context, info) =>
      new GraphQLError(
        context.principal
          ? `Not authorized: "${info.parentType.name}.${info.fieldName}" is not available to a ${context.principal.kind} key`
          : `Not authenticated: "${info.parentType.name}.${info.fieldName}" needs an API key in "Authorization: Bearer <key>"`,
        { extensions: { code: context.principal ? 'FORBIDDEN' : 'UNAUTHENTICATED' } },
      ),
  },
  // Results are unions of the payload itself and the expected errors: `... on Store { id } ... on Error { code message }`.
  errors: {
    defaultTypes: [],
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Result` },
  },
  validation: {
    validationError: (result) => {
      const issues = result.issues.map((issue) => ({
        field: (issue.path ?? []).map((part) => (typeof part === 'object' ? String(part.key) : String(part))).join('.'),
        message: issue.message,
      }));
      const text = issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ');
      return new GraphQLError(`Invalid input: ${text}`, { extensions: { code: 'BAD_USER_INPUT', issues } });
    },
  },
  prisma: {
    client: (context) => context.prisma as PrismaClient,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    // The configured page-size limit is enforced for every connection in http/page-size.ts.
    maxConnectionSize: 1_000,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    // A connection costs its page size times its selection; its `edges` list adds no second multiplier.
    fieldComplexity: (args, _context, field) => {
      if (field.args.some((argument) => argument.name === 'first')) {
        const pageSize = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : 20;
        return { field: 1, multiplier: Math.max(pageSize, 1) };
      }
      if (field.name === 'edges') return { field: 0, multiplier: 1 };
      return isListType(getNullableType(field.type)) ? { field: 1, multiplier: 10 } : 1;
    },
    limit: (context) => ({
      complexity: context.config.limits.maxCost,
      depth: context.config.limits.maxDepth,
      breadth: context.config.limits.maxCost,
    }),
  },
});

builder.addScalarType(
  'DateTime',
  new GraphQLScalarType<Date, string>({
    name: 'DateTime',
    description: 'An instant, as an ISO 8601 string with a time zone offset (e.g. 2026-11-23T18:41:23.000Z).',
    serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
    parseValue: (value) => {
      const date = typeof value === 'string' ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime()) || !/(Z|[+-]\d\d:?\d\d)$/i.test(String(value)))
        throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone, e.g. 2026-11-23T18:41:23Z');
      return date;
    },
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string');
      const date = new Date(ast.value);
      if (Number.isNaN(date.getTime()) || !/(Z|[+-]\d\d:?\d\d)$/i.test(ast.value))
        throw new GraphQLError('DateTime must be an ISO 8601 string with a time zone, e.g. 2026-11-23T18:41:23Z');
      return date;
    },
  }),
  {},
);

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

// Root types: every field needs a key of some store unless it says otherwise.
builder.queryType({ authScopes: { store: true } });
builder.mutationType({ authScopes: { store: true } });
