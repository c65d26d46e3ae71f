// The MCP server at /mcp, tested with the official client SDK (@modelcontextprotocol/sdk,
// StreamableHTTPClientTransport) against the real `paperfeed serve`: it lists the tools, calls
// each, and checks every answer against the JSON API's answer to the same question.
//
//   node tests/browser/mcp.mjs --binary build/paperfeed --data tests/fixtures/hf
//
// Ends with "mcp: N passed, N failed"; exit status 1 when anything failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const binary = resolve(arg('--binary', join(here, '../../build/paperfeed')));
const dataDir = resolve(arg('--data', join(here, '../fixtures/hf')));
function die(message) {
  console.error(`mcp tests: ${message}`);
  console.log('mcp: 0 passed, 1 failed');
  process.exit(1);
}
if (!existsSync(binary)) die(`${binary} is missing: build paperfeed first, or pass --binary`);
if (!existsSync(join(here, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (npm.status !== 0) die('npm ci failed in tests/browser (needs the npm registry)');
}
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');

// ---- a server over a temp database loaded from real Hugging Face days ---------------------------
const work = mkdtempSync(join(tmpdir(), 'paperfeed-mcp-'));
const db = join(work, 'mcp.db');
const files = readdirSync(dataDir).filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f)).map((f) => join(dataDir, f));
const ingest = spawnSync(binary, ['--db', db, 'ingest', '--format', 'hf-daily', '--allow-rejects', ...files], { encoding: 'utf8' });
if (ingest.status !== 0) die(`ingest failed: ${ingest.stderr}`);
const env = { ...process.env, PAPERFEED_PASSWORD_COST: 'minimum', PAPERFEED_ARXIV_API_URL: 'off' };
const add = spawnSync(binary, ['--db', db, 'user', 'add', 'agent', '--password-stdin'], { input: 'correct horse battery\n', encoding: 'utf8', env });
if (add.status !== 0) die(`user add failed: ${add.stderr}`);
const server = spawn(binary, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'], env });
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

// An API token with the given scopes, made the way a member makes one: log in, then the account page's form.
async function makeToken(scopes) {
  const cookies = new Map();
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) { const [pair] = c.split(';'); const i = pair.indexOf('='); cookies.set(pair.slice(0, i), pair.slice(i + 1)); }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfOf = (html) => (html.match(/name="csrf" value="([^"]+)"/) || [])[1];
  let res = await fetch(`${base}/login`);
  keep(res);
  let csrf = csrfOf(await res.text());
  res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'agent', password: 'correct horse battery', csrf }) });
  keep(res);
  if (res.status !== 303) throw new Error(`log in answered ${res.status}`);
  res = await fetch(`${base}/account`, { headers: { cookie: cookie() } });
  csrf = csrfOf(await res.text());
  const form = new URLSearchParams({ name: scopes.join('-'), csrf, days: '30' });
  for (const s of scopes) form.append('scope', s);
  res = await fetch(`${base}/account/tokens`, { method: 'POST', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const token = ((await res.text()).match(/id="new-token">([^<]+)</) || [])[1];
  if (!token) throw new Error(`no token on the account page (status ${res.status})`);
  return token;
}

async function connect(token) {
  const client = new Client({ name: 'paperfeed-mcp-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`),
    token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {});
  await client.connect(transport);
  return { client, transport };
}

async function api(path, init = {}) {
  const res = await fetch(`${base}${path}`, init);
  const type = res.headers.get('content-type') || '';
  return { status: res.status, body: type.startsWith('application/json') ? await res.json() : await res.text() };
}

// ---- tests --------------------------------------------------------------------------------------
const results = [];
async function test(name, body) {
  try { await body(); results.push(true); console.log(`ok   ${name}`); }
  catch (e) { results.push(false); console.log(`FAIL ${name}: ${e.stack || e}`); }
}
function expect(condition, message) { if (!condition) throw new Error(message); }
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const ids = (list) => list.map((e) => e.paper.id);

const { client, transport } = await connect();
const RICH = '2512.15716';

await test('initialize negotiates a version and hands out a session', async () => {
  expect(transport.sessionId && transport.sessionId.length >= 32, `session id ${transport.sessionId}`);
  expect(client.getServerVersion().name === 'paperfeed', JSON.stringify(client.getServerVersion()));
  const caps = client.getServerCapabilities();
  expect(caps.tools && caps.resources, JSON.stringify(caps));
});

await test('tools/list names every tool with a schema', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  const want = ['get_paper', 'list_daily_papers', 'search_papers', 'similar_papers', 'submit_paper', 'trending_papers', 'upvote_paper'];
  expect(same(names, want), `tools ${names}`);
  for (const t of tools) expect(t.inputSchema && t.inputSchema.type === 'object' && t.description, `tool ${t.name} lacks a schema or description`);
});

await test('list_daily_papers answers what GET /api/daily_papers answers', async () => {
  for (const args of [{ date: '2025-12-26' }, { week: '2025-W52', sort: 'publishedAt' }, { month: '2025-12', submitter: 'Jinjing713' }, { date: '2025-12-26', limit: 2, page: 1 }]) {
    const r = await client.callTool({ name: 'list_daily_papers', arguments: args });
    const q = new URLSearchParams(Object.entries(args).map(([k, v]) => [k === 'page' ? 'p' : k, String(v)]));
    const want = await api(`/api/daily_papers?${q}`);
    expect(!r.isError, `error for ${JSON.stringify(args)}: ${r.content[0].text}`);
    expect(same(r.structuredContent.papers, want.body), `differs from the API for ${JSON.stringify(args)}`);
    expect(same(JSON.parse(r.content[0].text), want.body), 'text content is not the API JSON');
  }
  const bad = await client.callTool({ name: 'list_daily_papers', arguments: { date: '2025-13-45' } });
  expect(bad.isError && /date/.test(bad.content[0].text), `a bad date is not an error: ${JSON.stringify(bad)}`);
});

await test('trending_papers answers what GET /api/daily_papers?sort=trending answers', async () => {
  const r = await client.callTool({ name: 'trending_papers', arguments: { limit: 5 } });
  const want = await api('/api/daily_papers?sort=trending&limit=5');
  expect(same(ids(r.structuredContent.papers), ids(want.body)), `${ids(r.structuredContent.papers)} vs ${ids(want.body)}`);
});

await test('search_papers answers what GET /api/papers/search answers', async () => {
  const r = await client.callTool({ name: 'search_papers', arguments: { query: 'spatial memory video generation', mode: 'keyword', limit: 5 } });
  const want = await api('/api/papers/search?q=spatial%20memory%20video%20generation&mode=keyword&limit=5');
  expect(want.body.length > 0, 'the API found nothing');
  expect(same(ids(r.structuredContent.papers), ids(want.body)), `${ids(r.structuredContent.papers)} vs ${ids(want.body)}`);
  expect(r.structuredContent.papers.some((p) => p.paper.id === RICH && p.ai_summary), 'the AI summary is missing from the hit');
});

await test('get_paper gives the Markdown of GET /papers/{id}.md', async () => {
  const r = await client.callTool({ name: 'get_paper', arguments: { id: RICH } });
  const want = await api(`/papers/${RICH}.md`);
  expect(r.content[0].text === want.body, 'differs from /papers/{id}.md');
  expect(/^# Spatia/.test(want.body) && /## AI summary/.test(want.body), want.body.slice(0, 200));
  const missing = await client.callTool({ name: 'get_paper', arguments: { id: '2512.99999' } });
  expect(missing.isError, 'an unknown paper is not an error');
});

await test('similar_papers answers what GET /api/papers/{id}/similar answers', async () => {
  const r = await client.callTool({ name: 'similar_papers', arguments: { id: RICH, limit: 3 } });
  const want = await api(`/api/papers/${RICH}/similar?limit=3`);
  expect(r.isError === (want.status >= 400), `status ${want.status} vs isError ${r.isError}`);
  if (want.status === 200) expect(same(ids(r.structuredContent.papers), ids(want.body)), 'different similar papers');
});

await test('resources list papers and read one as Markdown', async () => {
  const { resources } = await client.listResources();
  expect(resources.length > 0, 'no resources');
  const rich = resources.find((r) => r.uri === `paperfeed://papers/${resources[0].name}`);
  expect(rich && rich.mimeType === 'text/markdown', JSON.stringify(resources[0]));
  const read = await client.readResource({ uri: `paperfeed://papers/${RICH}` });
  expect(read.contents[0].text === (await api(`/papers/${RICH}.md`)).body, 'resource differs from /papers/{id}.md');
  const { resourceTemplates } = await client.listResourceTemplates();
  expect(resourceTemplates[0].uriTemplate === 'paperfeed://papers/{id}', JSON.stringify(resourceTemplates));
  let failed = false;
  try { await client.readResource({ uri: 'paperfeed://papers/2512.99999' }); } catch { failed = true; }
  expect(failed, 'an unknown resource was read');
});

await test('upvote and submit need a token with the scope, as the API does', async () => {
  const anonymous = await client.callTool({ name: 'upvote_paper', arguments: { id: RICH } });
  expect(anonymous.isError && /unauthorized/.test(anonymous.content[0].text), anonymous.content[0].text);
  const readOnly = await connect(await makeToken(['read']));
  const denied = await readOnly.client.callTool({ name: 'upvote_paper', arguments: { id: RICH } });
  expect(denied.isError && /insufficient_scope/.test(denied.content[0].text), denied.content[0].text);
  const voter = await connect(await makeToken(['read', 'vote', 'submit']));
  const before = (await api(`/api/papers/${RICH}`)).body.upvotes;
  const up = await voter.client.callTool({ name: 'upvote_paper', arguments: { id: RICH } });
  expect(!up.isError && up.structuredContent.upvoted === true, up.content[0].text);
  const after = (await api(`/api/papers/${RICH}`)).body.upvotes;
  expect(after === before + 1 && up.structuredContent.upvotes === after, `upvotes ${before} -> ${after}`);
  const down = await voter.client.callTool({ name: 'upvote_paper', arguments: { id: RICH, remove: true } });
  expect(!down.isError && (await api(`/api/papers/${RICH}`)).body.upvotes === before, 'withdrawing did not restore the count');
  // Submitting a paper already on a list is the API's 409, as an error result.
  const again = await voter.client.callTool({ name: 'submit_paper', arguments: { id: RICH } });
  expect(again.isError && /already/.test(again.content[0].text), again.content[0].text);
  await readOnly.client.close();
  await voter.client.close();
});

await test('the transport refuses a request without or with an unknown session', async () => {
  const init = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  let res = await fetch(`${base}/mcp`, { method: 'POST', headers, body: JSON.stringify(init) });
  expect(res.status === 400, `no session: ${res.status}`);
  res = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...headers, 'mcp-session-id': 'nope' }, body: JSON.stringify(init) });
  expect(res.status === 404, `unknown session: ${res.status}`);
  res = await fetch(`${base}/mcp`, { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body: JSON.stringify(init) });
  expect(res.status === 403, `foreign origin: ${res.status}`);
  res = await fetch(`${base}/mcp`, { method: 'GET', headers: { accept: 'text/event-stream' } });
  expect(res.status === 405, `GET: ${res.status}`);
});

await test('closing the session ends it', async () => {
  const id = transport.sessionId;
  await transport.terminateSession();
  const res = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', 'mcp-session-id': id },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }) });
  expect(res.status === 404, `ended session answered ${res.status}`);
});

await client.close().catch(() => {});
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(work, { recursive: true, force: true });
const passed = results.filter(Boolean).length;
console.log(`mcp: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
