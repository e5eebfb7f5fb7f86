/** A GraphQL-shaped error response for failures that happen before GraphQL runs (auth, origin). */
export function graphqlErrorResponse(status: number, message: string, code: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}
