// Browser tests: a real `paperfeed serve` over a temp database loaded from the demo's Hugging Face
// days, driven in Debian's headless Chromium by playwright-core. Screenshots go to artifacts/.
//
//   node tests/browser/run.mjs --binary build/paperfeed --data data/demo/hf-daily-papers
//
// Chromium missing is a failure, never a skip. Ends with "browser: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const binary = resolve(arg('--binary', join(here, '../../build/paperfeed')));
const dataDir = resolve(arg('--data', join(here, '../../data/demo/hf-daily-papers')));
const artifacts = join(here, 'artifacts');

function die(message) {
  console.error(`browser tests: ${message}`);
  console.log('browser: 0 passed, 1 failed');
  process.exit(1);
}

if (!existsSync(CHROMIUM)) die(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
if (!existsSync(binary)) die(`${binary} is missing: build paperfeed first, or pass --binary`);
if (!existsSync(dataDir)) die(`${dataDir} is missing: pass --data with Hugging Face daily files`);
if (!existsSync(join(here, 'node_modules', 'playwright-core'))) {
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (npm.status !== 0) die('npm ci failed in tests/browser (needs the npm registry)');
}
const { chromium } = createRequire(import.meta.url)('playwright-core');

// ---- a server over a temp database -------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'paperfeed-browser-'));
const db = join(work, 'browser.db');
const files = readdirSync(dataDir).filter((f) => /\.json(\.gz)?$/.test(f)).map((f) => join(dataDir, f));
const ingest = spawnSync(binary, ['--db', db, 'ingest', '--format', 'hf-daily', '--allow-rejects', ...files], { encoding: 'utf8' });
if (ingest.status !== 0) die(`ingest failed: ${ingest.stderr}`);

// Accounts: an arXiv stand-in for submissions (sets PAPERFEED_ARXIV_API_URL before the server starts).
const { prepareAccounts, accountTests } = await import('./accounts.mjs');
await prepareAccounts().catch((e) => die(e.message));

const server = spawn(binary, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--quiet', '--threads', '16'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => { serverLog += d; });
const base = await new Promise((resolveBase, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${serverLog}`)), 60000);
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) { clearTimeout(timer); resolveBase(m[1]); }
  });
  server.on('exit', (code) => reject(new Error(`server exited (${code}): ${serverLog}`)));
}).catch((e) => die(e.message));

// serve answers at once and builds the search index in the background ("searchIndex": "warming"
// until "ready" in /healthz); the search tests below need it built.
for (let i = 0; i < 1200; i++) {
  const health = await fetch(`${base}/healthz`).then((r) => r.json()).catch(() => ({}));
  if (['ready', 'off', 'failed'].includes(health.searchIndex)) break;
  await new Promise((r) => setTimeout(r, 100));
}

// ---- tests --------------------------------------------------------------------------------------
mkdirSync(artifacts, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
  .catch((e) => die(`Chromium did not start: ${e.message}`));
const results = [];
const cspErrors = [];

async function test(name, body, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) cspErrors.push(`${name}: ${m.text()}`); });
  page.on('pageerror', (e) => cspErrors.push(`${name}: ${e.message}`));
  try {
    await body(page);
    results.push({ name, ok: true });
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e.stack || e}`);
    await page.screenshot({ path: join(artifacts, `FAILED-${name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
  }
  await context.close();
}

function expect(condition, message) { if (!condition) throw new Error(message); }
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });

await test('front page shows the latest day full of papers', async (page) => {
  const res = await page.goto(`${base}/`);
  expect(res.status() === 200, `status ${res.status()}`);
  const cards = await page.locator('article.card').count();
  expect(cards >= 5, `only ${cards} cards`);
  expect(await page.locator('h1').first().innerText().then((t) => /Daily papers/.test(t)), 'no heading');
  const first = page.locator('article.card').first();
  expect(await first.locator('.authors').getAttribute('title') !== null, 'author names are not on hover');
  expect(/\d+ authors?/.test(await first.locator('.authors').innerText()), 'no author count');
  // Most upvoted first.
  const counts = await page.locator('article.card .count').allInnerTexts();
  const numbers = counts.map((c) => parseInt(c.replace(/\D+/g, ''), 10));
  for (let i = 1; i < numbers.length; i++) expect(numbers[i - 1] >= numbers[i], `order ${numbers}`);
  await shot(page, 'front-page');
});

await test('day navigation moves to the previous and next day', async (page) => {
  await page.goto(`${base}/`);
  const heading = await page.locator('h1 small').innerText();
  await page.locator('#prev-link').first().click();
  await page.waitForURL(/\/papers\/date\/\d{4}-\d{2}-\d{2}$/);
  const previous = await page.locator('h1 small').innerText();
  expect(previous !== heading, `still on ${heading}`);
  await page.locator('#next-link').first().click();
  await page.waitForURL(/\/papers\/date\//);
  expect(await page.locator('h1 small').innerText() === heading, 'next did not come back');
  await page.locator('.views a', { hasText: 'Week' }).first().click();
  await page.waitForURL(/\/papers\/week\/\d{4}-W\d{2}$/);
  expect(await page.locator('article.card').count() > 0, 'empty week');
  await shot(page, 'week');
});

await test('abstracts are collapsed and expand on click', async (page) => {
  await page.goto(`${base}/`);
  const details = page.locator('details.abstract').first();
  expect(!(await details.evaluate((d) => d.open)), 'abstract starts open');
  expect(!(await details.locator('p').isVisible()), 'abstract text visible while collapsed');
  await details.locator('summary').click();
  expect(await details.evaluate((d) => d.open), 'did not open');
  expect(await details.locator('p').isVisible(), 'abstract text hidden after expanding');
  // The script's "expand all" (proves app.js loads under the CSP).
  await page.locator('#expand-all').click();
  const closed = await page.locator('details.abstract:not([open])').count();
  expect(closed === 0, `${closed} abstracts still closed`);
  await shot(page, 'abstract-expanded');
});

await test('paper page shows the abstract, arXiv links and the upvote chart', async (page) => {
  await page.goto(`${base}/`);
  const title = await page.locator('article.card h2 a').first().innerText();
  await page.locator('article.card h2 a').first().click();
  await page.waitForURL(/\/papers\/[^/]+/);
  expect((await page.locator('#paper-title').innerText()).trim() === title.trim(), 'title differs');
  expect(await page.locator('#abstract').isVisible(), 'no abstract');
  expect(await page.locator('a[href^="https://arxiv.org/abs/"]').count() > 0, 'no arXiv link');
  expect(await page.locator('a[href^="https://arxiv.org/pdf/"]').count() > 0, 'no PDF link');
  // A chart, or, for one day of history, a sentence saying so.
  expect(await page.locator('svg#upvote-chart').count() + await page.locator('#upvote-chart-note').count() === 1, 'no chart');
  await shot(page, 'paper-page');
});

await test('search from the header finds papers and switches modes', async (page) => {
  await page.goto(`${base}/`);
  const word = (await page.locator('article.card h2 a').first().innerText()).split(/\s+/).find((w) => w.length > 5) || 'model';
  await page.fill('#header-q', word);
  await page.press('#header-q', 'Enter');
  await page.waitForURL(/\/search\?q=/);
  const found = await page.locator('article.card').count();
  expect(found > 0, `no results for ${word}`);
  await page.locator('.modes a[data-mode="keyword"]').click();
  await page.waitForURL(/mode=keyword/);
  expect(await page.locator('.modes a[aria-current="true"]').innerText() === 'Keyword', 'mode not switched');
  await shot(page, 'search');
  // A hostile query is shown as text, never run.
  await page.goto(`${base}/search?q=${encodeURIComponent('<script>alert(1)</script>"><img src=x onerror=alert(1)>')}`);
  expect(await page.locator('img[src="x"]').count() === 0, 'injected img');
  expect((await page.inputValue('#search-q')).includes('<script>'), 'query not echoed as text');
  const empty = await page.goto(`${base}/search`);
  expect(empty.status() === 200 && await page.locator('#search-help').isVisible(), 'no help for an empty query');
});

await test('every page links its feeds and the feeds parse', async (page) => {
  for (const path of ['/', '/trending', '/search?q=model']) {
    await page.goto(`${base}${path}`);
    const atom = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
    const json = await page.locator('link[rel="alternate"][type="application/feed+json"]').getAttribute('href');
    expect(atom && json, `no feed links on ${path}`);
    const a = await page.request.get(`${base}${atom}`);
    expect(a.status() === 200 && (await a.text()).includes('<feed xmlns="http://www.w3.org/2005/Atom">'), `bad Atom ${atom}`);
    const j = await (await page.request.get(`${base}${json}`)).json();
    expect(j.version === 'https://jsonfeed.org/version/1.1' && Array.isArray(j.items), `bad JSON Feed ${json}`);
  }
  await page.goto(`${base}/`);
  await page.locator('footer a.feed-link').first().click();
  await page.waitForURL(/\/feeds\/daily\.atom$/);
});

await test('mobile layout has no horizontal scrolling', async (page) => {
  await page.goto(`${base}/`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 1, `page is ${overflow}px wider than the screen`);
  await shot(page, 'mobile-front-page');
}, { width: 390, height: 844 });

await test('cards fold the AI summary, marked machine-written, with keyword chips that search', async (page) => {
  await page.goto(`${base}/`);
  const card = page.locator('article.card:has(details.ai-summary)').first();
  expect(await card.count() === 1, 'no card with an AI summary on the front page');
  const details = card.locator('details.ai-summary');
  expect(!(await details.evaluate((d) => d.open)), 'the AI summary starts open');
  expect((await details.locator('.machine').innerText()).trim() === 'machine-written', 'not marked machine-written');
  await details.locator('summary').click();
  expect(await details.locator('p').isVisible(), 'summary text hidden after opening');
  expect(/\d+ comments?/.test(await card.locator('.hf-comments').innerText()), 'no comment count on the card');
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'ai-summary-card');
  const chip = details.locator('a.chip').first();
  const keyword = (await chip.innerText()).trim();
  await chip.click();
  await page.waitForURL(/\/search\?q=/);
  expect((await page.inputValue('#search-q')).includes(keyword), `search is not for ${keyword}`);
  // The paper page opens with the summary, above the abstract.
  await page.goto(`${base}/`);
  await page.locator('article.card:has(details.ai-summary) h2 a').first().click();
  await page.waitForURL(/\/papers\/[^/]+/);
  expect(await page.locator('section.ai-summary #ai-summary').isVisible(), 'no AI summary on the paper page');
  await shot(page, 'ai-summary-paper-page');
});

// Accounts (sign up, upvote, submit, comment) belong to the accounts module's routes; these slots
// run when /signup exists and are reported, by name, as not run otherwise.
const signup = await fetch(`${base}/signup`).then((r) => r.status).catch(() => 0);
const accountSlots = ['sign up', 'upvote', 'submit a paper', 'comment'];
if (signup === 404) {
  for (const slot of accountSlots) console.log(`slot ${slot}: not run — the accounts routes are not registered in this build`);
} else {
  await accountTests({ test, expect, shot, base });  // tests/browser/accounts.mjs
  const { dailyUseTests } = await import('./daily_use.mjs');
  await dailyUseTests({ test, expect, shot, base });  // tests/browser/daily_use.mjs
}

await test('no Content Security Policy violations or script errors', async () => {
  expect(cspErrors.length === 0, cspErrors.join('\n'));
});

await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(work, { recursive: true, force: true });
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`screenshots: ${artifacts}`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
