// run.mjs — Loa's browser tests: a built site, served on loopback by a tiny
// static server here, opened in Debian's headless Chromium (playwright-core)
// at a phone's width. Builds nothing: give it the folder `loa build --out`
// wrote.
//
//   node tests/browser/run.mjs SITE_DIR [--screenshots DIR] [--chromium PATH]
//                              [--no-lighthouse | --lighthouse-only]
//
// Prints `PASS name` / `FAIL name` lines (tests/run.sh counts them) and a
// closing `N passed, M failed`; exits 1 when any check failed. Screenshots of
// every page go to build/test-artifacts/screenshots/ (or --screenshots).
// Lighthouse (lighthouse.mjs) then runs on one page of each kind; its reports
// go to build/test-artifacts/lighthouse/.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { checkWide, checkPlanCards, checkChartLabels, checkSearchShift, checkShare } from './readers.mjs';
import { checkLighthouse } from './lighthouse.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const WIDTH = 390;
const HEIGHT = 844;
// readers (issue 17): every kind of page is also photographed at a desktop width
const WIDE = 1280;
const WIDE_HEIGHT = 800;

// ---- arguments -------------------------------------------------------------
function usage(msg) {
  console.error(`run.mjs: ${msg}\nusage: node run.mjs SITE_DIR [--screenshots DIR] [--chromium PATH] [--no-lighthouse | --lighthouse-only]`);
  process.exit(2);
}
const argv = process.argv.slice(2);
let siteDir = null;
let shotDir = path.join(ROOT, 'build', 'test-artifacts', 'screenshots');
let chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const lighthouseDir = path.join(ROOT, 'build', 'test-artifacts', 'lighthouse');
let lighthouseMode = 'after';
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--screenshots') shotDir = path.resolve(argv[++i] ?? usage('--screenshots needs a folder'));
  else if (argv[i] === '--chromium') chromiumPath = argv[++i] ?? usage('--chromium needs a path');
  else if (argv[i] === '--no-lighthouse') lighthouseMode = 'no';
  else if (argv[i] === '--lighthouse-only') lighthouseMode = 'only';
  else if (argv[i].startsWith('-')) usage(`unknown option ${argv[i]}`);
  else if (siteDir === null) siteDir = path.resolve(argv[i]);
  else usage('one site folder only');
}
if (!siteDir) usage('give the built site folder');
if (!fs.existsSync(path.join(siteDir, 'index.html'))) usage(`${siteDir}/index.html does not exist`);
if (!fs.existsSync(chromiumPath)) usage(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
fs.mkdirSync(shotDir, { recursive: true });

// ---- results -----------------------------------------------------------------
let passed = 0;
let failed = 0;
function pass(name) { passed++; console.log(`PASS ${name}`); }
function fail(name, why) {
  failed++;
  console.log(`FAIL ${name}`);
  if (why) for (const line of String(why).split('\n')) console.log(`  ${line}`);
}
function check(name, ok, why) { if (ok) pass(name); else fail(name, why); }

// ---- a static server for the built folder, loopback only ----------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.webp': 'image/webp', '.avif': 'image/avif', '.gif': 'image/gif', '.ico': 'image/x-icon',
  '.pdf': 'application/pdf', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
};
// the file a URL path names inside root, or null (never outside root)
function resolveFile(root, urlPath) {
  let p;
  try { p = decodeURIComponent(urlPath); } catch { return null; }
  if (p.includes('\0')) return null;
  let file = path.resolve(root, '.' + path.posix.normalize('/' + p));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    return fs.statSync(file).isFile() ? file : null;
  } catch { return null; }
}
function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    // a folder without its slash: redirect, as web servers do
    const direct = resolveFile(root, url.pathname);
    if (direct && !url.pathname.endsWith('/') && direct.endsWith(path.sep + 'index.html') &&
        !url.pathname.endsWith('index.html')) {
      res.writeHead(301, { Location: url.pathname + '/' + url.search });
      res.end();
      return;
    }
    let file = direct;
    let status = 200;
    if (!file) {
      status = 404;
      file = resolveFile(root, '/404.html');
      if (!file) { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); return; }
    }
    res.writeHead(status, {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---- which pages to open: one of each kind, found in the built folder ------------
// first sub-folder (byte order) of DIR that has an index.html, skipping names in `skip`
function firstPage(rel, skip = [], depth = 1) {
  const dir = path.join(siteDir, rel);
  let names;
  try { names = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort(); } catch { return null; }
  for (const name of names) {
    if (skip.includes(name)) continue;
    const sub = path.posix.join(rel, name);
    if (depth > 1) {
      const deeper = firstPage(sub, [], depth - 1);
      if (deeper) return deeper;
    } else if (fs.existsSync(path.join(siteDir, sub, 'index.html'))) {
      return '/' + sub + '/';
    }
  }
  return null;
}
// the sample's accented article when it is there (the search test looks for it)
const ARTICLE = fs.existsSync(path.join(siteDir, 'tin-tuc/an-duong/hoi-thao-chuyen-doi-so-trong-truong-mam-non/index.html'))
  ? '/tin-tuc/an-duong/hoi-thao-chuyen-doi-so-trong-truong-mam-non/'
  : firstPage('tin-tuc', ['trang'], 2) || firstPage('tin-tuc', ['trang']);
// readers: a school's news list, the archive's latest year and its latest month
const SCHOOL = firstPage('truong');
const SCHOOL_NEWS = SCHOOL ? SCHOOL.replace(/^\/truong\//, '/tin-tuc/') : null;
function latestDigits(rel) {
  let names;
  try { names = fs.readdirSync(path.join(siteDir, rel)).filter((n) => /^\d+$/.test(n)).sort(); } catch { return null; }
  return names.length ? `/${rel}/${names[names.length - 1]}/` : null;
}
const YEAR = latestDigits('tin-tuc');
const MONTH = YEAR ? latestDigits(YEAR.slice(1, -1)) : null;
// axe-core runs on every page (the issue names home, an article, /truong/,
// a plan and the dashboard; the others cost a second and find regressions)
const PAGES = [
  { name: 'home', url: '/' },
  { name: 'news list', url: '/tin-tuc/' },
  { name: 'article', url: ARTICLE },
  { name: 'tags list', url: '/chu-de/' },
  { name: 'tag', url: firstPage('chu-de') },
  { name: 'school directory', url: '/truong/' },
  { name: 'school', url: firstPage('truong') },
  { name: 'model page', url: firstPage('mo-hinh') },
  { name: 'plans list', url: '/ke-hoach/' },
  { name: 'plan', url: firstPage('ke-hoach') },
  { name: 'dashboard', url: '/bao-cao/truyen-thong/' },
  { name: '404', url: '/khong-co-trang-nay/', status: 404 },
  { name: 'search', url: '/tim-kiem/' },
  // centre (issue 16): documents, their listings, the monthly and semester reports
  { name: 'documents list', url: '/van-ban/' },
  { name: 'documents of a type', url: firstPage('van-ban/loai') },
  { name: 'document', url: firstPage('van-ban', ['loai', 'trang', '2021', '2022', '2023']) },
  { name: 'monthly report', url: firstPage('bao-cao/truyen-thong') },
  { name: 'semester report', url: fs.existsSync(path.join(siteDir, 'bao-cao/truyen-thong/2022-2023-HK1/index.html')) ? '/bao-cao/truyen-thong/2022-2023-HK1/' : null },
  { name: 'school news', url: SCHOOL_NEWS },
  { name: 'categories', url: '/chuyen-muc/' },
  { name: 'category', url: '/chuyen-muc/phu-huynh/' },
  { name: 'archive year', url: YEAR },
  { name: 'archive month', url: MONTH },
];
// Lighthouse (issue 17): one page of each kind readers open, and search with a
// query (its results arriving once shifted the layout)
const LIGHTHOUSE_PAGES = ['home', 'article', 'school', 'plan', 'model page', 'document', 'category', 'dashboard']
  // the sample keeps its outreach dashboard internal (outreach.public = false)
  .map((name) => ({ ...PAGES.find((p) => p.name === name), noindex: name === 'dashboard' }))
  .concat([{ name: 'search with a query', url: '/tim-kiem/?q=chuyen+doi+so' }]);

// ---- the checks ---------------------------------------------------------------
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// opens url in a fresh page, recording console errors and failed requests
async function open(context, base, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  let docResponse = null;
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) docResponse = r;
    else if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const t0 = Date.now();
  await page.goto(base + url, { waitUntil: 'load', timeout: 20000 });
  const t1 = Date.now();
  // scripts that fetch (search) finish their requests before we judge
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  if (process.env.DEBUG_TIMES) console.error(`${url}: load ${t1 - t0} ms, idle ${Date.now() - t1} ms`);
  return { page, problems, status: docResponse ? docResponse.status() : 0 };
}

function shotName(name) { return name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase(); }

async function checkPage(context, base, spec) {
  if (!spec.url) { fail(`${spec.name}: loads`, 'no such page in the built site'); return; }
  let opened;
  try {
    opened = await open(context, base, spec.url);
  } catch (e) {
    fail(`${spec.name}: loads`, `${spec.url}: ${e.message}`);
    return;
  }
  const { page, status } = opened;
  // a 404 page's own status is logged by Chromium as a failed resource: expected there
  const problems = spec.status ? opened.problems.filter((m) => !/status of 404/.test(m) || !m.startsWith('console error: Failed to load resource')) : opened.problems;
  try {
    const want = spec.status || 200;
    check(`${spec.name}: loads with status ${want}`, status === want, `${spec.url}: status ${status}`);
    check(`${spec.name}: no console error or failed request`, problems.length === 0,
      `${spec.url}:\n${problems.join('\n')}`);
    const h1 = await page.locator('h1').count();
    check(`${spec.name}: one h1`, h1 === 1, `${spec.url}: ${h1} h1 elements`);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    let wide = '';
    if (sw > WIDTH) {
      // name the widest elements so the failure says what to fix
      wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > w + 0.5)
        .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`)
        .join('\n'), WIDTH);
    }
    check(`${spec.name}: no horizontal scrolling at ${WIDTH} px`, sw <= WIDTH, `${spec.url}: scrollWidth ${sw}\n${wide}`);
    await page.screenshot({ path: path.join(shotDir, `${shotName(spec.name)}.png`), fullPage: true });
    if (spec.check) await spec.check(page);
    if (spec.axe !== false) {
      await page.evaluate(AXE_SOURCE);
      const violations = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.impact === 'moderate');
      check(`${spec.name}: axe-core finds no critical, serious or moderate violation`, bad.length === 0,
        `${spec.url}:\n` + bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.join(', ')}`).join('\n'));
    }
  } finally {
    await page.close();
  }
}

