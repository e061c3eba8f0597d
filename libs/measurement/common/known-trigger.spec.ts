// A list measure's triggerIds, and triggerVersions' triggerId: a mistyped id is refused with the
// id it most likely means, where the answer would have no rows for it as if the trigger had no one
// in it (or no definition); an id a definition or any firing of the tenant carries passes. On the
// real embedded store.

import { beforeAll, describe, expect, it } from '@jest/globals';
import { storeForSuite } from '../../storage/testing.js';
import { TriggersErrorCode, TriggersRepository, TriggersService } from '../../triggers/index.js';
import { KnownTriggers } from './known-trigger.js';
import { fixtureRows, seedRows } from './testing.js';

const build = fixtureRows((when: string) => `2026-${when}Z`);

describe("a list measure's trigger ids", () => {
  const store = storeForSuite();
  let known: KnownTriggers;
  let triggers: TriggersService;

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant', {
      triggers: [build.trigger('cart-recovery-email', 'email'), build.trigger('draft', 'push')],
      firings: [
        // a trigger never defined, fired long before any period one would ask about
        build.firing('f1', 'legacy-push', 'p1', '01-02T10:00:00'),
        // sent first under a mistyped trigger id, then again, corrected (below)
        build.firing('f3', 'legacy-pushh', 'p2', '01-03T10:00:00'),
      ],
    });
    // the latest delivery of f3 is all there is of it, merged or not: no firing carries the typo
    await seedRows(
      store.clickhouse,
      'tenant',
      { firings: [build.firing('f3', 'legacy-push', 'p2', '01-03T10:00:00')] },
      Date.now() + 5000,
    );
    // another tenant's definition and firing are no reason to take an id here
    await seedRows(store.clickhouse, 'other', {
      triggers: [build.trigger('other-trigger', 'email')],
      firings: [build.firing('f2', 'other-fired', 'p1', '10-02T10:00:00')],
    });
    triggers = new TriggersService(new TriggersRepository(store.clickhouse), store.config);
    known = new KnownTriggers(triggers, store.clickhouse);
  });

  const refusal = (ids: string[] | null) =>
    known.refuseUnknown('tenant', ids).then(
      () => null,
      (error: Error) => error.message,
    );

  it('takes no ids, defined ids, and ids only firings carry', async () => {
    expect(await refusal(null)).toBeNull();
    expect(await refusal([])).toBeNull();
    expect(await refusal(['cart-recovery-email', 'draft', 'legacy-push'])).toBeNull();
  });

  it('refuses a mistyped id, naming the defined id it most likely means', async () => {
    expect(await refusal(['cart-recovery-email', 'cart-recovry-email'])).toBe(
      "triggerIds: no trigger 'cart-recovry-email' (did you mean 'cart-recovery-email'?) here: " +
        'no definition and no firing of the tenant has that id',
    );
  });

  it('refuses an id that only a replaced delivery of a firing carried', async () => {
    expect(await refusal(['legacy-pushh'])).toBe(
      "triggerIds: no trigger 'legacy-pushh' here: no definition and no firing of the tenant " +
        'has that id',
    );
  });

  it("names every unknown id once, another tenant's among them", async () => {
    expect(await refusal(['other-trigger', 'other-fired', 'other-trigger'])).toBe(
      "triggerIds: no triggers 'other-trigger', 'other-fired' here: no definition and no firing " +
        'of the tenant has these ids',
    );
  });

  it('lists the versions of a defined id, none of an id only firings carry, and refuses others', async () => {
    expect(
      (await triggers.versions('tenant', 'cart-recovery-email')).map((t) => t.version),
    ).toEqual([1]);
    expect(await triggers.versions('tenant', 'legacy-push')).toEqual([]);
    await expect(triggers.versions('tenant', 'cart-recovry-email')).rejects.toMatchObject({
      code: TriggersErrorCode.UnknownTrigger,
      message:
        "triggerId: no trigger 'cart-recovry-email' here: no definition and no firing of the " +
        "tenant has that id; did you mean 'cart-recovery-email'?",
    });
    await expect(triggers.versions('tenant', 'other-fired')).rejects.toMatchObject({
      code: TriggersErrorCode.UnknownTrigger,
      message:
        "triggerId: no trigger 'other-fired' here: no definition and no firing of the tenant has that id",
    });
  });
});
