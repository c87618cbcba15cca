/* search.js — the search of /tim-kiem/, in the reader's browser, with no
 * server. The index (made by plugins/search.lua with loa.search_index, see
 * generator/search/search.h for the format) is a manifest, term chunks and
 * metadata groups: a query fetches the manifest, the chunk of each of its
 * words, and the metadata of the hits it shows — nothing else.
 *
 * Queries are folded exactly as the index was (content/text.c text_fold):
 * NFD, combining marks removed, apostrophes dropped, đ → d and a few Latin
 * letters spelt out, anything but letters and digits separating words,
 * lower case, NFC. So "chuyen doi so" and "chuyển đổi số" are one query.
 * Words are ANDed; the last one also matches as a prefix while it is being
 * typed. Hits are ranked by their words' weights (title above body) and
 * rarity; equal scores keep the index order (newest first).
 *
 * Also loaded by node (tests, scripts/search-bytes.js): then it only
 * exports { fold, Engine } and touches no document. */
(function (factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (typeof document !== 'undefined') {
    api.init(document, window);
  }
})(function () {
  'use strict';

  var MARK = /\p{M}/u;
  var WORD = /[\p{L}\p{Nd}]/u;
  var APOSTROPHES = { "'": 1, '\u2019': 1, '\u02bc': 1 };
  /* Latin letters NFD leaves without an ASCII base (text.c latin_extra) */
  var LATIN = {
    '\u00c6': 'ae', '\u00d0': 'd', '\u00d8': 'o', '\u00de': 'th', '\u00df': 'ss',
    '\u00e6': 'ae', '\u00f0': 'd', '\u00f8': 'o', '\u00fe': 'th', '\u0110': 'd',
    '\u0111': 'd', '\u0131': 'i', '\u0141': 'l', '\u0142': 'l', '\u0152': 'oe', '\u0153': 'oe'
  };

  function fold(s) {
    var out = '', sep = false;
    for (var ch of String(s).normalize('NFD')) {
      if (MARK.test(ch) || APOSTROPHES[ch]) continue;
      var extra = LATIN[ch];
      if (!extra && !WORD.test(ch)) { sep = true; continue; }
      if (sep && out) out += ' ';
      sep = false;
      /* one code point at a time, as ICU's u_tolower (no final sigma) */
      out += extra || ch.toLowerCase();
    }
    return out.normalize('NFC');
  }

  /* code point order, which is the UTF-8 byte order the index sorts by */
  function cmp(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    return j < b.length ? -1 : 0;
  }

  var LAST = '0123456789abcdefghijklmnopqrstuv', MORE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ!$()*+';
  var DIGIT = {};
  for (var d = 0; d < 32; d++) { DIGIT[LAST[d]] = d; DIGIT[MORE[d]] = -1 - d; }

  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var B64V = {};
  for (var b = 0; b < 64; b++) B64V[B64[b]] = b;

  /* a weight level of w/K.json → the weight (search.h) */
  function levelWeight(c) {
    var l = B64V[c];
    return l < 40 ? l + 1 : Math.round(40 * Math.pow(1.15, l - 39));
  }

  /* a dense term "~K~BITMAP" → { file: K, docs: [documents] } */
  function dense(str) {
    var at = str.indexOf('~', 1), docs = [];
    for (var j = at + 1; j < str.length; j++) {
      var v = B64V[str[j]], base = (j - at - 1) * 6;
      for (var i = 0; i < 6; i++) if (v & (1 << i)) docs.push(base + i);
    }
    return { file: +str.slice(1, at), docs: docs };
  }

  /* What a query may download before it stops fetching the weights of
   * common words (they then count alike in every document they are in):
   * with the metadata of one page of hits, under 300 KB. */
  var BUDGET = 240 * 1024;

  /* postings string → Map(document → weight); a dense term's documents
   * with weight 1 */
  function decode(str) {
    if (str[0] === '~') {
      var d = dense(str), m = new Map();
      d.docs.forEach(function (doc) { m.set(doc, 1); });
      return m;
    }
    var out = new Map(), n = 0, doc = 0, second = false;
    for (var i = 0; i < str.length; i++) {
      var v = DIGIT[str[i]];
      if (v < 0) { n = n * 32 + (-1 - v); continue; }
      n = n * 32 + v;
      if (second) out.set(doc, n); else doc += n;
      second = !second;
      n = 0;
    }
    return out;
  }

  var K = 6; /* weight saturation: a title word (12) counts about 4.7 body words */

  /* load(path) → Promise of the parsed JSON file of the index folder */
  function Engine(load) {
    this.load = load;
    this.cache = {};
    this.manifest = null;
    this.bytes = 0; /* about what the files fetched so far weigh */
  }

  function size(v) {
    if (typeof v === 'string') return v.length + 2;
    var n = 2;
    if (Array.isArray(v)) v.forEach(function (x) { n += size(x) + 1; });
    else if (v && typeof v === 'object') Object.keys(v).forEach(function (k) { n += k.length + 4 + size(v[k]); });
    else n = String(v).length;
    return n;
  }

  Engine.prototype.file = function (path) {
    var self = this;
    if (!this.cache[path]) {
      this.cache[path] = this.load(path + (this.manifest ? '?v=' + this.manifest.version : ''))
        .then(function (v) { self.bytes += size(v); return v; })
        .catch(function (e) { delete self.cache[path]; throw e; });
    }
    return this.cache[path];
  };

  /* Map(document → weight) of a dense term: its weights when they fit in
   * the budget, else 1 for each of its documents */
  Engine.prototype.denseWeights = function (str) {
    var d = dense(str), self = this;
    if (this.bytes + d.docs.length + 2 > BUDGET) return Promise.resolve(decode(str));
    return this.file('w/' + d.file + '.json').then(function (levels) {
      var m = new Map();
      d.docs.forEach(function (doc, i) { m.set(doc, levelWeight(levels[i])); });
      return m;
    });
  };

  Engine.prototype.ready = function () {
    var self = this;
    if (this.manifest) return Promise.resolve(this.manifest);
    return this.file('manifest.json').then(function (m) { self.manifest = m; return m; });
  };

  Engine.prototype.chunkOf = function (term) {
    var c = this.manifest.chunks, lo = 0, hi = c.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (cmp(c[mid], term) <= 0) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* Map(document → weight) of a term; with prefix, of every term that
   * starts with it (the highest weight of each document) */
  Engine.prototype.postings = function (term, prefix) {
    var self = this, first = this.chunkOf(term), chunks = this.manifest.chunks;
    return this.file('t/' + first + '.json').then(function (firstFile) {
      var exact = firstFile[term];
      if (exact !== undefined && exact[0] === '~') return self.denseWeights(exact);
      if (exact !== undefined || !prefix) return exact === undefined ? new Map() : decode(exact);
      /* no such word: the words it begins, over at most 4 chunks */
      var last = first;
      while (last + 1 < chunks.length && last - first < 3 && chunks[last + 1].indexOf(term) === 0) last++;
      var wanted = [firstFile];
      for (var i = first + 1; i <= last; i++) wanted.push(self.file('t/' + i + '.json'));
      return Promise.all(wanted).then(function (files) { return self.union(files, term); });
    });
  };

  /* the highest weight of each document over the words that begin with
   * term (a dense word's documents count 1: no weights fetched) */
  Engine.prototype.union = function (files, term) {
    var out = new Map();
    files.forEach(function (terms) {
      Object.keys(terms).forEach(function (t) {
        if (t.indexOf(term) !== 0) return;
        decode(terms[t]).forEach(function (w, doc) {
          if (!(out.get(doc) >= w)) out.set(doc, w);
        });
      });
    });
    return out;
  };

  /* → Promise of { terms, hits: [document ids, best first] } */
  Engine.prototype.search = function (query) {
    var self = this, seen = {}, terms = [];
    fold(query).split(' ').forEach(function (t) {
      if (t && !seen[t] && terms.length < 8) { seen[t] = 1; terms.push(t); }
    });
    if (!terms.length) return Promise.resolve({ terms: terms, hits: [] });
    return this.ready().then(function (m) {
      return Promise.all(terms.map(function (t, i) {
        return self.postings(t, i === terms.length - 1 && t.length >= 2);
      })).then(function (lists) {
        lists.sort(function (a, b) { return a.size - b.size; });
        var scores = new Map();
        lists[0].forEach(function (w, doc) { scores.set(doc, 0); });
        lists.forEach(function (list) {
          var idf = Math.log(1 + (m.docs - list.size + 0.5) / (list.size + 0.5));
          scores.forEach(function (s, doc) {
            var w = list.get(doc);
            if (w === undefined) scores.delete(doc);
            else scores.set(doc, s + idf * w * (K + 1) / (w + K));
          });
        });
        var hits = Array.from(scores.keys());
        hits.sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; });
        return { terms: terms, hits: hits };
      });
    });
  };

  /* → Promise of [{url, title, date, summary}] for document ids */
  Engine.prototype.meta = function (docs) {
    var self = this, g = this.manifest.group;
    return Promise.all(docs.map(function (doc) {
      return self.file('m/' + Math.floor(doc / g) + '.json').then(function (group) {
        var r = group[doc % g];
        return { url: r[0], title: r[1], date: r[2], summary: r[3] };
      });
    }));
  };

  var PAGE = 10;

  function init(doc, win) {
    var box = doc.getElementById('search');
    var form = doc.getElementById('search-form');
    var input = doc.getElementById('search-input');
    var list = doc.getElementById('search-results');
    var status = doc.getElementById('search-status');
    var more = doc.getElementById('search-more');
    if (!box || !form || !input || !list || !status || !more) return;
    var base = (box.getAttribute('data-base') || '/').replace(/\/+$/, '');
    var indexUrl = box.getAttribute('data-index');
    var text = function (key) { return box.getAttribute('data-t-' + key) || ''; };
    var engine = new Engine(function (path) {
      return win.fetch(indexUrl + path).then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return r.json();
      });
    });
    var current = null; /* the latest query: older answers are dropped */

    function show(hits, from) {
      var page = hits.slice(from, from + PAGE);
      return engine.meta(page).then(function (rows) {
        rows.forEach(function (r) {
          var li = doc.createElement('li');
          var a = doc.createElement('a');
          a.href = base + r.url;
          a.textContent = r.title;
          li.appendChild(a);
          if (r.date) {
            var meta = doc.createElement('span');
            meta.className = 'meta';
            meta.textContent = ' · ' + r.date;
            li.appendChild(meta);
          }
          if (r.summary) {
            var p = doc.createElement('p');
            p.className = 'summary';
            p.textContent = r.summary;
            li.appendChild(p);
          }
          list.appendChild(li);
        });
        more.hidden = from + PAGE >= hits.length;
        more.onclick = function () { show(hits, from + PAGE); };
      });
    }

    function run(q) {
      var token = current = {};
      list.textContent = '';
      more.hidden = true;
      if (!fold(q)) { status.textContent = ''; return Promise.resolve(); }
      status.textContent = text('loading');
      return engine.search(q).then(function (r) {
        if (token !== current) return;
        /* functions as replacements: a query's "$&" stays literal */
        status.textContent = (r.hits.length ? text('count') : text('none'))
          .replace('{n}', function () { return String(r.hits.length); })
          .replace('{q}', function () { return q; });
        return show(r.hits, 0);
      }).catch(function () {
        if (token === current) status.textContent = text('error');
      });
    }

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var q = input.value.trim();
      if (win.history && win.history.replaceState) {
        win.history.replaceState(null, '', '?q=' + encodeURIComponent(q));
      }
      run(q);
    });
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value.trim()); }, 300);
    });
    var q = new URLSearchParams(win.location.search).get('q');
    if (q) {
      input.value = q;
      run(q.trim());
    }
  }

  return { fold: fold, Engine: Engine, decode: decode, cmp: cmp, init: init };
});
