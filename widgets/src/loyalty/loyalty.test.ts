import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { configure, resetConfig } from '../internal/config.ts';
import { createRealStore, type RealStore, UNREACHABLE_ENDPOINT } from '../testing/real-kanta.ts';
import { expectNoAxeViolations, mount, part, unmountAll } from '../testing/widget-testing.ts';
import './define.ts';
import { EXAMPLE_REWARDS, EXAMPLE_RULES } from '../../../server/src/modules/loyalty/example-program.ts';
import type { LoyaltyBadge } from './loyalty-badge.ts';
import { en } from './messages.en.ts';

let store: RealStore;
const orderSeq = { n: 0 };

/** Records a paid order of `euros` for the shopper `web:<ext>` (1 point per euro; the first order also brings 150 bonus points). */
function order(ext: string, euros: number) {
  return {
    externalId: `O-${ext}-${++orderSeq.n}`,
    channel: 'ONLINE',
    placedAt: new Date(Date.now() - 60_000).toISOString(),
    currency: 'EUR',
    customer: { identities: [{ source: 'web', externalId: ext }] },
    lines: [{ name: 'Mug', quantity: 1, unitPrice: euros * 100 }],
  };
}

async function recordOrders(orders: ReturnType<typeof order>[]) {
  await store.admin('mutation($i:[OrderInput!]!){ recordOrders(input:$i){ __typename } }', { i: orders });
  await store.drain();
}

beforeAll(async () => {
  store = await createRealStore('Loyal Shop');
  await store.admin('mutation($input: LoyaltyProgramInput!) { updateLoyaltyProgram(input: $input) { __typename } }', {
    input: { name: 'Kanta Club', referralUrl: 'https://shop.example/join', rules: EXAMPLE_RULES },
  });
  for (const reward of EXAMPLE_REWARDS)
    await store.admin('mutation($input: RewardInput!) { createReward(input: $input) { __typename } }', {
      input: reward,
    });
  await recordOrders([
    order('aino', 1030),
    order('redeemer', 150),
    order('live', 100),
    order('retrier', 150),
    order('short', 10),
    ...Array.from({ length: 12 }, () => order('pager', 10)),
  ]);
});

afterEach(async () => {
  unmountAll();
  resetConfig();
  await commands.emulateMedia({ colorScheme: null });
});

/** Visible text of an element's shadow root, whitespace collapsed. */
function text(element: Element | null | undefined): string {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point.
  return ((element?.shadowRoot?.firstElementChild as HTMLElement | null)?.innerText ?? '').replace(/\s+/g, ' ').trim();
}

async function badgeFor(shopper?: string, setup: (badge: LoyaltyBadge) => void = () => {}): Promise<LoyaltyBadge> {
  await store.use();
  const token = shopper ? await store.token(`web:${shopper}`) : undefined;
  const badge = await mount('loyalty-badge', (element) => {
    if (token) element.setAttribute('customer-token', token);
    setup(element);
  });
  await expect.poll(() => part(badge, 'button'), { timeout: 10_000 }).not.toBeNull();
  return badge;
}

const panelOf = (badge: LoyaltyBadge) => part(badge, 'panel');

async function openPanel(badge: LoyaltyBadge) {
  part<HTMLButtonElement>(badge, 'button')!.focus();
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => part<HTMLDialogElement>(badge, 'dialog')?.open).toBe(true);
  const panel = panelOf(badge)!;
  await expect.poll(() => part(panel, 'tabs'), { timeout: 10_000 }).not.toBeNull();
  return panel;
}

async function selectTab(panel: Element, name: string) {
  const tab = [...panel.shadowRoot!.querySelectorAll<HTMLElement>('[role=tab]')].find(
    (el) => el.textContent?.trim() === name,
  )!;
  await userEvent.click(tab);
  await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
}

