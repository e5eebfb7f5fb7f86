import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.ts';
import { EXAMPLE_RULES } from '../../src/modules/loyalty/example-program.ts';
import {
  forgetProgramCache,
  listProgramVersions,
  minorUnitsPer,
  rulesAt,
  updateProgram,
} from '../../src/modules/loyalty/program.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

describe('loyalty program versions', () => {
  it('earns a point per currency unit before any configuration', async () => {
    const store = await app.createStore();
    const active = await rulesAt(app.db.prisma, store.id, new Date());
    expect(active).toMatchObject({ version: 0, enabled: true, name: 'Rewards' });
    expect(active.rules.earning.pointsPerUnit).toBe(1);
  });

  it('applies a new version from its date forward, and the first version also to the past', async () => {
    const store = await app.createStore();
    const first = await updateProgram(app.db.prisma, store.id, { name: 'Kanta Club', rules: EXAMPLE_RULES });
    expect(first.version?.version).toBe(1);
    const nextWeek = new Date(Date.now() + 7 * 86_400_000);
    const second = await updateProgram(app.db.prisma, store.id, {
      rules: { ...EXAMPLE_RULES, earning: { pointsPerUnit: 2 } },
      effectiveFrom: nextWeek,
      note: 'double points',
    });
    expect(second.version?.version).toBe(2);

    const longAgo = await rulesAt(app.db.prisma, store.id, new Date('1997-01-01T00:00:00Z'));
    expect(longAgo).toMatchObject({ version: 1, name: 'Kanta Club' });
    expect((await rulesAt(app.db.prisma, store.id, new Date())).rules.earning.pointsPerUnit).toBe(1);
    const later = await rulesAt(app.db.prisma, store.id, new Date(nextWeek.getTime() + 1_000));
    expect(later.version).toBe(2);
    expect(later.rules.earning.pointsPerUnit).toBe(2);
    expect((await listProgramVersions(app.db.prisma, store.id)).map((version) => version.version)).toEqual([2, 1]);
  });

  it('refuses a change dated in the past and bad rules, naming the field, and changes nothing', async () => {
    const store = await app.createStore();
    await updateProgram(app.db.prisma, store.id, { rules: EXAMPLE_RULES });
    await expect(
      updateProgram(app.db.prisma, store.id, { rules: EXAMPLE_RULES, effectiveFrom: new Date('2020-01-01T00:00:00Z') }),
    ).rejects.toMatchObject({ field: 'effectiveFrom' });
    const bad = updateProgram(app.db.prisma, store.id, {
      name: 'Renamed',
      rules: {
        tiers: {
          levels: [
            { key: 'a', name: 'A', threshold: 5 },
            { key: 'b', name: 'B', threshold: 5 },
          ],
        },
      },
    });
    await expect(bad).rejects.toBeInstanceOf(InvalidInputError);
    await expect(bad).rejects.toMatchObject({ field: 'rules.tiers.levels.1.threshold' });
    await expect(updateProgram(app.db.prisma, store.id, { referralUrl: 'javascript:alert(1)' })).rejects.toMatchObject({
      field: 'referralUrl',
    });
    forgetProgramCache();
    const active = await rulesAt(app.db.prisma, store.id);
    expect(active).toMatchObject({ version: 1, name: 'Rewards' });
    expect(await listProgramVersions(app.db.prisma, store.id)).toHaveLength(1);
  });

  it('turns the program off without a new version', async () => {
    const store = await app.createStore();
    await updateProgram(app.db.prisma, store.id, { rules: EXAMPLE_RULES });
    const { version } = await updateProgram(app.db.prisma, store.id, { enabled: false });
    expect(version).toBeNull();
    expect(await rulesAt(app.db.prisma, store.id)).toMatchObject({ enabled: false, version: 1 });
  });

  it.each([
    ['EUR', 100],
    ['USD', 100],
    ['JPY', 1],
    ['HUF', 1],
    ['BHD', 1000],
  ])('knows %s has %i minor units per unit', (currency, units) => {
    expect(minorUnitsPer(currency)).toBe(units);
  });
});
