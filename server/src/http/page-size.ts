import { GraphQLError, Kind, type ValueNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';

function numberValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): number | undefined {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables?.[node.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

/**
 * Refuses any `first`/`last` argument above the page-size limit, on every connection alike, before
 * anything runs. It works at execution time because page sizes often come in variables.
 */
export function usePageSizeLimit(maxPageSize: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let offending: { field: string; argument: string; value: number } | undefined;
      visit(args.document, {
        Field(field) {
          for (const argument of field.arguments ?? []) {
            if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
            const value = numberValue(argument.value, args.variableValues);
            if (value !== undefined && value > maxPageSize && !offending)
              offending = { field: field.name.value, argument: argument.name.value, value };
          }
        },
      });
      if (offending) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `${offending.field}(${offending.argument}: ${offending.value}): a page holds at most ${maxPageSize} items; use the cursor to fetch more`,
              { extensions: { code: 'PAGE_SIZE_LIMIT' } },
            ),
          ],
        });
      }
    },
  };
}