describe('<loyalty-badge>', () => {
  test('loading: a busy live region with a localised message', async () => {
    await store.use();
    configure({ fetch: () => new Promise<Response>(() => {}) });
    const badge = await mount('loyalty-badge');
    await expect.poll(() => text(badge)).toBe('Loading points…');
    expect(part(badge, 'base')?.getAttribute('aria-busy')).toBe('true');
    expect(part(badge, 'base')?.getAttribute('aria-live')).toBe('polite');
    await expectNoAxeViolations(badge);
  });

  test('signed in: points, tier and progress to the next tier, all in the accessible name', async () => {
    const badge = await badgeFor('aino');
    expect(part(badge, 'points')?.textContent).toBe('1,180 points');
    expect(part(badge, 'tier')?.textContent).toBe('Silver');
    expect(part(badge, 'next')?.textContent).toBe('320 points to Gold');
    // (1180 - 500) / (1500 - 500)
    expect(part<HTMLElement>(badge, 'progress-bar')?.style.inlineSize).toBe('68%');
    const button = part(badge, 'button')!;
    expect(button.getAttribute('aria-label')).toBe('1,180 points, Silver, 320 points to Gold');
    expect(button.getAttribute('aria-haspopup')).toBe('dialog');
    expect(part(badge, 'base')?.getAttribute('aria-busy')).toBe('false');
    await expectNoAxeViolations(badge);
    await commands.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(badge);
  });

  test('empty: a shopper the store does not know has 0 points and the badge still works', async () => {
    const badge = await badgeFor('stranger');
    expect(part(badge, 'points')?.textContent).toBe('0 points');
    expect(part(badge, 'next')?.textContent).toMatch(/^500 points to Silver$/);
    const panel = await openPanel(badge);
    await selectTab(panel, 'Rewards');
    expect(panel.shadowRoot!.querySelectorAll('[part=redeem-button]')).toHaveLength(0);
    expect(text(panel)).toContain('150 more points needed');
    await expectNoAxeViolations(badge);
  });

  test('error then retry: the API is down, the shopper retries, the points appear', async () => {
    let down = true;
    await store.use();
    configure({
      fetch: (input, init) => (down ? Promise.reject(new TypeError('Failed to fetch')) : fetch(input, init)),
    });
    const token = await store.token('web:aino');
    const warn = vi.spyOn(console, 'warn');
    const badge = await mount('loyalty-badge', (element) => element.setAttribute('customer-token', token));
    await expect.poll(() => part(badge, 'error')?.textContent).toContain('Points could not be loaded.');
    await expectNoAxeViolations(badge);
    await commands.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(badge);
    const retries = vi.fn();
    badge.addEventListener('kanta-retry', retries);
    down = false;
    await userEvent.click(part(badge, 'retry-button')!);
    await expect.poll(() => part(badge, 'points')?.textContent).toBe('1,180 points');
    expect(retries).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls).toEqual([]);
    warn.mockRestore();
  });

  test('error: an unreachable endpoint shows the error state, never throws', async () => {
    const badge = await mount('loyalty-badge', (element) => {
      element.endpoint = UNREACHABLE_ENDPOINT;
      element.key = store.publishableKey;
    });
    await expect.poll(() => part(badge, 'retry-button'), { timeout: 10_000 }).not.toBeNull();
    expect(part(badge, 'retry-button')?.textContent?.trim()).toBe('Try again');
  });

  test('signed out: invites joining; the panel explains the program and links to sign-in; keyboard and Escape', async () => {
    const badge = await badgeFor(undefined, (element) =>
      element.setAttribute('sign-in-url', 'https://shop.example/login'),
    );
    expect(part(badge, 'points')?.textContent).toBe('Join Kanta Club');
    expect(part(badge, 'button')?.getAttribute('aria-label')).toBe('Join Kanta Club, Collect points and rewards');
    await expectNoAxeViolations(badge);

    const panel = await openPanel(badge);
    const dialog = part<HTMLDialogElement>(badge, 'dialog')!;
    expect(dialog.getAttribute('aria-label')).toBe('Kanta Club');
    expect(part(panel, 'heading')?.textContent).toBe('Kanta Club');
    // Focus moved into the dialog: the close button comes first.
    expect(badge.shadowRoot!.activeElement).toBe(part(badge, 'close-button'));
    expect(part<HTMLAnchorElement>(panel, 'sign-in')?.href).toBe('https://shop.example/login');
    expect(text(panel)).toContain('Welcome to the club');
    expect(text(panel)).toContain('From 1,500 points');
    await selectTab(panel, 'Rewards');
    expect(text(panel)).toContain('Free shipping · 150 points');
    expect(panel.shadowRoot!.querySelector('[part=redeem-button]')).toBeNull();
    await selectTab(panel, 'Refer a friend');
    expect(text(panel)).toContain('Sign in to get your referral link.');
    await expectNoAxeViolations(badge);

    await userEvent.keyboard('{Escape}');
    await expect.poll(() => part(badge, 'dialog')).toBeNull();
    expect(badge.shadowRoot!.activeElement).toBe(part(badge, 'button'));
  });

  test('the panel code is not part of the badge: it loads when opened', async () => {
    // Another test may have opened a panel already; this one checks the wiring.
    const badge = await badgeFor('aino');
    const panel = await openPanel(badge);
    expect(customElements.get('loyalty-panel')).toBeDefined();
    expect(panel.constructor.name).toBe('LoyaltyPanel');
    await userEvent.click(part(badge, 'close-button')!);
    await expect.poll(() => part(badge, 'dialog')).toBeNull();
    expect(badge.shadowRoot!.activeElement).toBe(part(badge, 'button'));
  });
});

