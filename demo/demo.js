// The locale switcher: sets the badge's `locale` attribute rather than the
// property, so it works even before kanta.js has defined the element.
const badge = document.querySelector('kanta-store-badge');
const switcher = document.querySelector('.locale-switcher');

switcher?.addEventListener('change', (event) => {
  const input = event.target;
  if (badge && input instanceof HTMLInputElement && input.name === 'locale') {
    badge.setAttribute('locale', input.value);
  }
});
