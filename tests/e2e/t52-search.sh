# Search at /tim-kiem/ with no server: the page's contract (form, input,
# results list, noscript), the index files (manifest, term chunks by range,
# metadata groups), every term in the chunk the manifest sends it to, drafts
# left out, same bytes from the same commit; with node: the browser's
# folding (static/js/search.js) equals loa's (ICU) on sample strings, and
# queries run against the built index find "chuyển đổi số" typed with or
# without accents.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
search:
  chunk_bytes: 300
  group: 2
YAML
write "$R/content/schools/an-duong.md" <<'MD'
---
title: "Trường Mầm non An Dương"
district: "Huyện An Dương"
province: "Hải Phòng"
---
Trường có phòng học thông minh.
MD
write "$R/content/news/an-duong/hoi-thao.md" <<'MD'
---
title: "Hội thảo chuyển đổi số trong trường mầm non"
date: 2023-02-17
tags: ["công nghệ"]
---
Các trường tham gia hội thảo về ứng dụng công nghệ thông tin.
MD
write "$R/content/news/an-duong/so-hoa.md" <<'MD'
---
title: "Số hóa hồ sơ chuyên môn"
date: 2023-03-01
---
Giáo viên chuyển sang dùng sổ điện tử; việc đổi mới cần thời gian. Xem [trang](https://example.vn/bi-mat-url).
MD
write "$R/content/news/an-duong/bua-an.md" <<'MD'
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-01-05
summary: "Tóm tắt <b>bữa ăn</b> & \"dinh dưỡng\""
---
Thực đơn cân đối cho trẻ.
MD
write "$R/content/news/an-duong/nhap.md" <<'MD'
---
title: "Bản nháp"
date: 2023-01-06
draft: true
---
Từ khóa riêng xyzzynhap.
MD
# a site plugin that publishes loa.fold (ICU) of each sample line, for the
# comparison with the browser's folding
write "$R/data/fold-samples.txt" <<'TXT'
Hội thảo chuyển đổi số
CHUYỂN ĐỔI SỐ trong Trường Mầm non
ĐẶNG ĐỨC Đồng Thái đường
Tiếng Việt: ả ã ạ ặ ẵ ẳ ỡ ữ ự ỳ ỷ ỹ ỵ Ơ Ư ơ ư
Children’s day — l'école ʼx
Straße Ærø Œuvre Þór Łódź ıi İstanbul
Ωμέγα ΣΊΣΥΦΟΣ Σ
x²³ ½ 4⁄5 ① ٣ 42
한국어 日本語 mixed中文words
a_b-c.d/e+f@g#h
TXT
printf 'Tin tu\314\233\314\201c NFD\n' >> "$R/data/fold-samples.txt"
write "$R/plugins/foldcheck.lua" <<'LUA'
loa.on("before_render", function()
  local text = assert(loa.read("data/fold-samples.txt"))
  local out = {}
  for line in text:gmatch("[^\n]+") do out[#out + 1] = loa.fold(line) end
  loa.add_file{ url = "/fold.txt", content = table.concat(out, "\n") .. "\n" }
end)
LUA
commit "$R" "2023-03-02T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" "Nội dung"
cd "$R"
"$LOA" build --out "$TMP/a" --now 2023-04-01 --quiet
check "build exits 0" [ $? -eq 0 ]
"$LOA" build --out "$TMP/b" --now 2023-04-01 --quiet
O="$TMP/a"
P="$O/tim-kiem/index.html"
check "search page is published" test -s "$P"
check "search form: role=search, GET /tim-kiem/" contains "$P" '<form id="search-form" class="search search-main" role="search" method="get" action="/tim-kiem/">'
check "search input: type=search, id=search-input, name=q" contains "$P" '<input type="search" id="search-input" name="q"'
check "results list" contains "$P" '<ol id="search-results"'
check "a <noscript> tells why no results appear without JavaScript" contains "$P" '<noscript><p class="notice">Ô tìm kiếm cần JavaScript'
check "the script is loaded deferred" contains "$P" '<script src="/js/search.js" defer></script>'
check "the script is published" test -s "$O/js/search.js"
check "the page names the index folder" contains "$P" 'data-index="/tim-kiem/index/"'
check "manifest is published" test -s "$O/tim-kiem/index/manifest.json"
check "term chunks: more than one at chunk_bytes 300" test -s "$O/tim-kiem/index/t/1.json"
check "metadata groups of 2: 4 pages → m/0, m/1" test -s "$O/tim-kiem/index/m/1.json"
check "no third group" test ! -e "$O/tim-kiem/index/m/2.json"
check "same commit, same index bytes" diff -r "$O/tim-kiem" "$TMP/b/tim-kiem"
check "draft words are not indexed" sh -c "! grep -rq xyzzynhap '$O/tim-kiem/index'"
check "link destinations are not indexed" sh -c "! grep -rq '\"bi\"' '$O/tim-kiem/index/t'"

cat > "$TMP/chunks.py" <<'PY'
import bisect, glob, json, os, sys
ix = sys.argv[1]
m = json.load(open(ix + "/manifest.json"))
fails = 0
def check(name, ok):
    global fails
    print(("PASS " if ok else "FAIL ") + name)
    fails += 0 if ok else 1
chunks = m["chunks"]
check("manifest: docs, group, version", m["docs"] == 4 and m["group"] == 2 and len(m["version"]) == 16)
check("chunk first terms are sorted, the first is empty",
      chunks[0] == "" and all(chunks[i].encode() < chunks[i + 1].encode() for i in range(len(chunks) - 1)))
check("one file per chunk", len(glob.glob(ix + "/t/*.json")) == len(chunks))
where, ok = {}, True
for i in range(len(chunks)):
    terms = json.load(open("%s/t/%d.json" % (ix, i)))
    for t in terms:
        # the chunk a browser picks: the last whose first term is <= t
        if bisect.bisect_right([c.encode() for c in chunks], t.encode()) - 1 != i or t in where:
            ok = False
        where[t] = i
check("every term is in the one chunk the manifest points to", ok and len(where) > 20)
for t in ["chuyen", "doi", "so", "hoi", "thao", "cong", "nghe", "dinh", "duong", "an"]:
    check("term %s is indexed" % t, t in where)
check("no accented term", all(t.isascii() for t in where))
metas = [json.load(open(f)) for f in sorted(glob.glob(ix + "/m/*.json"))]
rows = [r for g in metas for r in g]
# the school is dated by its first commit (2 March), the newest
check("metadata: url, title, date, summary; newest first",
      [r[1] for r in rows] == ["Trường Mầm non An Dương", "Số hóa hồ sơ chuyên môn",
                               "Hội thảo chuyển đổi số trong trường mầm non", "Bữa ăn bán trú đảm bảo dinh dưỡng"]
      and rows[1][0] == "/tin-tuc/an-duong/so-hoa-ho-so-chuyen-mon/" and rows[1][2] == "01/03/2023")
check("a default summary from the body, without link destinations",
      rows[1][3].startswith("Giáo viên chuyển sang dùng sổ điện tử") and "bi-mat-url" not in rows[1][3])
check("a front-matter summary, read back exactly", rows[3][3] == 'Tóm tắt <b>bữa ăn</b> & "dinh dưỡng"')
raw = open(ix + "/m/1.json", encoding="utf-8").read()
check("no raw < in metadata", "<" not in raw)
sys.exit(1 if fails else 0)
PY
python3 "$TMP/chunks.py" "$O/tim-kiem/index" || FAILS=$((FAILS + 1))

if command -v node > /dev/null 2>&1; then
	cat > "$TMP/search-test.js" <<'JS'
const S = require(process.argv[2]);
const fs = require('fs');
const out = process.argv[3];
let fails = 0;
function check(name, ok) { console.log((ok ? 'PASS ' : 'FAIL ') + name); if (!ok) fails++; }
const samples = fs.readFileSync(process.argv[4], 'utf8').split('\n').filter(Boolean);
const icu = fs.readFileSync(out + '/fold.txt', 'utf8').split('\n');
samples.forEach((s, i) => {
  const js = S.fold(s);
  check('JS fold = ICU fold: ' + JSON.stringify(s), js === icu[i]);
  if (js !== icu[i]) console.log('  js  ' + JSON.stringify(js) + '\n  icu ' + JSON.stringify(icu[i]));
});
let fetched = [];
const engine = new S.Engine(p => {
  fetched.push(p);
  return Promise.resolve(JSON.parse(fs.readFileSync(out + '/tim-kiem/index/' + p.replace(/\?.*$/, ''), 'utf8')));
});
async function titles(q) {
  const r = await engine.search(q);
  return (await engine.meta(r.hits)).map(m => m.title);
}
(async () => {
  const plain = await titles('chuyen doi so');
  check('"chuyen doi so" finds the article, first', plain[0] === 'Hội thảo chuyển đổi số trong trường mầm non');
  check('"chuyển đổi số" gives the same hits', JSON.stringify(await titles('chuyển đổi số')) === JSON.stringify(plain));
  check('NFD query gives the same hits',
        JSON.stringify(await titles('chuyển đổi số'.normalize('NFD'))) === JSON.stringify(plain));
  check('words are ANDed', JSON.stringify(await titles('chuyen doi so dinh duong')) === '[]');
  check('a word of the body finds its page', (await titles('thuc don')).join() === 'Bữa ăn bán trú đảm bảo dinh dưỡng');
  check('a tag finds its page', (await titles('công nghệ'))[0] === 'Hội thảo chuyển đổi số trong trường mầm non');
  check('a school by its province', (await titles('hai phong')).join() === 'Trường Mầm non An Dương');
  check('the last word matches as a prefix', (await titles('dinh duo')).join() === 'Bữa ăn bán trú đảm bảo dinh dưỡng');
  check('...but not a middle word', (await titles('duo dinh')).length === 0);
  check('a title word ranks above a body word',
        (await titles('so')).indexOf('Số hóa hồ sơ chuyên môn') === 0);
  check('drafts are not found', (await titles('xyzzynhap')).length === 0);
  check('nothing for punctuation only', (await titles('?!')).length === 0);
  fetched = [];
  const e2 = new S.Engine(engine.load);
  await e2.search('dinh duong');
  const m = JSON.parse(fs.readFileSync(out + '/tim-kiem/index/manifest.json', 'utf8'));
  check('a query fetches the manifest and its terms\' chunks only',
        fetched[0] === 'manifest.json' && fetched.length <= 3 &&
        fetched.slice(1).every(p => /^t\/\d+\.json\?v=[0-9a-f]{16}$/.test(p)));
  const want = ['dinh', 'duong'].map(t => {
    let i = 0; while (i + 1 < m.chunks.length && m.chunks[i + 1] <= t) i++; return i; });
  check('...the chunks the manifest names', fetched.slice(1).map(p => +p.match(/\d+/)[0]).sort().join() ===
        [...new Set(want)].sort().join());
  process.exit(fails ? 1 : 0);
})();
JS
	node "$TMP/search-test.js" "$ROOT/themes/default/static/js/search.js" "$O" "$R/data/fold-samples.txt" ||
		FAILS=$((FAILS + 1))
else
	echo "SKIP node is not installed: the JS folding and queries are not checked"
fi
finish