describe('<loyalty-panel>', () => {
  test('tabs work with the arrow keys, Home and End', async () => {
    const badge = await badgeFor('aino');
    const panel = await openPanel(badge);
    const tab = (name: string) => panel.shadowRoot!.querySelector<HTMLElement>(`#tab-${name}`)!;
    tab('earn').focus();
    await userEvent.keyboard('{ArrowRight}');
    await expect.poll(() => panel.shadowRoot!.activeElement).toBe(tab('rewards'));
    expect(tab('rewards').getAttribute('aria-selected')).toBe('true');
    expect(tab('earn').getAttribute('tabindex')).toBe('-1');
    await userEvent.keyboard('{End}');
    await expect.poll(() => panel.shadowRoot!.activeElement).toBe(tab('refer'));
    await userEvent.keyboard('{ArrowRight}');
    await expect.poll(() => panel.shadowRoot!.activeElement).toBe(tab('earn'));
    await userEvent.keyboard('{ArrowLeft}');
    await expect.poll(() => panel.shadowRoot!.activeElement).toBe(tab('refer'));
    await userEvent.keyboard('{Home}');
    await expect.poll(() => panel.shadowRoot!.activeElement).toBe(tab('earn'));
    expect(part(panel, 'tabpanel')?.getAttribute('aria-labelledby')).toBe('tab-earn');
    await expectNoAxeViolations(badge);
    await commands.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(badge);
  });

  test('redeem end to end: confirm, code shown, balance dropped, ledger written, badge updated', async () => {
    const badge = await badgeFor('redeemer');
    expect(part(badge, 'points')?.textContent).toBe('300 points');
    const panel = await openPanel(badge);
    await selectTab(panel, 'Rewards');
    const redeemed = vi.fn();
    document.addEventListener('kanta-redeem', redeemed);

    // 5 € off costs 250 of the 300 points; the 400-point tote bag is out of reach.
    expect(text(panel)).toContain('100 more points needed');
    const reward = [...panel.shadowRoot!.querySelectorAll('[part=reward]')].find((el) =>
      el.textContent?.includes('5 € off'),
    )!;
    await userEvent.click(reward.querySelector('[part=redeem-button]')!);
    await expect.poll(() => part(panel, 'confirm')?.textContent).toContain('Spend 250 points on 5 € off?');
    expect(panel.shadowRoot!.activeElement).toBe(part(panel, 'confirm-button'));
    await expectNoAxeViolations(badge);

    // Cancel returns focus to the Redeem button; then redeem for real.
    await userEvent.click(part(panel, 'cancel-button')!);
    await expect.poll(() => part(panel, 'confirm')).toBeNull();
    expect(panel.shadowRoot!.activeElement?.getAttribute('part')).toBe('redeem-button');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => part(panel, 'confirm-button')).not.toBeNull();
    await userEvent.keyboard('{Enter}');

    await expect.poll(() => part(panel, 'issued'), { timeout: 10_000 }).not.toBeNull();
    const code = part<HTMLInputElement>(panel, 'code')!.value;
    expect(code).toMatch(/\w{4,}/);
    expect(text(panel)).toContain('New balance: 50 points');
    expect(text(panel)).toContain('You have 50 points');
    expect(redeemed).toHaveBeenCalledTimes(1);
    expect(redeemed.mock.calls[0]?.[0].detail).toMatchObject({ code, balance: 50 });
    await expect.poll(() => part(badge, 'points')?.textContent).toBe('50 points');
    document.removeEventListener('kanta-redeem', redeemed);

    const ledger = await store.admin<{ pointsLedger: { edges: { node: { kind: string; points: number } }[] } }>(
      '{ pointsLedger(kind: REDEEM, first: 10) { edges { node { kind points } } } }',
    );
    expect(ledger.pointsLedger.edges.map((edge) => edge.node)).toEqual([{ kind: 'REDEEM', points: -250 }]);

    // Copy the code: the clipboard gets it and "Copied" is announced.
    const write = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    await userEvent.click(part(panel, 'copy-button')!);
    expect(write).toHaveBeenCalledWith(code);
    await expect.poll(() => panel.shadowRoot!.querySelector('[aria-live]')?.textContent).toBe('Copied');
    write.mockRestore();
    await expectNoAxeViolations(badge);
    await commands.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(badge);
  });

  test('a network error after the server redeemed: retrying reuses the idempotency key, nothing is spent twice', async () => {
    await store.use();
    let dropNextRedeem = true;
    const keys: string[] = [];
    configure({
      fetch: async (input, init) => {
        const body = typeof init?.body === 'string' ? JSON.parse(init.body) : {};
        const redeem = String(body.documentId ?? '').startsWith('LoyaltyRedeem:');
        if (redeem) keys.push(body.variables.idempotencyKey);
        const response = await fetch(input, init);
        // The server did the work, but the answer is lost on the way back.
        if (redeem && dropNextRedeem) {
          dropNextRedeem = false;
          throw new TypeError('Failed to fetch');
        }
        return response;
      },
    });
    const token = await store.token('web:retrier');
    const panel = await mount('loyalty-panel', (element) => element.setAttribute('customer-token', token));
    await expect.poll(() => part(panel, 'tabs'), { timeout: 10_000 }).not.toBeNull();
    await selectTab(panel, 'Rewards');
    const reward = [...panel.shadowRoot!.querySelectorAll('[part=reward]')].find((el) =>
      el.textContent?.includes('5 € off'),
    )!;
    await userEvent.click(reward.querySelector('[part=redeem-button]')!);
    await userEvent.click(part(panel, 'confirm-button')!);
    await expect
      .poll(() => part(panel, 'message')?.textContent)
      .toBe('No connection. Try again; nothing is spent twice.');
    await expectNoAxeViolations(panel);

    await userEvent.click(part(panel, 'confirm-button')!);
    await expect.poll(() => part(panel, 'issued'), { timeout: 10_000 }).not.toBeNull();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    // 300 − 250 once: the replay returned the same code without spending again.
    expect(text(panel)).toContain('New balance: 50 points');
  });

  test('a redeem the balance no longer covers shows the union error clearly', async () => {
    await store.use();
    const token = await store.token('web:short');
    const open = async () => {
      const panel = await mount('loyalty-panel', (element) => element.setAttribute('customer-token', token));
      await expect.poll(() => part(panel, 'tabs'), { timeout: 10_000 }).not.toBeNull();
      await selectTab(panel, 'Rewards');
      await userEvent.click(panel.shadowRoot!.querySelector<HTMLElement>('[part=redeem-button]')!);
      return panel;
    };
    // Two tabs of the same account: 160 points cover free shipping (150) once.
    const first = await open();
    const second = await open();
    await userEvent.click(part(first, 'confirm-button')!);
    await expect.poll(() => part(first, 'issued'), { timeout: 10_000 }).not.toBeNull();
    await userEvent.click(part(second, 'confirm-button')!);
    await expect.poll(() => part(second, 'message')?.textContent).toBe('Not enough points: 150 needed.');
    expect(part(second, 'message')?.getAttribute('role')).toBe('alert');
    expect(part(second, 'issued')).toBeNull();
    await expectNoAxeViolations(second);
    await commands.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(second);
  });

  // 12 orders and 2 bonuses (sign-up, first order): 14 rows.
  test('history pages with "Show more"', async () => {
    const token = await store.token('web:pager');
    await store.use();
    const panel = await mount('loyalty-panel', (element) => element.setAttribute('customer-token', token));
    await expect.poll(() => part(panel, 'tabs'), { timeout: 10_000 }).not.toBeNull();
    await selectTab(panel, 'History');
    await expect.poll(() => panel.shadowRoot!.querySelectorAll('[part=history-row]').length).toBe(10);
    expect(part(panel, 'history-row')?.textContent).toContain('Earned');
    expect(part(panel, 'history-row')?.textContent).toContain('+10');
    await expectNoAxeViolations(panel);
    await userEvent.click(part(panel, 'more-button')!);
    await expect.poll(() => panel.shadowRoot!.querySelectorAll('[part=history-row]').length).toBe(14);
    expect(part(panel, 'more-button')).toBeNull();
    await commands.emulateMedia({ colorScheme: 'dark' });
    await expectNoAxeViolations(panel);
  });

  test('referral: the link with Copy (falls back to selecting the text)', async () => {
    const token = await store.token('web:aino');
    await store.use();
    const panel = await mount('loyalty-panel', (element) => element.setAttribute('customer-token', token));
    await expect.poll(() => part(panel, 'tabs'), { timeout: 10_000 }).not.toBeNull();
    await selectTab(panel, 'Refer a friend');
    const input = part<HTMLInputElement>(panel, 'code')!;
    expect(input.value).toMatch(/^https:\/\/shop\.example\/join\?ref=\w+/);
    expect(input.getAttribute('aria-label')).toBe('Your referral link');
    expect(text(panel)).toContain('Your friend gets 200 points on their first order, and you get 300 points.');
    const write = vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new Error('denied'));
    await userEvent.click(part(panel, 'copy-button')!);
    expect(write).toHaveBeenCalledWith(input.value);
    await expect.poll(() => panel.shadowRoot!.activeElement).toBe(input);
    expect(input.selectionEnd! - input.selectionStart!).toBe(input.value.length);
    expect(panel.shadowRoot!.querySelector('[aria-live]')?.textContent).toBe('Select the text and copy it.');
    write.mockRestore();
    await expectNoAxeViolations(panel);
  });
});

