# The sitemap split (sitemaps.org: at most 50,000 URLs a file): above
# limits.sitemap_urls URLs, sitemap.xml is a sitemap index of
# sitemap-1.xml, sitemap-2.xml, … and every URL is in exactly one part.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
i=1
while [ $i -le 30 ]; do
	write "content/news/dong-thai/bai-$i.md" <<MD
---
title: "Bài số $i"
date: 2023-01-$(printf %02d $(( (i % 28) + 1 )))
---
Nội dung bài $i.
MD
	i=$((i + 1))
done
write content/trang-sitemap.md <<'MD'
---
title: "Chiếm phần sitemap"
slug: "sitemap-2.xml"
---
Trang.
MD
commit "$R" "2023-03-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nhiều bài"

# the whole sitemap in one file: the reference list of URLs
"$LOA" build --out "$TMP/one" --now 2023-06-01 --quiet 2> "$TMP/err1"
st=$?
cat "$TMP/err1"
check "a page cannot take /sitemap-2.xml (a part of a split sitemap)" grep -q "^content/trang-sitemap.md:[0-9:]* error: .*reserved" "$TMP/err1"
check "below the limit: exit 1 (the rejected page only)" [ "$st" -eq 1 ]
check "below the limit: one urlset" contains "$TMP/one/sitemap.xml" '<urlset'
check "below the limit: no parts" [ ! -e "$TMP/one/sitemap-1.xml" ]

printf 'limits:\n  sitemap_urls: 7\n' >> site.yaml
commit "$R" "2023-03-04T10:00:00+07:00" "Phòng" "pgd@example.vn" "Chia sitemap"
"$LOA" build --out "$TMP/split" --now 2023-06-01 --quiet 2> "$TMP/err2"
st=$?
cat "$TMP/err2"
check "split build exits 1 (the same rejected page)" [ "$st" -eq 1 ]
check "robots.txt still names sitemap.xml" contains "$TMP/split/robots.txt" 'Sitemap: https://example.vn/sitemap.xml'
check "the parts are not pages of their own" [ ! -e "$TMP/split/sitemap-2.xml/index.html" ]

cat > "$TMP/check.py" <<'PY'
import sys, os, re, xml.etree.ElementTree as ET
one, split, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
def locs(path):
    root = ET.parse(path).getroot()
    assert root.tag == NS + "urlset", root.tag
    return [u.find(NS + "loc").text for u in root.findall(NS + "url")]
ref = locs(os.path.join(one, "sitemap.xml"))
idx = ET.parse(os.path.join(split, "sitemap.xml")).getroot()
check = sys.argv[4]
if check == "index":
    assert idx.tag == NS + "sitemapindex", idx.tag
    parts = [s.find(NS + "loc").text for s in idx.findall(NS + "sitemap")]
    want = ["https://example.vn/sitemap-%d.xml" % (i + 1) for i in range(len(parts))]
    assert parts == want, parts
    assert len(parts) == -(-len(ref) // limit), (len(parts), len(ref))
    names = sorted(f for f in os.listdir(split) if re.fullmatch(r"sitemap-\d+\.xml", f))
    assert len(names) == len(parts), names
elif check == "sizes":
    n = len([f for f in os.listdir(split) if re.fullmatch(r"sitemap-\d+\.xml", f)])
    for i in range(1, n + 1):
        assert 0 < len(locs(os.path.join(split, "sitemap-%d.xml" % i))) <= limit
elif check == "once":
    n = len([f for f in os.listdir(split) if re.fullmatch(r"sitemap-\d+\.xml", f)])
    got = []
    for i in range(1, n + 1):
        got += locs(os.path.join(split, "sitemap-%d.xml" % i))
    assert len(got) == len(set(got)), "a URL twice"
    assert sorted(got) == sorted(ref), (set(ref) ^ set(got))
    # every published article is listed
    for k in range(1, 31):
        assert "https://example.vn/tin-tuc/dong-thai/bai-so-%d/" % k in got, k
elif check == "lastmod":
    assert "<lastmod>" in open(os.path.join(split, "sitemap-1.xml")).read()
PY
check "more than 7 URLs in the reference sitemap" [ "$(grep -c '<url>' "$TMP/one/sitemap.xml")" -gt 21 ]
check "sitemap.xml is an index of sitemap-1.xml … sitemap-N.xml" python3 "$TMP/check.py" "$TMP/one" "$TMP/split" 7 index
check "each part is a urlset of 1 to 7 URLs" python3 "$TMP/check.py" "$TMP/one" "$TMP/split" 7 sizes
check "every page URL in exactly one part" python3 "$TMP/check.py" "$TMP/one" "$TMP/split" 7 once
check "parts keep lastmod" python3 "$TMP/check.py" "$TMP/one" "$TMP/split" 7 lastmod

# the limit is sitemaps.org's at most
sed -i 's/sitemap_urls: 7/sitemap_urls: 50001/' site.yaml
commit "$R" "2023-03-05T10:00:00+07:00" "Phòng" "pgd@example.vn" "Quá giới hạn"
"$LOA" build --out "$TMP/bad" --now 2023-06-01 --quiet 2> "$TMP/err3"
st=$?
check "limits.sitemap_urls above 50,000 stops the build" [ "$st" -eq 2 ]
check "… naming the key" grep -q "sitemap_urls" "$TMP/err3"
finish
