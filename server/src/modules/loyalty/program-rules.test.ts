import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_RULES } from './example-program.ts';
import { DEFAULT_RULES, parseProgramRules, programRulesSchema } from './program-rules.ts';

function firstIssue(value: unknown): { path: string; message: string } | undefined {
  const result = programRulesSchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return { path: issue.path.map(String).join('.'), message: issue.message };
}

describe('program rules', () => {
  it('defaults to a point per currency unit and nothing else', () => {
    expect(DEFAULT_RULES.earning).toMatchObject({ pointsPerUnit: 1, rounding: 'FLOOR' });
    expect(DEFAULT_RULES.bonuses).toEqual([]);
    expect(DEFAULT_RULES.tiers.levels).toEqual([]);
    expect(DEFAULT_RULES.expiry.months).toBeNull();
    expect(DEFAULT_RULES.referrals.enabled).toBe(false);
  });

  it('accepts the example program and fills in defaults', () => {
    const rules = parseProgramRules(EXAMPLE_RULES);
    expect(rules.tiers.levels.map((tier) => tier.key)).toEqual(['member', 'silver', 'gold']);
    expect(rules.tiers.levels[0]!.earnMultiplier).toBe(1);
    expect(rules.tiers.levels[0]!.perks).toBe('');
  });

  it('is the example printed in the README', () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The program model'));
    const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(json).toBeDefined();
    expect(JSON.parse(json!)).toEqual(EXAMPLE_RULES);
  });

  const levels = (...thresholds: number[]) =>
    thresholds.map((threshold, index) => ({ key: `t${index}`, name: `Tier ${index}`, threshold }));

  it.each([
    [{ earning: { pointsPerUnit: -1 } }, 'earning.pointsPerUnit', 'must be at least 0'],
    [{ earning: { rounding: 'UP' } }, 'earning.rounding', ''],
    [
      { earning: { categoryMultipliers: [{ category: 'Tea', multiplier: 101 }] } },
      'earning.categoryMultipliers.0.multiplier',
      'must be at most 100',
    ],
    [{ bonuses: [{ action: 'DANCE', points: 5 }] }, 'bonuses.0.action', 'must be one of'],
    [{ bonuses: [{ action: 'custom:Bad Key', points: 5 }] }, 'bonuses.0.action', 'custom:<key>'],
    [{ bonuses: [{ action: 'SIGN_UP', points: 0 }] }, 'bonuses.0.points', 'must be at least 1'],
    [
      {
        bonuses: [
          { action: 'SIGN_UP', points: 5 },
          { action: 'SIGN_UP', points: 6 },
        ],
      },
      'bonuses.1.action',
      'must be unique',
    ],
    [{ tiers: { levels: levels(0, 500, 500) } }, 'tiers.levels.2.threshold', 'greater than the previous'],
    [{ tiers: { levels: [{ key: 'Gold!', name: 'Gold', threshold: 0 }] } }, 'tiers.levels.0.key', 'lower-case'],
    [{ tiers: { levels: [{ key: 'gold', name: ' ', threshold: 0 }] } }, 'tiers.levels.0.name', 'must not be empty'],
    [{ tiers: { window: 'WEEKLY' } }, 'tiers.window', ''],
    [{ expiry: { months: 0 } }, 'expiry.months', ''],
    [{ referrals: { returnWindowDays: 400 } }, 'referrals.returnWindowDays', ''],
  ])('refuses %j at %s', (rules, field, message) => {
    const issue = firstIssue(rules);
    expect(issue?.path).toBe(field);
    expect(issue?.message).toContain(message);
  });

  it('keeps tier keys unique', () => {
    const issue = firstIssue({
      tiers: {
        levels: [
          { key: 'a', name: 'A', threshold: 0 },
          { key: 'a', name: 'B', threshold: 10 },
        ],
      },
    });
    expect(issue).toEqual({ path: 'tiers.levels.1.key', message: 'must be unique' });
  });
});
