# Search at scale: a word in most pages is indexed as a bitmap of the
# documents (a character per 6) with its weights in a file of their own
# (w/K.json), so that no term file outgrows a bitmap of the site; the
# browser's search (static/js/search.js, run here by node) decodes it, ranks
# by those weights, and when a query has used its download budget counts the
# common word alike everywhere and finds the same pages.
. "$(dirname "$0")/lib.sh"
command -v node > /dev/null 2>&1 || { echo "PASS node missing: skipped"; exit 0; }
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
plugins: [search]
YAML
write "$R/content/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
---
Trường.
MD
# 600 articles; every body says "dinh dưỡng", article 123's title too;
# "hiếm" is in three of them
mkdir -p "$R/content/news/dong-thai"
i=1
while [ $i -le 600 ]; do
	title="Bài số $i"
	[ $i -eq 123 ] && title="Bài số $i về dinh dưỡng"
	extra=""
	case $i in 5|300|555) extra=" Một từ hiếm." ;; esac
	printf -- '---\ntitle: "%s"\ndate: 2023-01-%02d\n---\nBữa ăn dinh dưỡng cho trẻ.%s\n' \
		"$title" $(( (i % 28) + 1 )) "$extra" > "$R/content/news/dong-thai/bai-$i.md"
	i=$((i + 1))
done
commit "$R" "2023-03-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nhiều bài"
cd "$R"
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "the site builds" [ "$st" -eq 0 ]
I=public/tim-kiem/index
cat > "$TMP/files.py" <<'PY'
import json, os, sys
ix = sys.argv[1]
m = json.load(open(os.path.join(ix, "manifest.json")))
terms = {}
for name in os.listdir(os.path.join(ix, "t")):
    terms.update(json.load(open(os.path.join(ix, "t", name))))
what = sys.argv[2]
bitmap = (m["docs"] + 5) // 6
if what == "dense":
    p = terms["dinh"]
    assert p.startswith("~"), p[:20]
    k = int(p[1:p.index("~", 1)])
    w = json.load(open(os.path.join(ix, "w", "%d.json" % k)))
    assert len(w) == m["docs"] - 1, (len(w), m["docs"])  # every article, not the school
elif what == "sparse":
    assert not terms["hiem"].startswith("~")
elif what == "bounded":
    for t, p in terms.items():
        assert len(p) <= bitmap + 256 + 16, (t, len(p), bitmap)
elif what == "v2":
    assert m["v"] == 2
PY
check "a word in every article is a bitmap, its weights in w/K.json" python3 "$TMP/files.py" "$I" dense
check "a rare word stays a list" python3 "$TMP/files.py" "$I" sparse
check "no term's postings longer than a bitmap of the site (+256)" python3 "$TMP/files.py" "$I" bounded
check "manifest version 2" python3 "$TMP/files.py" "$I" v2

cat > "$TMP/q.js" <<'JS'
const S = require(process.argv[2]);
const fs = require('fs');
const dir = process.argv[3] + '/tim-kiem/index/';
let fails = 0;
function check(name, ok) { console.log((ok ? 'PASS ' : 'FAIL ') + name); if (!ok) fails++; }
function engine(log) {
  return new S.Engine(p => {
    log.push(p.replace(/\?.*$/, ''));
    return Promise.resolve(JSON.parse(fs.readFileSync(dir + p.replace(/\?.*$/, ''), 'utf8')));
  });
}
(async () => {
  let log = [];
  const e = engine(log);
  const r = await e.search('dinh duong');
  const meta = await e.meta(r.hits.slice(0, 3));
  check('a common word finds every article', r.hits.length === 600);
  check('...its weights fetched', log.some(p => /^w\/\d+\.json$/.test(p)));
  check('...the article with it in its title first', meta[0].title === 'Bài số 123 về dinh dưỡng');
  const rare = await e.search('dinh hiem');
  check('AND with a rare word: its three articles', rare.hits.length === 3);
  log = [];
  const poor = engine(log);
  await poor.ready();
  poor.bytes = 1e9; // the budget used up
  const r2 = await poor.search('dinh duong');
  check('over the budget: the same articles found', r2.hits.length === 600 &&
        [...r2.hits].sort((a, b) => a - b).join() === [...r.hits].sort((a, b) => a - b).join());
  check('...without fetching weights', !log.some(p => /^w\//.test(p)));
  log = [];
  const pre = engine(log);
  const r3 = await pre.search('bua an din');
  check('a prefix over a common word', r3.hits.length === 600);
  process.exit(fails ? 1 : 0);
})();
JS
node "$TMP/q.js" "$ROOT/themes/default/static/js/search.js" public || FAILS=$((FAILS + 1))
finish
