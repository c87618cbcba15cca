#!/usr/bin/env node
// search-bytes.js — what a reader downloads for a search: runs ~20 typical
// queries (1–3 words of titles taken across the corpus, half typed without
// accents) through the browser's own code (themes/default/static/js/
// search.js) against a built index, and sums the bytes of the files it
// fetches: the manifest, the term chunks, and the metadata of the first
// page of hits (10), as the search page does. Gzip sizes are shown too
// (what a server that compresses JSON sends).
//
//   node scripts/search-bytes.js PUBLIC_DIR [QUERIES]
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const S = require(path.join(__dirname, '..', 'themes', 'default', 'static', 'js', 'search.js'));

const out = process.argv[2];
const count = +(process.argv[3] || 20);
if (!out) {
  console.error('usage: node scripts/search-bytes.js PUBLIC_DIR [QUERIES]');
  process.exit(2);
}
const dir = path.join(out, 'tim-kiem', 'index');
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));

function read(p) { return fs.readFileSync(path.join(dir, p.replace(/\?.*$/, ''))); }

// typical queries: words of titles spread over the whole corpus
const queries = [];
for (let i = 0; i < count; i++) {
  const doc = Math.floor((i + 0.5) * manifest.docs / count);
  const group = JSON.parse(read('m/' + Math.floor(doc / manifest.group) + '.json'));
  const words = group[doc % manifest.group][1].split(/\s+/).filter(w => /[\p{L}\p{N}]/u.test(w));
  const len = Math.min(words.length, (i % 3) + 1);
  const at = Math.min(words.length - len, (i * 7) % Math.max(1, words.length));
  const q = words.slice(at, at + len).join(' ').replace(/[^\p{L}\p{N}\s]/gu, '');
  queries.push(i % 2 ? S.fold(q) : q.toLowerCase());
}

const PAGE = 10;
(async () => {
  const rows = [];
  for (const q of queries) {
    const files = new Map();
    const engine = new S.Engine(p => {
      const data = read(p);
      files.set(p.replace(/\?.*$/, ''), data);
      return Promise.resolve(JSON.parse(data.toString('utf8')));
    });
    const r = await engine.search(q);
    await engine.meta(r.hits.slice(0, PAGE));
    let raw = 0, gz = 0;
    for (const data of files.values()) {
      raw += data.length;
      gz += zlib.gzipSync(data, { level: 6 }).length;
    }
    rows.push({ q, hits: r.hits.length, files: files.size, raw, gz });
  }
  const kb = n => (n / 1024).toFixed(1).padStart(7);
  console.log('query'.padEnd(40) + '   hits  files   KB raw  KB gzip');
  for (const r of rows) {
    console.log(JSON.stringify(r.q).padEnd(40) + String(r.hits).padStart(7) +
                String(r.files).padStart(7) + kb(r.raw) + '  ' + kb(r.gz));
  }
  const sorted = k => rows.map(r => r[k]).sort((a, b) => a - b);
  const median = k => { const s = sorted(k); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };
  const mean = k => rows.reduce((a, r) => a + r[k], 0) / rows.length;
  const max = k => sorted(k)[rows.length - 1];
  console.log(`median ${kb(median('raw'))} KB raw ${kb(median('gz'))} KB gzip; ` +
              `mean ${kb(mean('raw'))} KB raw ${kb(mean('gz'))} KB gzip; ` +
              `max ${kb(max('raw'))} KB raw ${kb(max('gz'))} KB gzip`);
  let total = 0, n = 0;
  const walk = d => fs.readdirSync(d, { withFileTypes: true }).forEach(e => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else { total += fs.statSync(p).size; n++; }
  });
  walk(dir);
  console.log(`index: ${manifest.docs} documents, ${manifest.chunks.length} term chunks, ` +
              `${n} files, ${(total / 1048576).toFixed(2)} MB`);
})();
