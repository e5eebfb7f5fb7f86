import { describe, expect, test } from 'vitest';
import { LIST_ID_VALIDITY_MS, newListId, parseListId, RECOMMENDATION_STRATEGIES } from './list-id.ts';

const MINUTE = 60_000;

/** A list id issued at `issuedMs` (newListId always uses the clock; uuidv7 ids never go back in time). */
function idAt(strategy: string, issuedMs: number, tail: string): string {
  return `rec_${strategy}_${issuedMs.toString(16).padStart(12, '0')}${tail}`;
}

describe('list ids', () => {
  test('carry the strategy and the issue time, for every strategy', () => {
    for (const strategy of RECOMMENDATION_STRATEGIES) {
      const before = Date.now();
      const id = newListId(strategy);
      expect(id).toMatch(new RegExp(`^rec_${strategy.toLowerCase()}_[0-9a-f]{32}$`));
      const parsed = parseListId(id);
      expect(parsed?.strategy).toBe(strategy);
      expect(parsed!.issuedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(parsed!.issuedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    }
  });

  test('the example of the format parses', () => {
    const now = new Date(0x0193a1b2c3d4 + MINUTE);
    expect(parseListId('rec_personal_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b', now)).toEqual({
      strategy: 'PERSONAL',
      issuedAt: new Date(0x0193a1b2c3d4),
    });
  });

  test('are unique', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => newListId('POPULAR')));
    expect(ids.size).toBe(1_000);
  });

  const issued = Date.UTC(2026, 11, 1, 12);
  const tail = '7abc8def0123456789ab';
  test.each([
    ['issued now', idAt('also_bought', issued, tail), 0, 'ALSO_BOUGHT'],
    ['29 days old', idAt('bought_together', issued, tail), 29 * 24 * 60 * MINUTE, 'BOUGHT_TOGETHER'],
    ['exactly 30 days old', idAt('trending', issued, tail), LIST_ID_VALIDITY_MS, 'TRENDING'],
    ['30 days and a minute old', idAt('trending', issued, tail), LIST_ID_VALIDITY_MS + MINUTE, null],
    ['from 4 minutes ahead (clock skew)', idAt('pinned', issued, tail), -4 * MINUTE, 'PINNED'],
    ['from 6 minutes ahead', idAt('pinned', issued, tail), -6 * MINUTE, null],
    ['unknown strategy', idAt('random', issued, tail), 0, null],
    ['upper-case strategy', idAt('PERSONAL', issued, tail), 0, null],
    ['no prefix', idAt('personal', issued, tail).slice(4), 0, null],
    ['short', idAt('personal', issued, tail).slice(0, -1), 0, null],
    ['long', `${idAt('personal', issued, tail)}0`, 0, null],
    ['upper-case hex', idAt('personal', issued, tail.toUpperCase()), 0, null],
    ['not version 7', idAt('personal', issued, `4${tail.slice(1)}`), 0, null],
    ['bad variant', idAt('personal', issued, `${tail.slice(0, 4)}c${tail.slice(5)}`), 0, null],
    ['with dashes', '0193a1b2-c3d4-7e8f-9a0b-1c2d3e4f5a6b', 0, null],
    ['empty', '', 0, null],
  ])('%s', (_name, id, age, strategy) => {
    const parsed = parseListId(id, new Date(issued + age));
    expect(parsed?.strategy ?? null).toBe(strategy);
    if (parsed) expect(parsed.issuedAt).toEqual(new Date(issued));
  });
});
