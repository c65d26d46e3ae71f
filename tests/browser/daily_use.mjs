// Browser tests of the signed-in site a group uses every morning (issue 11): votes in place,
// trending that never collapses, Markdown comments with edits, deletions and replies, the
// subscribe box, the keyboard keys, forms laid out at desktop and phone widths. run.mjs calls
// dailyUseTests() after the accounts tests.
import { FRESH_IDS } from './accounts.mjs';

const PHONE = { width: 390, height: 844 };
let users = 0;

export async function dailyUseTests({ test, expect, shot, base }) {
  async function signUp(page, next = '/') {
    const name = `daily${++users}x${Date.now() % 100000}`;
    await page.goto(`${base}/signup?next=${encodeURIComponent(next)}`);
    await page.fill('#signup-name', name);
    await page.fill('#signup-password', 'correct horse battery');
    await page.locator('#signup-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
    return name;
  }

  // Counts navigations of the main frame after the page has loaded.
  function watchNavigations(page) {
    const seen = { count: 0 };
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) seen.count++; });
    return seen;
  }

  await test('votes toggle in place: no reload, focus and scroll stay, the button shows its state', async (page) => {
    await signUp(page);
    // Trending: a long list whatever today's list holds (the accounts tests submitted one paper today).
    await page.goto(`${base}/trending`);
    const cards = page.locator('article.card');
    const n = await cards.count();
    expect(n >= 8, `only ${n} cards`);
    const card = cards.nth(7);
    const id = await card.getAttribute('data-paper-id');
    const button = card.locator('button.upvote-button');
    await button.scrollIntoViewIfNeeded();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    expect(scrollBefore > 0, 'the eighth card did not need scrolling');
    const before = parseInt(await button.innerText(), 10);
    expect((await button.getAttribute('aria-pressed')) === 'false', 'already upvoted');
    expect(await button.evaluate((b) => getComputedStyle(b, '::before').content) === '"△"', 'no outlined arrow');
    const navigations = watchNavigations(page);

    const posted = page.waitForResponse((r) => r.url().endsWith(`/api/papers/${id}/upvote`) && r.request().method() === 'POST');
    await button.click();
    expect((await posted).status() === 200, 'the vote was not sent to the API');
    await page.waitForFunction((pid) => document.querySelector(`article.card[data-paper-id="${pid}"] button.upvote-button`)
      .getAttribute('aria-pressed') === 'true', id);
    expect(parseInt(await button.innerText(), 10) === before + 1, `count ${before} -> ${await button.innerText()}`);
    expect(await button.evaluate((b) => getComputedStyle(b, '::before').content) === '"▲"', 'arrow not filled');
    expect(navigations.count === 0, 'the page reloaded');
    expect(await button.evaluate((b) => document.activeElement === b), 'focus left the button');
    const scrollAfter = await page.evaluate(() => window.scrollY);
    expect(Math.abs(scrollAfter - scrollBefore) <= 2, `scrolled from ${scrollBefore} to ${scrollAfter}`);
    await shot(page, 'vote-in-place');

    // It is stored: a reload shows it pressed; clicking again withdraws it, still in place.
    await page.reload();
    const again = page.locator(`article.card[data-paper-id="${id}"] button.upvote-button`);
    expect((await again.getAttribute('aria-pressed')) === 'true', 'vote not stored');
    const withdrawn = page.waitForResponse((r) => r.url().endsWith(`/api/papers/${id}/upvote`) && r.request().method() === 'DELETE');
    await again.click();
    await withdrawn;
    await page.waitForFunction((pid) => document.querySelector(`article.card[data-paper-id="${pid}"] button.upvote-button`)
      .getAttribute('aria-pressed') === 'false', id);
    expect(parseInt(await again.innerText(), 10) === before, 'withdrawal did not lower the count');

    // The same on the paper page.
    await page.goto(`${base}/papers/${id}`);
    const paperNavigations = watchNavigations(page);
    const own = page.locator('.paper .actions button.upvote-button');
    await own.click();
    await page.waitForFunction(() => document.querySelector('.paper .actions button.upvote-button').getAttribute('aria-pressed') === 'true');
    expect(parseInt(await own.innerText(), 10) === before + 1, 'paper page count did not change');
    expect(paperNavigations.count === 0, 'the paper page reloaded');
    // u on the paper page toggles it back.
    await page.keyboard.press('u');
    await page.waitForFunction(() => document.querySelector('.paper .actions button.upvote-button').getAttribute('aria-pressed') === 'false');
  });

  await test('trending on a stale catalogue is full, and four fresh submissions do not take it over', async (page) => {
    await page.goto(`${base}/trending`);
    const formula = await page.locator('#trending-formula').innerText();
    expect(formula.includes('list days ago'), `formula not shown: ${formula}`);
    const before = await page.locator('article.card').count();
    expect(before >= 20, `stale catalogue shows only ${before} trending papers`);

    await signUp(page, '/submit');
    for (const id of FRESH_IDS) {
      await page.goto(`${base}/submit`);
      await page.fill('#submit-id', id);
      await page.locator('#submit-button').click();
      await page.waitForURL(new RegExp(`/papers/${id.replace('.', '\\.')}$`));
    }
    await page.goto(`${base}/trending`);
    const ids = await page.locator('article.card').evaluateAll((cards) => cards.map((c) => c.dataset.paperId));
    expect(ids.length >= 20, `after submissions trending shows ${ids.length} papers`);
    expect(!FRESH_IDS.includes(ids[0]), `a zero-vote submission tops trending: ${ids.slice(0, 5)}`);
    // They are ranked, not left out: walk the pages.
    const ranked = [...ids];
    for (let p = 2; p <= 10 && await page.locator('.pager a[rel="next"]').count(); p++) {
      await page.goto(`${base}/trending?p=${p}`);
      ranked.push(...await page.locator('article.card').evaluateAll((cards) => cards.map((c) => c.dataset.paperId)));
    }
    const fresh = ranked.filter((id) => FRESH_IDS.includes(id));
    expect(fresh.length === FRESH_IDS.length, `fresh submissions missing from trending: ${fresh}`);
    await page.goto(`${base}/trending`);
    expect(ids.slice(0, 5).some((id) => !FRESH_IDS.includes(id)), 'only fresh submissions at the top');
    await shot(page, 'trending-after-submissions');
    // The API's sort=trending is the same list.
    const api = await (await page.request.get(`${base}/api/daily_papers?sort=trending&limit=10`)).json();
    expect(JSON.stringify(api.map((p) => p.paper.id)) === JSON.stringify(ids.slice(0, 10)),
      `API trending ${api.map((p) => p.paper.id)} differs from the page ${ids.slice(0, 10)}`);
  });

  await test('comments: Markdown, TeX, edit, reply, delete, counts that match', async (page) => {
    await signUp(page);
    await page.goto(`${base}/`);
    const id = await page.locator('article.card').nth(2).getAttribute('data-paper-id');
    await page.goto(`${base}/papers/${id}`);
    await page.fill('#comment-body', '**Strong** claim, see [the code](https://github.com/x/y) and $\\alpha \\leq 1$.\n\n<b>raw</b>');
    await page.locator('#comment-form button[type="submit"]').click();
    await page.waitForURL(/#comment-\d+$/);
    const comment = page.locator('ol.comments > li.comment').last();
    expect((await comment.locator('.comment-body strong').first().innerText()) === 'Strong', 'no bold');
    expect((await comment.locator('.comment-body a').getAttribute('rel')) === 'nofollow ugc noopener', 'link rel');
    expect((await comment.locator('.comment-body .tex').innerText()).includes('α ≤ 1'), 'TeX not readable');
    expect(await comment.locator('.comment-body b').count() === 0, 'raw HTML rendered');
    expect((await comment.locator('.comment-body').innerText()).includes('<b>raw</b>'), 'raw HTML not shown as text');

    // Edit it.
    await comment.locator('details.edit > summary').first().click();
    await comment.locator('form.edit-form textarea').first().fill('Edited: *really* strong.');
    await comment.locator('form.edit-form button[type="submit"]').first().click();
    await page.waitForURL(/#comment-\d+$/);
    const edited = page.locator('ol.comments > li.comment').last();
    expect((await edited.locator('.comment-body em').first().innerText()) === 'really', 'edit not shown');
    expect(await edited.locator('.edited').first().isVisible(), 'not marked as edited');

    // Reply to it, one level deep.
    await edited.locator('details.reply > summary').first().click();
    await edited.locator('form.reply-form textarea').fill('A reply.');
    await edited.locator('form.reply-form button[type="submit"]').click();
    await page.waitForURL(/#comment-\d+$/);
    const reply = page.locator('ol.comments > li.comment').last().locator('ol.replies > li.comment');
    expect(await reply.count() === 1, 'reply not nested');
    expect((await reply.innerText()).includes('A reply.'), 'reply text');
    expect((await page.locator('#comment-count').innerText()).startsWith('2 '), 'count after reply');
    await shot(page, 'comments');

    // Delete the reply; counts on the page and on the card agree.
    await reply.locator('button.delete-comment').click();
    await page.waitForURL(/#comments$/);
    expect(await page.locator('ol.replies > li.comment').count() === 0, 'reply not deleted');
    const shown = await page.locator('li.comment .comment-body').count();
    const counted = parseInt(await page.locator('#comment-count').innerText(), 10);
    expect(shown === counted, `page shows ${shown} comments but says ${counted}`);
    await page.goto(`${base}/`);
    const link = page.locator(`article.card[data-paper-id="${id}"] a.comment-link`);
    expect(parseInt(await link.innerText(), 10) === counted, `card says ${await link.innerText()}, page ${counted}`);
  });

  await test('the front page offers the digest and the keyboard keys work', async (page) => {
    await page.goto(`${base}/`);
    const box = page.locator('#subscribe-box');
    expect((await box.innerText()).includes('Get trending papers in your email inbox!'), 'no call to subscribe');
    expect((await box.locator('button[type="submit"]').innerText()).trim() === 'Subscribe', 'no Subscribe button');

    // ? lists the keys; Escape closes the list.
    await page.keyboard.press('?');
    expect(await page.locator('#keys-help').isVisible(), '? shows no key list');
    await shot(page, 'keys-help');
    await page.keyboard.press('Escape');
    expect(!(await page.locator('#keys-help').isVisible()), 'key list stays open');
    // j / k move, / focuses search, o opens.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const second = page.locator('article.card').nth(1);
    expect(await second.evaluate((c) => c.classList.contains('current') && c.contains(document.activeElement)), 'j did not move to the second card');
    await page.keyboard.press('k');
    expect(await page.locator('article.card').first().evaluate((c) => c.contains(document.activeElement)), 'k did not move back');
    await page.keyboard.press('j');
    const target = await second.locator('h2 a').getAttribute('href');
    await page.locator('body').evaluate(() => document.activeElement.blur());
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement && document.activeElement.id === 'header-q'), '/ did not focus search');
    await page.locator('body').evaluate(() => document.activeElement.blur());
    await page.keyboard.press('o');
    await page.waitForURL((url) => url.pathname === target);

    // Subscribing from the box.
    await page.goto(`${base}/`);
    await page.fill('#subscribe-email', 'reader@example.org');
    await page.locator('#subscribe-button').click();
    await page.waitForURL(/\/subscribe$/);
    expect(await page.locator('#subscribe-done').isVisible(), 'subscribing from the front page failed');
  });

  await test('versioned ids, arXiv paths and Hugging Face URLs reach their pages; days have a picker', async (page) => {
    await page.goto(`${base}/`);
    const id = await page.locator('article.card').first().getAttribute('data-paper-id');
    for (const from of [`/papers/${id}v1`, `/abs/${id}v2`, `/pdf/${id}v1.pdf`]) {
      await page.goto(`${base}${from}`);
      expect(new URL(page.url()).pathname === `/papers/${id}`, `${from} ended at ${page.url()}`);
    }
    await page.goto(`${base}/papers/trending`);
    expect(new URL(page.url()).pathname === '/trending', '/papers/trending');
    await page.goto(`${base}/`);
    const day = await page.locator('#day-picker').inputValue();
    expect(/^\d{4}-\d{2}-\d{2}$/.test(day), `picker value ${day}`);
    const previous = await page.locator('#prev-link').first().getAttribute('href');
    const previousDay = previous.split('/').pop();
    await page.locator('#day-picker').fill(previousDay);
    await page.waitForURL((url) => url.pathname === `/papers/date/${previousDay}`);
  });

  // Forms: labels above their fields, one column on phones; a screenshot of each at both widths.
  async function checkStacked(page, formSelector, name) {
    const form = page.locator(formSelector).first();
    await form.scrollIntoViewIfNeeded();
    const problems = await form.evaluate((f) => {
      const out = [];
      f.querySelectorAll('label[for]').forEach((label) => {
        const field = document.getElementById(label.getAttribute('for'));
        if (!field || field.type === 'hidden' || label.classList.contains('visually-hidden')) return;
        const l = label.getBoundingClientRect();
        const r = field.getBoundingClientRect();
        if (l.bottom > r.top + 1) out.push(`label "${label.textContent}" is not above its field`);
        if (r.right > window.innerWidth) out.push(`field ${field.id} runs off the screen`);
      });
      return out;
    });
    expect(problems.length === 0, `${name}: ${problems.join('; ')}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 1, `${name}: page is ${overflow}px wider than the screen`);
  }

  for (const [width, viewport] of [['desktop', undefined], ['phone', PHONE]]) {
    await test(`forms are laid out at ${width} width`, async (page) => {
      await page.goto(`${base}/subscribe`);
      await checkStacked(page, '#subscribe-form', 'subscribe');
      await shot(page, `form-subscribe-${width}`);
      await page.goto(`${base}/`);
      await checkStacked(page, '#subscribe-box', 'subscribe box');
      await shot(page, `form-subscribe-box-${width}`);
      await signUp(page, '/submit');
      await checkStacked(page, '#submit-form', 'submit');
      await shot(page, `form-submit-${width}`);
      await page.goto(`${base}/`);
      const id = await page.locator('article.card').first().getAttribute('data-paper-id');
      await page.goto(`${base}/papers/${id}`);
      await checkStacked(page, '#comment-form', 'comment');
      await shot(page, `form-comment-${width}`);
      await page.goto(`${base}/account`);
      await checkStacked(page, '#token-form', 'API token');
    }, viewport);
  }

  await test('a paper with one day of history says so instead of drawing a flat line', async (page) => {
    await page.goto(`${base}/`);
    // The fifth card: nobody has voted on it in these tests.
    const id = await page.locator('article.card').nth(4).getAttribute('data-paper-id');
    await page.goto(`${base}/papers/${id}`);
    expect((await page.locator('#upvote-chart-note').innerText()).includes('One day of history'), 'no one-day note');
    expect(await page.locator('svg#upvote-chart').count() === 0, 'a flat chart was drawn');
  });
}