const norm = (s) => (s || '').normalize('NFC').toLowerCase();

// /tim-kiem/?q=chuyen+doi+so finds the accented article (the search page contract:
// form[role=search] > input#search-input, results in ol#search-results)
async function checkSearch(context, base) {
  const name = 'search: an unaccented query finds "chuyển đổi số"';
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  try {
    await page.goto(base + '/tim-kiem/?q=chuyen+doi+so', { waitUntil: 'load', timeout: 20000 });
    const form = await page.locator('form[role="search"][action$="/tim-kiem/"] input#search-input[type="search"][name="q"]').count();
    check('search: the page has the search form', form === 1, 'no form[role=search] with input#search-input[name=q] in main');
    const value = await page.locator('#search-input').inputValue({ timeout: 2000 }).catch(() => '');
    check('search: the query is read from ?q=', value === 'chuyen doi so', `input value is "${value}"`);
    let texts = [];
    try {
      await page.locator('#search-results li a').first().waitFor({ timeout: 10000 });
      texts = await page.locator('#search-results li a').allTextContents();
    } catch { /* no result: reported below */ }
    check(name, texts.some((t) => norm(t).includes(norm('chuyển đổi số'))),
      `result links: ${JSON.stringify(texts.slice(0, 5))}${problems.length ? '\n' + problems.join('\n') : ''}`);
    await page.screenshot({ path: path.join(shotDir, 'search-results.png'), fullPage: true });
  } catch (e) {
    fail(name, e.message);
  } finally {
    await page.close();
  }
}

