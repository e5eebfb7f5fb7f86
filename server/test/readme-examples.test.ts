import fs from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema.ts';

/**
 * Every GraphQL example in the README must be valid against the schema, so the documentation
 * cannot drift from the API. (Blocks marked ```graphql; `#` comments are fine.)
 */
const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match, index) => {
  const before = readme.slice(0, match.index);
  const heading = [...before.matchAll(/^#+ (.+)$/gm)].at(-1)?.[1] ?? 'top';
  return { name: `${heading} #${index + 1}`, text: match[1]! };
});

describe('README GraphQL examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(3);
  });

  it.each(blocks)('$name is valid against the schema', ({ text }) => {
    const errors = validate(schema, parse(text)).map((error) => error.message);
    expect(errors).toEqual([]);
  });
});
