// editor.mjs — the browser editor (issue 15 point 5) in headless Chromium:
// opens /quan-tri/ of a built site served on loopback, logs in to the
// proxy backend (decap-server, started by tests/e2e/t119-editor-browser.sh
// on a temporary repository), writes an article with a photo in a school's
// collection through Decap's interface and publishes it. The shell test then
// checks the files decap-server wrote. Prints `PASS name` / `FAIL name`.
//
//   node editor.mjs SITE_DIR PHOTO SHOTS_DIR
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [siteDir, photo, shots] = process.argv.slice(2);
let failed = 0;
const pass = (n) => console.log(`PASS ${n}`);
const fail = (n, why) => { failed++; console.log(`FAIL ${n}${why ? ': ' + why : ''}`); };

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.yml': 'text/yaml; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css' };
function serve(root) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    let file = path.resolve(root, '.' + path.posix.normalize('/' + p));
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    try { if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html'); } catch { /* 404 below */ }
    if (!fs.existsSync(file)) { res.writeHead(404); res.end('not found'); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function step(name, fn) {
  try { await fn(); pass(name); return true; } catch (e) { fail(name, String(e.message || e).split('\n')[0]); return false; }
}

const server = await serve(path.resolve(siteDir));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.setDefaultTimeout(20000);
const offsite = [];
page.on('request', (r) => { const u = new URL(r.url()); if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol.startsWith('http')) offsite.push(r.url()); });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
const shot = (n) => page.screenshot({ path: path.join(shots, n + '.png') }).catch(() => {});

try {
  await step('editor: /quan-tri/ opens the login page, in Vietnamese', async () => {
    await page.goto(base + '/quan-tri/');
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
  });
  await shot('editor-login');
  await step('editor: logs in to decap-server (proxy backend)', async () => {
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Tin bài — Trường Mầm non Đồng Thái').first().waitFor();
  });
  await shot('editor-collections');
  await step('editor: lists a collection per school, the schools and the plans', async () => {
    for (const t of ['Tin bài — Trường Mầm non An Dương', 'Trang giới thiệu trường', 'Kế hoạch'])
      await page.getByText(t).first().waitFor();
  });
  await step('editor: a new article in the school\'s collection', async () => {
    await page.goto(base + '/quan-tri/#/collections/tin-dong-thai/new');
    await page.getByText('Tiêu đề').first().waitFor();
  });
  await shot('editor-new');
  await step('editor: fills title, date, tags, summary', async () => {
    await page.getByLabel('Tiêu đề').fill('Bé vui Tết Trung thu ở trường');
    await page.getByText('Ngay lúc này', { exact: true }).click();
    await page.getByLabel('Từ khóa').fill('lễ hội, trung thu');
    await page.getByLabel('Tóm tắt').fill('Đêm hội trăng rằm của các bé.');
  });
  await step('editor: uploads a photo into the article', async () => {
    await page.getByRole('button', { name: 'Chọn một hình' }).click();
    await page.waitForTimeout(1000);
    await shot('editor-media');
    await page.locator('input[type=file]').setInputFiles(photo);
    await page.getByText('san-choi.jpg').waitFor();
    await shot('editor-media-uploaded');
    await page.getByRole('button', { name: 'Lấy những cái đã chọn' }).click();
    await page.getByRole('button', { name: 'Chọn một hình' }).waitFor({ state: 'detached' });
  });
  await step('editor: writes the body', async () => {
    const body = page.locator('[data-slate-editor="true"]').first();
    await body.click();
    await page.keyboard.type('Chiều 9/9, sân trường rực rỡ đèn ông sao.');
  });
  await shot('editor-filled');
  await step('editor: publishes the article', async () => {
    await page.getByRole('button', { name: 'Công bố' }).first().click();
    await shot('editor-publish-menu');
    await page.getByText('Công bố ngay').click();
    await page.getByText('THAY ĐỔI ĐÃ ĐƯỢC LƯU').or(page.getByText('Thay đổi đã được lưu')).first().waitFor();
    await page.waitForTimeout(1000);
  });
  await shot('editor-published');
} finally {
  if (offsite.length) fail('editor: loads nothing from another host', offsite[0]); else pass('editor: loads nothing from another host');
  if (errors.length) console.log('page errors: ' + errors.slice(0, 3).join(' | '));
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
