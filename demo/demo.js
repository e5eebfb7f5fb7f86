// The demo storefront's own script: the shopper and language switchers in the header, and the
// product data of the home and product pages. A real storefront signs its customer tokens in its own
// back end after sign-in; the demo server's /demo/token plays that part here.

const SHOPPER_KEY = 'kanta-demo-shopper';
const LANGUAGE_KEY = 'kanta-demo-language';
/** Customer tokens live 15 minutes: fetch a fresh one well before that. */
const TOKEN_REFRESH_MS = 10 * 60 * 1000;

const state = { shopper: '', token: undefined, shoppers: [], refreshTimer: 0 };

const $ = (selector, root = document) => root.querySelector(selector);

function store(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

function stored(key) {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function announce(message) {
  const status = $('#demo-status');
  if (status) status.textContent = message;
}

/** The page language: the visitor's pick, else the signed-in shopper's locale, else English. */
function applyLanguage() {
  const picked = stored(LANGUAGE_KEY);
  const shopper = state.shoppers.find((candidate) => candidate.id === state.shopper);
  const lang = picked || shopper?.locale || 'en';
  document.documentElement.lang = lang;
  const select = $('#language');
  if (select) select.value = picked || '';
}

function kanta() {
  return window.kanta;
}

async function signIn(id) {
  clearTimeout(state.refreshTimer);
  state.shopper = id;
  store(SHOPPER_KEY, id);
  if (!id) {
    state.token = undefined;
    kanta()?.setCustomerToken(undefined);
  } else {
    try {
      const { token } = await getJson(`/demo/token?shopper=${encodeURIComponent(id)}`);
      state.token = token;
      kanta()?.setCustomerToken(token);
      state.refreshTimer = setTimeout(() => signIn(state.shopper), TOKEN_REFRESH_MS);
    } catch (error) {
      console.warn('Kanta demo: could not sign in', error);
      announce('Signing in failed: is the demo server running?');
    }
  }
  applyLanguage();
  const shopper = state.shoppers.find((candidate) => candidate.id === id);
  document.body.classList.toggle('signed-in', Boolean(id));
  for (const name of document.querySelectorAll('[data-shopper-name]'))
    name.textContent = shopper ? shopper.name : 'a visitor';
  document.dispatchEvent(new CustomEvent('demo-shopper', { detail: { shopper: id, token: state.token } }));
}

async function setUpSwitchers() {
  const shopperSelect = $('#shopper');
  const languageSelect = $('#language');
  try {
    state.shoppers = await getJson('/demo/shoppers');
  } catch (error) {
    console.warn('Kanta demo: no shoppers', error);
  }
  if (shopperSelect) {
    for (const shopper of state.shoppers) {
      const option = document.createElement('option');
      option.value = shopper.id;
      option.textContent = shopper.name;
      option.lang = shopper.locale;
      shopperSelect.append(option);
    }
    const saved = stored(SHOPPER_KEY);
    shopperSelect.value = state.shoppers.some((shopper) => shopper.id === saved) ? saved : '';
    shopperSelect.addEventListener('change', async () => {
      await signIn(shopperSelect.value);
      const name = shopperSelect.selectedOptions[0]?.textContent ?? '';
      announce(shopperSelect.value ? `Signed in as ${name}.` : 'Signed out.');
    });
  }
  languageSelect?.addEventListener('change', () => {
    store(LANGUAGE_KEY, languageSelect.value);
    applyLanguage();
    announce(`Language: ${languageSelect.selectedOptions[0]?.textContent ?? ''}.`);
  });
  await signIn(shopperSelect?.value ?? '');
}

// --- Products ----------------------------------------------------------------------------------

let catalogue;
function products() {
  catalogue ??= getJson('/demo/products').catch((error) => {
    console.warn('Kanta demo: no products', error);
    return [];
  });
  return catalogue;
}

function price(product) {
  const locale = document.documentElement.lang || 'en';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: product.currency }).format(product.price / 100);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

async function renderProductGrid(list) {
  const items = await products();
  list.replaceChildren(
    ...items.map((product) => {
      const link = element('a', { href: product.url }, product.name);
      return element(
        'li',
        { class: 'product-card' },
        element('img', { src: product.imageUrl, alt: '', width: '240', height: '240', loading: 'lazy' }),
        element('h3', {}, link),
        element('p', { class: 'category' }, product.category),
        element('product-rating', { sku: product.sku, href: `${product.url}#reviews` }),
        element('p', { class: 'price' }, price(product)),
      );
    }),
  );
}

async function renderProductPage() {
  const sku = new URLSearchParams(location.search).get('sku') ?? 'COF-ESP-250';
  const items = await products();
  const product = items.find((candidate) => candidate.sku === sku);
  const main = $('#product');
  if (!product) {
    $('#product-name').textContent = 'Product not found';
    main.querySelector('.product-details').hidden = true;
    return;
  }
  document.title = `${product.name} · Kanta demo shop`;
  $('#product-name').textContent = product.name;
  $('#product-image').src = product.imageUrl;
  $('#product-category').textContent = product.category;
  $('#product-description').textContent = product.description;
  $('#product-price').textContent = price(product);
  $('#product-sku').textContent = product.sku;
  for (const widget of main.querySelectorAll('[data-sku]')) widget.setAttribute('sku', product.sku);
}

// --- Surveys -----------------------------------------------------------------------------------

async function renderSurvey(type) {
  const slot = $('#survey-slot');
  const note = $('#survey-note');
  if (!slot) return;
  for (const button of document.querySelectorAll('[data-survey-type]'))
    button.setAttribute('aria-pressed', String(button.dataset.surveyType === type));
  if (!state.shopper) {
    slot.replaceChildren();
    note.textContent = 'Pick a shopper in the header: a survey link is made for one of their orders.';
    return;
  }
  try {
    const link = await getJson(`/demo/survey-link?shopper=${encodeURIComponent(state.shopper)}&type=${type}`);
    const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
    note.textContent = `A signed link about order ${link.orderNumber} of ${date.format(new Date(link.orderPlacedAt))}, valid until ${date.format(new Date(link.expiresAt))}.`;
    slot.replaceChildren(element('feedback-form', { type, token: link.token }));
  } catch (error) {
    console.warn('Kanta demo: no survey link', error);
    note.textContent = 'Could not make a survey link for this shopper.';
    slot.replaceChildren();
  }
}

async function renderAccountSurvey() {
  const slot = $('#account-survey');
  if (!slot) return;
  if (!state.shopper) {
    slot.replaceChildren();
    return;
  }
  try {
    const link = await getJson(`/demo/survey-link?shopper=${encodeURIComponent(state.shopper)}&type=csat`);
    slot.replaceChildren(
      element('h2', { id: 'recent-order-title' }, `Your order ${link.orderNumber}`),
      element('feedback-form', { type: 'csat', 'survey-id': link.surveyId, 'order-id': link.orderId }),
    );
  } catch (error) {
    console.warn('Kanta demo: no recent order', error);
    slot.replaceChildren();
  }
}

// --- Pages -------------------------------------------------------------------------------------

const page = document.body.dataset.page;

const grid = $('#product-grid');
if (grid) renderProductGrid(grid);
if (page === 'product') renderProductPage();

let surveyType = 'nps';
for (const button of document.querySelectorAll('[data-survey-type]')) {
  button.addEventListener('click', () => {
    surveyType = button.dataset.surveyType;
    renderSurvey(surveyType);
  });
}

/** Theming page: the previews' CES forms ask the signed-in shopper about their latest order. */
async function renderPreviewSurveys() {
  const forms = document.querySelectorAll('.preview feedback-form');
  let link;
  if (state.shopper) {
    try {
      link = await getJson(`/demo/survey-link?shopper=${encodeURIComponent(state.shopper)}&type=ces`);
    } catch (error) {
      console.warn('Kanta demo: no survey', error);
    }
  }
  for (const form of forms) {
    if (link) {
      form.setAttribute('survey-id', link.surveyId);
      form.setAttribute('order-id', link.orderId);
    } else {
      form.removeAttribute('survey-id');
      form.removeAttribute('order-id');
    }
  }
}

document.addEventListener('demo-shopper', () => {
  if (page === 'survey') renderSurvey(surveyType);
  if (page === 'account') renderAccountSurvey();
  if (page === 'theming') renderPreviewSurveys();
});

// Theming page: each preview's locale select sets the `locale` attribute of the widgets inside it.
for (const select of document.querySelectorAll('[data-preview-locale]')) {
  select.addEventListener('change', () => {
    const preview = select.closest('.preview');
    for (const widget of preview.querySelectorAll('[data-widget]')) {
      if (select.value) widget.setAttribute('locale', select.value);
      else widget.removeAttribute('locale');
    }
  });
}

setUpSwitchers();
