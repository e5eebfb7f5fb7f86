import { expect, test } from 'vitest';
import { uuidv7 } from './uuid7.ts';

test('ids are version 7, carry the time and increase within one millisecond', () => {
  const ids = Array.from({ length: 5_000 }, () => uuidv7(1_764_633_600_000));
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
  expect(Number.parseInt(ids[0]!.replaceAll('-', '').slice(0, 12), 16)).toBe(1_764_633_600_000);
});
