// Browser tests of accounts (issue 4): sign up, log out and in, upvote, submit a paper, comment —
// what a person does, in real Chromium. run.mjs calls prepareAccounts() before it starts the
// server and accountTests() once the read-side tests are done.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, '../fixtures/atom/arxiv-api-response.atom.xml');
const EMPTY = join(here, '../fixtures/atom/arxiv-api-empty.atom.xml');
export const SUBMITTED_ID = '2510.14968';  // in the recorded arXiv answer, not in the demo days

// A stand-in for the arXiv API that answers with the recorded response, so submitting a paper the
// catalogue lacks works without the network. Sets PAPERFEED_ARXIV_API_URL for the server to come.
export async function prepareAccounts() {
  if (!existsSync(FIXTURE)) throw new Error(`${FIXTURE} is missing (tests/fixtures/atom holds the recorded arXiv answers)`);
  const full = readFileSync(FIXTURE);
  const empty = readFileSync(EMPTY);
  const stub = createServer((req, res) => {
    const ids = new URL(req.url, 'http://x').searchParams.get('id_list') || '';
    res.writeHead(200, { 'Content-Type': 'application/atom+xml; charset=utf-8' });
    res.end(ids.includes(SUBMITTED_ID) ? full : empty);
  });
  await new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stub.unref();
  process.env.PAPERFEED_ARXIV_API_URL = `http://127.0.0.1:${stub.address().port}/api/query`;
  return stub;
}

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';

export async function accountTests({ test, expect, shot, base }) {
  const name = `reader${Date.now() % 100000}`;
  const password = 'correct horse battery';

  await test('sign up, log out and log in again', async (page) => {
    await page.goto(`${base}/`);
    await page.locator('#signup-link').click();
    await page.waitForURL(/\/signup/);
    await page.fill('#signup-name', name);
    await page.fill('#signup-display', 'A Reader');
    await page.fill('#signup-password', password);
    await shot(page, 'signup-form');
    await page.locator('#signup-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signup'));
    expect((await page.locator('#account-link').innerText()).trim() === 'A Reader', 'header does not show the new user');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'paperfeed_session');
    expect(session && session.httpOnly && session.sameSite === 'Lax', `session cookie flags: ${JSON.stringify(session)}`);
    expect(await page.evaluate(() => document.cookie.includes('paperfeed_session')) === false, 'session cookie visible to scripts');

    await page.locator('#logout-button').click();
    await page.waitForURL(`${base}/`);
    expect(await page.locator('#login-link').isVisible(), 'still logged in after log out');

    await page.locator('#login-link').click();
    await page.fill('#login-name', name);
    await page.fill('#login-password', 'wrong password');
    await page.locator('#login-submit').click();
    expect((await page.locator('#form-error').innerText()).includes('Wrong name or password'), 'no error for a wrong password');
    await shot(page, 'login-error');
    await page.fill('#login-password', password);
    await page.locator('#login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    expect(await page.locator('#account-link').isVisible(), 'log in failed');
  });

  // Each following test logs in on its own page (tests do not share cookies).
  async function logIn(page, next = '/') {
    await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
    await page.fill('#login-name', name);
    await page.fill('#login-password', password);
    await page.locator('#login-submit').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  await test('upvote a paper and take the upvote back', async (page) => {
    await logIn(page);
    const card = page.locator('article.card').first();
    const id = await card.getAttribute('data-paper-id');
    const button = page.locator(`article.card[data-paper-id="${id}"] button.upvote-button`);
    const before = parseInt(await button.innerText(), 10);
    expect((await button.getAttribute('aria-pressed')) === 'false', 'already upvoted');
    await Promise.all([page.waitForEvent('load'), button.click()]);
    const after = page.locator(`article.card[data-paper-id="${id}"] button.upvote-button`);
    expect((await after.getAttribute('aria-pressed')) === 'true', 'not marked as upvoted');
    expect(parseInt(await after.innerText(), 10) === before + 1, `count ${before} -> ${await after.innerText()}`);
    await shot(page, 'upvoted');
    await Promise.all([page.waitForEvent('load'), after.click()]);
    const back = page.locator(`article.card[data-paper-id="${id}"] button.upvote-button`);
    expect(parseInt(await back.innerText(), 10) === before, 'upvote not withdrawn');
  });

  await test('submit a paper by arXiv id', async (page) => {
    await logIn(page, '/submit');
    await page.waitForURL(/\/submit/);
    await page.fill('#submit-id', `arXiv:${SUBMITTED_ID}v1`);
    await shot(page, 'submit-form');
    await page.locator('#submit-button').click();
    await page.waitForURL(new RegExp(`/papers/${SUBMITTED_ID.replace('.', '\\.')}$`));
    expect((await page.locator('#paper-title').innerText()).includes('Retrieval-Based Demonstration Decomposer'),
      'the fetched title is not shown');
    await shot(page, 'submitted-paper');
    // It is in today's list, submitted by the reader.
    await page.goto(`${base}/`);
    const card = page.locator(`article.card[data-paper-id="${SUBMITTED_ID}"]`);
    expect(await card.count() === 1, 'submitted paper not on the front page');
    expect((await card.locator('.submitter').innerText()).includes('A Reader'), 'submitter not shown');
    // Submitting it again explains why not.
    await page.goto(`${base}/submit`);
    await page.fill('#submit-id', SUBMITTED_ID);
    await page.locator('#submit-button').click();
    expect((await page.locator('#form-error').innerText()).includes('already in the daily list'), 'no conflict message');
  });

  await test('comment on a paper, hostile text stays text', async (page) => {
    await logIn(page, `/papers/${SUBMITTED_ID}`);
    await page.fill('#comment-body', `Nice result.\n${HOSTILE}`);
    await page.locator('#comment-form button[type="submit"]').click();
    await page.waitForURL(/#comment-\d+$/);
    const comment = page.locator('li.comment').last();
    expect((await comment.innerText()).includes('Nice result.'), 'comment not shown');
    expect((await comment.innerText()).includes('<script>alert(1)</script>'), 'hostile text not shown as text');
    expect(await page.locator('li.comment img').count() === 0, 'markup from the comment was rendered');
    await comment.scrollIntoViewIfNeeded();
    await shot(page, 'comment');
  });
}
