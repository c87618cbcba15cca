// readers.mjs — the browser checks of issue 17 (what readers need), run by
// run.mjs: every kind of page at a desktop width too (screenshots
// NAME-1280.png), a plan's activities as cards on a phone with the status
// first, chart labels of 12 px or more, no layout shift when search results
// arrive (CLS < 0.1), and the copy-link button of an article.
import path from 'node:path';

export async function checkWide(browser, base, pages, { width, height, shotDir, shotName, check, fail }) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(10000);
  try {
    for (const spec of pages) {
      if (!spec.url) continue;
      const page = await context.newPage();
      try {
        await page.goto(base + spec.url, { waitUntil: 'load', timeout: 20000 });
        await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        check(`${spec.name}: no horizontal scrolling at ${width} px`, sw <= width, `${spec.url}: scrollWidth ${sw}`);
        await page.screenshot({ path: path.join(shotDir, `${shotName(spec.name)}-${width}.png`), fullPage: true });
      } catch (e) {
        fail(`${spec.name}: at ${width} px`, `${spec.url}: ${e.message}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await context.close();
  }
}

// on a phone each activity is a card (no table wider than the screen) whose
// first line is its status; on a wide screen it is a table row again
export async function checkPlanCards(browser, base, url, { check, fail, phone, wide }) {
  if (!url) { fail('plan: activities as cards', 'no plan page'); return; }
  for (const [w, h, cards] of [[phone.width, phone.height, true], [wide.width, wide.height, false]]) {
    const context = await browser.newContext({ viewport: { width: w, height: h } });
    const page = await context.newPage();
    try {
      await page.goto(base + url, { waitUntil: 'load' });
      const r = await page.evaluate(() => {
        const row = document.querySelector('.activities tbody tr');
        if (!row) return null;
        const status = row.querySelector('.act-status');
        const name = row.querySelector('.act-name');
        const table = row.closest('table');
        return { rowDisplay: getComputedStyle(row).display, tableWidth: table.getBoundingClientRect().width,
          statusTop: status.getBoundingClientRect().top, nameTop: name.getBoundingClientRect().top,
          statusText: status.textContent.trim(), vw: document.documentElement.clientWidth };
      });
      if (!r) { fail(`plan at ${w} px: has activities`, url); continue; }
      if (cards) {
        check(`plan at ${w} px: activities are cards no wider than the screen`,
          r.rowDisplay !== 'table-row' && r.tableWidth <= r.vw, JSON.stringify(r));
        check(`plan at ${w} px: a card shows its status first`, r.statusText !== '' && r.statusTop < r.nameTop, JSON.stringify(r));
      } else {
        check(`plan at ${w} px: activities are a table`, r.rowDisplay === 'table-row', JSON.stringify(r));
      }
    } catch (e) {
      fail(`plan at ${w} px`, e.message);
    } finally {
      await context.close();
    }
  }
}

// every text of the dashboard's charts is drawn at 12 px or more on a phone
export async function checkChartLabels(context, base, { check, fail }) {
  const page = await context.newPage();
  try {
    await page.goto(base + '/bao-cao/truyen-thong/', { waitUntil: 'load' });
    const r = await page.evaluate(() => {
      let min = Infinity, n = 0;
      for (const t of document.querySelectorAll('svg.outreach-chart text')) {
        const scale = t.ownerSVGElement.getScreenCTM().a;
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        min = Math.min(min, px);
        n++;
      }
      return { min, n };
    });
    check('dashboard: chart labels are 12 px or more at 390 px', r.n > 0 && r.min >= 12 - 1e-6,
      `${r.n} labels, smallest ${r.min.toFixed(2)} px`);
  } catch (e) {
    fail('dashboard: chart labels', e.message);
  } finally {
    await page.close();
  }
}

// the results area is reserved: results arriving move nothing (CLS < 0.1)
export async function checkSearchShift(context, base, { check, fail }) {
  const page = await context.newPage();
  try {
    await page.addInitScript(() => {
      window.__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(base + '/tim-kiem/?q=chuyen+doi+so', { waitUntil: 'load', timeout: 20000 });
    await page.locator('#search-results li a').first().waitFor({ timeout: 10000 });
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => window.__cls);
    check('search: no layout shift when results arrive (CLS < 0.1)', cls < 0.1, `CLS ${cls.toFixed(3)}`);
  } catch (e) {
    fail('search: layout shift', e.message);
  } finally {
    await page.close();
  }
}

// the copy-link button appears with JavaScript and copies the address
export async function checkShare(browser, base, url, { width, height, check, fail }) {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  try {
    await page.goto(base + url, { waitUntil: 'load' });
    const links = await page.evaluate(() => [...document.querySelectorAll('.share a')].map((a) => a.href));
    check('share: plain Zalo and Facebook links with the address',
      links.length === 2 && links[0].startsWith('https://zalo.me/share?url=') &&
      links[1].startsWith('https://www.facebook.com/sharer/sharer.php?u='), JSON.stringify(links));
    const button = page.locator('.share-copy');
    await button.click();
    await page.waitForFunction(() => document.querySelector('.share-status').textContent !== '', null, { timeout: 3000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const want = await button.getAttribute('data-url');
    check('share: the copy-link button copies the address and says so', copied === want, `copied "${copied}", want "${want}"`);
  } catch (e) {
    fail('share: copy link', e.message);
  } finally {
    await context.close();
  }
}
