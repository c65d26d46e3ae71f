// paperfeed's only script (the CSP allows no inline script). Everything works without it; it adds
// conveniences: votes in place, expand/collapse all abstracts, auto-submitting search filters and
// the date picker, comment edit boxes, and the keyboard keys (? lists them).
(function () {
  'use strict';

  function onReady(fn) {
    if (document.readyState !== 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn);
  }

  // The upvote forms post to /papers/ID/upvote and redirect back (no script). With script the same
  // toggle goes to the JSON API with the session's CSRF token in X-CSRF-Token, and the button
  // changes in place: no reload, so focus and scroll stay where they were.
  function setUpvoted(form, upvoted, count) {
    var button = form.querySelector('button.upvote-button');
    var state = form.querySelector('input[name="state"]');
    button.setAttribute('aria-pressed', upvoted ? 'true' : 'false');
    button.classList.toggle('upvoted', upvoted);
    button.title = upvoted ? 'Withdraw your upvote' : 'Upvote';
    button.setAttribute('aria-label', count + ' upvotes; ' + (upvoted ? 'withdraw your upvote' : 'upvote'));
    var n = button.querySelector('.n');
    if (n) n.textContent = String(count); else button.textContent = String(count);
    if (state) state.value = upvoted ? 'off' : 'on';
  }

  function sendUpvote(form) {
    var state = form.querySelector('input[name="state"]');
    var csrf = form.querySelector('input[name="csrf"]');
    if (!state || !csrf || !window.fetch) return false;
    var want = state.value === 'on';
    var button = form.querySelector('button.upvote-button');
    if (button.getAttribute('aria-busy') === 'true') return true;
    button.setAttribute('aria-busy', 'true');
    fetch('/api' + form.getAttribute('action'), {
      method: want ? 'POST' : 'DELETE',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf.value, 'Accept': 'application/json' }
    }).then(function (r) {
      if (!r.ok) throw new Error('status ' + r.status);
      return r.json();
    }).then(function (body) {
      button.removeAttribute('aria-busy');
      setUpvoted(form, body.upvoted, body.upvotes);
      // The same paper may be on the page twice (a card and the paper itself).
      document.querySelectorAll('form.upvote[data-paper-id="' + form.getAttribute('data-paper-id') + '"]')
        .forEach(function (other) { if (other !== form) setUpvoted(other, body.upvoted, body.upvotes); });
    }).catch(function () {
      button.removeAttribute('aria-busy');
      form.submit();  // the plain form: a reload, but the vote is not lost
    });
    return true;
  }

  function keysHelp() {
    var dialog = document.getElementById('keys-help');
    if (!dialog) return;
    if (dialog.open) dialog.close(); else dialog.showModal();
  }

  onReady(function () {
    document.addEventListener('submit', function (e) {
      var form = e.target;
      if (form && form.classList && form.classList.contains('upvote') && sendUpvote(form)) e.preventDefault();
    });

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

    // Search filters and the day picker: a change submits the form.
    document.querySelectorAll('form.filters select, form.day-picker input[type="date"]').forEach(function (s) {
      s.addEventListener('change', function () { if (s.value) s.form.submit(); });
    });

    // Keys (not while typing): j / k move between cards, o opens the current one, u upvotes it,
    // / goes to the search box, ? lists the keys.
    var cards = Array.prototype.slice.call(document.querySelectorAll('article.card'));
    var current = -1;
    function focusCard(i) {
      current = i;
      cards.forEach(function (c, k) { c.classList.toggle('current', k === i); });
      var link = cards[i].querySelector('h2 a, h3 a');
      if (link) link.focus({ preventScroll: true });
      cards[i].scrollIntoView({ block: 'nearest' });
    }
    function currentCard() {
      if (current >= 0) return cards[current];
      var paper = document.querySelector('article.paper');
      return paper || null;
    }
    document.addEventListener('keydown', function (e) {
      var t = e.target && e.target.tagName;
      if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.target && e.target.isContentEditable) return;
      if (e.key === '?') { e.preventDefault(); keysHelp(); return; }
      if (e.key === '/') {
        var q = document.getElementById('header-q');
        if (q) { e.preventDefault(); q.focus(); q.select(); }
        return;
      }
      if ((e.key === 'j' || e.key === 'k') && cards.length) {
        e.preventDefault();
        focusCard(Math.max(0, Math.min(cards.length - 1, current + (e.key === 'j' ? 1 : -1))));
        return;
      }
      if (e.key === 'o' && current >= 0) {
        var open = cards[current].querySelector('h2 a, h3 a');
        if (open) { e.preventDefault(); window.location.href = open.href; }
        return;
      }
      if (e.key === 'u') {
        var where = currentCard();
        var form = where && where.querySelector('form.upvote');
        if (form) {
          e.preventDefault();
          if (!sendUpvote(form)) form.submit();
        } else if (where) {
          var login = where.querySelector('a.upvote-login');
          if (login) { e.preventDefault(); window.location.href = login.href; }
        }
      }
    });
  });
})();
