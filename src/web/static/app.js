// paperfeed's only script (the CSP allows no inline script). Everything works without it; it adds
// conveniences: expand/collapse all abstracts, auto-submitting search filters, keyboard j/k.
(function () {
  'use strict';

  function onReady(fn) {
    if (document.readyState !== 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn);
  }

  onReady(function () {
    // "Expand all" above a list of cards.
    var toggle = document.getElementById('expand-all');
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener('click', function () {
        var open = toggle.getAttribute('aria-pressed') !== 'true';
        document.querySelectorAll('details.abstract').forEach(function (d) { d.open = open; });
        toggle.setAttribute('aria-pressed', open ? 'true' : 'false');
        toggle.textContent = open ? 'Collapse all abstracts' : 'Expand all abstracts';
      });
    }

    // Search filters: a changed select submits the form.
    document.querySelectorAll('form.filters select').forEach(function (s) {
      s.addEventListener('change', function () { s.form.submit(); });
    });

    // j / k move between cards, o opens the focused one (not while typing).
    var cards = Array.prototype.slice.call(document.querySelectorAll('article.card'));
    var current = -1;
    document.addEventListener('keydown', function (e) {
      var t = e.target && e.target.tagName;
      if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || e.metaKey || e.ctrlKey || e.altKey) return;
      if (!cards.length) return;
      if (e.key === 'j' || e.key === 'k') {
        current = Math.max(0, Math.min(cards.length - 1, current + (e.key === 'j' ? 1 : -1)));
        var link = cards[current].querySelector('h2 a, h3 a');
        if (link) link.focus();
        cards[current].scrollIntoView({ block: 'nearest' });
      }
    });
  });
})();