// a reader gets from the home page to an article in one click
async function checkOneClick(context, base) {
  const name = 'home: the first news link opens its article in one click';
  const page = await context.newPage();
  try {
    await page.goto(base + '/', { waitUntil: 'load' });
    // the first news item's title link (not its school or date)
    const link = page.locator('main .news-item .item-title a').first();
    const text = (await link.textContent() || '').trim();
    await Promise.all([page.waitForURL((u) => u.pathname !== '/'), link.click()]);
    const article = await page.locator('main article').count();
    const h1 = ((await page.locator('main article h1').first().textContent().catch(() => '')) || '').trim();
    check(name, article >= 1 && text !== '' && h1 === text,
      `clicked "${text}", landed on ${page.url()} with ${article} <article>, h1 "${h1}"`);
  } catch (e) {
    fail(name, e.message);
  } finally {
    await page.close();
  }
}

// keyboard: the first Tab reaches the skip link, visibly; Enter moves focus to main
async function checkSkipLink(context, base) {
  const page = await context.newPage();
  try {
    await page.goto(base + ARTICLE, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      const st = getComputedStyle(a);
      return { cls: a.className, href: a.getAttribute('href'), top: r.top, bottom: r.bottom, h: r.height,
        outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2 };
    });
    check('keyboard: the first Tab shows the skip link with a focus outline',
      info.href === '#main' && info.bottom > 0 && info.h > 0 && info.outline, JSON.stringify(info));
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    check('keyboard: the skip link moves focus to main', focused === 'main', `focus on #${focused}`);
  } catch (e) {
    fail('keyboard: skip link', e.message);
  } finally {
    await page.close();
  }
}

