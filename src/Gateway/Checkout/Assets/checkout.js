// The checkout page's one script, served by the gateway: countdown, live status (server-sent events), copy buttons,
// and the return to the merchant. The page works without it; with it, nothing needs a reload.
(() => {
  'use strict';
  const main = () => document.getElementById('checkout');
  let source = null;
  let loading = null;
  let again = false;
  let returning = false;
  let expiredAt = null;

  const pad = (n) => String(n).padStart(2, '0');

  function tick() {
    const clock = document.getElementById('countdown');
    if (!clock) return;
    const left = Math.max(0, Date.parse(clock.dateTime) - Date.now());
    const s = Math.floor(left / 1000);
    clock.textContent = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
    // Once at the end of the countdown: the page then shows how the payment stands (a transfer still in flight stays
    // open past its expiry, and must not be fetched again every second).
    if (left === 0 && main().dataset.final !== 'true' && expiredAt !== clock.dateTime) { expiredAt = clock.dateTime; refresh(); }
  }

  // Fetches the page as it stands and swaps it in; one fetch at a time, another after it if changes came meanwhile.
  function refresh() {
    if (loading) { again = true; return; }
    const m = main();
    if (!m) return;
    loading = fetch(m.dataset.page, { cache: 'no-store', headers: { accept: 'text/html' } })
      .then((r) => r.text())
      .then((html) => {
        const next = new DOMParser().parseFromString(html, 'text/html').getElementById('checkout');
        if (next) { main().replaceWith(next); settle(); }
      })
      .catch(() => {})
      .finally(() => { loading = null; if (again) { again = false; refresh(); } });
  }

  // Follows the payment while it can still change; sends the payer back to the merchant once it succeeded.
  function settle() {
    const m = main();
    if (!m) return;
    if (m.dataset.final === 'true') {
      if (source) { source.close(); source = null; }
      if (m.dataset.returnUrl && !returning) {
        returning = true;
        setTimeout(() => window.location.assign(m.dataset.returnUrl), Number(m.dataset.returnDelay || 0));
      }
      return;
    }
    if (!source && m.dataset.events && window.EventSource) {
      source = new EventSource(m.dataset.events);
      // The stream says the payment's version at once and at each change; the page asks for itself again only when
      // it shows an older one (never under the payer's fingers while nothing changed).
      source.addEventListener('payment', (e) => {
        const { version } = JSON.parse(e.data);
        if (String(version) !== main().dataset.version) refresh();
      });
    }
  }

  document.addEventListener('click', (e) => {
    const button = e.target.closest('button.copy');
    if (!button) return;
    const done = () => { button.textContent = main().dataset.copied; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(button.dataset.copy).then(done, () => {});
    }
  });

  // A card form sent back with errors: the first field to correct takes the focus.
  const invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();

  tick();
  setInterval(tick, 1000);
  settle();
})();