describe('live update', () => {
  test('a new order shows in the open badge without a reload', async () => {
    const badge = await badgeFor('live');
    expect(part(badge, 'points')?.textContent).toBe('250 points');
    // Give the subscription a moment to connect before the change.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await recordOrders([order('live', 42)]);
    await expect.poll(() => part(badge, 'points')?.textContent, { timeout: 10_000 }).toBe('292 points');
    expect(part(badge, 'next')?.textContent).toBe('208 points to Silver');
  });
});

describe('theming', () => {
  test('a ::part rule and --kanta-progress-color reach inside the shadow root', async () => {
    const style = document.createElement('style');
    style.textContent = `loyalty-badge { --kanta-progress-color: rgb(1, 2, 3); }
      loyalty-badge::part(button) { border-color: rgb(4, 5, 6); }`;
    document.head.append(style);
    try {
      const badge = await badgeFor('aino');
      expect(getComputedStyle(part(badge, 'progress-bar')!).backgroundColor).toBe('rgb(1, 2, 3)');
      expect(getComputedStyle(part(badge, 'button')!).borderTopColor).toBe('rgb(4, 5, 6)');
    } finally {
      style.remove();
    }
  });
});

describe('locales', () => {
  for (const locale of ['fi', 'hu', 'bs', 'hy'] as const) {
    test(`${locale}: badge and panel render with no English left over`, async () => {
      const catalogue = (await import(`./messages.${locale}.ts`)).default as typeof en;
      const badge = await badgeFor('aino', (element) => element.setAttribute('locale', locale));
      const panel = await openPanel(badge);
      await expect
        .poll(() => part(badge, 'points')?.textContent)
        .toBe(catalogue.points.replace('{count}', new Intl.NumberFormat(locale).format(1180)));
      const seen = [text(badge), part(badge, 'button')!.getAttribute('aria-label')!, text(panel)];
      for (const tab of ['rewards', 'history', 'refer']) {
        await userEvent.click(panel.shadowRoot!.querySelector(`#tab-${tab}`)!);
        if (tab === 'history') await expect.poll(() => part(panel, 'history-row'), { timeout: 10_000 }).not.toBeNull();
        seen.push(text(panel));
      }
      const all = seen.join('\n');
      for (const [key, english] of Object.entries(en)) {
        // Compare the fixed words of each message (placeholders filled from data differ).
        for (const fragment of english.split(/\{\w+\}/))
          if (fragment.trim().length > 3 && fragment.trim() !== catalogue[key as keyof typeof en])
            expect(all, `${key}: "${fragment.trim()}"`).not.toContain(fragment.trim());
      }
      expect(part(badge, 'close-button')?.textContent?.trim()).toBe(catalogue.close);
      await expectNoAxeViolations(badge);
    });
  }
});