// without JavaScript the site is still read and navigated: the home page lists
// news whose links open articles, and the menu is there
async function checkNoScript(browser, base) {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(base + '/', { waitUntil: 'load' });
    const links = await page.locator('main .news-item a[href*="/tin-tuc/"]').count();
    const menu = await page.locator('header nav a').count();
    check('no JavaScript: home lists news and the menu', links > 0 && menu > 0, `${links} news links, ${menu} menu links`);
    await page.goto(base + ARTICLE, { waitUntil: 'load' });
    const paras = await page.locator('main article .content p').count();
    check('no JavaScript: an article shows its text', paras > 0, `${paras} paragraphs`);
  } catch (e) {
    fail('no JavaScript', e.message);
  } finally {
    await context.close();
  }
}

// print: the print stylesheet hides the header, menu and footer
async function checkPrint(context, base) {
  const page = await context.newPage();
  try {
    await page.goto(base + ARTICLE, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => ['.site-header', '.site-footer', '.breadcrumbs']
      .map((s) => document.querySelector(s)).filter(Boolean)
      .every((el) => getComputedStyle(el).display === 'none'));
    const h1 = await page.locator('main h1').isVisible();
    check('print: header, footer and breadcrumbs hidden, the article kept', hidden && h1, `hidden=${hidden} h1=${h1}`);
    const source = await page.evaluate(() => [...document.querySelectorAll('main .print-only')]
      .some((el) => getComputedStyle(el).display !== 'none' && el.textContent.includes(location.pathname)));
    check('print: the article\'s address is printed', source, 'no visible .print-only with the page URL');
    await page.screenshot({ path: path.join(shotDir, 'article-print.png'), fullPage: true });
  } catch (e) {
    fail('print', e.message);
  } finally {
    await page.close();
  }
}

// ---- main -------------------------------------------------------------------------
const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}`;
const runLighthouse = () => checkLighthouse(base, LIGHTHOUSE_PAGES,
  { chromiumPath, outDir: lighthouseDir, check, pass, fail, shotName });
if (lighthouseMode === 'only') {
  await runLighthouse().catch((e) => fail('lighthouse runs', e.stack || e.message));
  server.close();
  console.log(`lighthouse reports: ${lighthouseDir}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
let browser;
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
  // a missing element fails a check in seconds, not after the default 30 s
  context.setDefaultTimeout(10000);
  const timed = async (what, fn) => {
    const t0 = Date.now();
    await fn();
    if (process.env.DEBUG_TIMES) console.error(`${what}: ${Date.now() - t0} ms`);
  };
  for (const spec of PAGES) await timed(spec.name, () => checkPage(context, base, spec));
  await timed('search', () => checkSearch(context, base));
  await timed('one click', () => checkOneClick(context, base));
  await timed('skip link', () => checkSkipLink(context, base));
  await timed('print', () => checkPrint(context, base));
  // readers (issue 17)
  const helpers = { check, fail, shotDir, shotName, width: WIDE, height: WIDE_HEIGHT,
    phone: { width: WIDTH, height: HEIGHT }, wide: { width: WIDE, height: WIDE_HEIGHT } };
  await timed('chart labels', () => checkChartLabels(context, base, helpers));
  await timed('search shift', () => checkSearchShift(context, base, helpers));
  await context.close();
  await timed('plan cards', () => checkPlanCards(browser, base, firstPage('ke-hoach'), helpers));
  await timed('share', () => checkShare(browser, base, ARTICLE, { ...helpers, width: WIDTH, height: HEIGHT }));
  await timed('wide', () => checkWide(browser, base, PAGES.filter((p) => !p.status), helpers));
  await timed('no script', () => checkNoScript(browser, base));
  // Lighthouse starts its own Chromium: this one is closed first
  await browser.close();
  browser = null;
  if (lighthouseMode !== 'no') await timed('lighthouse', runLighthouse);
} catch (e) {
  fail('browser runs', e.stack || e.message);
} finally {
  if (browser) await browser.close();
  server.close();
}
console.log(`screenshots: ${shotDir}`);
if (lighthouseMode !== 'no') console.log(`lighthouse reports: ${lighthouseDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
