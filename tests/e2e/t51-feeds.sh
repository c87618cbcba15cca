# Feeds and discovery: Atom 1.0 feeds (RFC 4287) for the site, the news,
# each school and each topic — well-formed, required elements, absolute URLs
# under a sub-path base_url, hostile titles escaped, drafts left out, the
# latest N only, same bytes from the same commit — and sitemap.xml,
# robots.txt and a useful 404.html.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang <thử> & \"mẫu\""
description: "Mô tả"
base_url: "https://example.vn/truong-a/"
feeds:
  limit: 3
YAML
write "$R/content/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
district: "Huyện An Dương"
province: "Hải Phòng"
---
Trường thực hiện mô hình điểm.
MD
write "$R/content/schools/an-duong.md" <<'MD'
---
title: "Trường Mầm non An Dương"
---
Chuyển đổi số.
MD
write "$R/content/schools/tan-tien.md" <<'MD'
---
title: "Trường Mầm non Tân Tiến"
---
Chưa có tin bài.
MD
write "$R/content/news/dong-thai/bua-an.md" <<'MD'
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-03-01
tags: ["dinh dưỡng"]
author: "Cô Lan"
---
Bài viết về **bữa ăn** của các bé, không có tóm tắt riêng.
MD
write "$R/content/news/dong-thai/hostile.md" <<'MD'
---
title: "<script>&\"' tiêu đề"
date: 2023-03-05T08:30:00
lastmod: 2023-03-20T09:00:00+07:00
tags: ["dinh dưỡng", "<b>thẻ</b>"]
summary: "Tóm tắt </summary><x> & nữa"
---
Nội dung.
MD
write "$R/content/news/an-duong/hoi-thao.md" <<'MD'
---
title: "Hội thảo chuyển đổi số"
date: 17/02/2023
lastmod: 2023-02-20T10:00:00+07:00
category: policy
---
Hội thảo.
MD
write "$R/content/news/an-duong/nhap.md" <<'MD'
---
title: "Bản nháp bí mật"
date: 2023-03-10
draft: true
tags: ["dinh dưỡng"]
---
Chưa xong.
MD
write "$R/content/news/thong-bao.md" <<'MD'
---
title: "Thông báo của trung tâm"
date: 2023-01-10
---
Thông báo.
MD
write "$R/content/plans/ke-hoach-175.md" <<'MD'
---
title: "Kế hoạch tập huấn"
issued: 2023-02-17
date: 2022-12-01
---
Tóm tắt kế hoạch.
MD
commit "$R" "2023-03-12T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nội dung"
cd "$R"
"$LOA" build --out "$TMP/a" --now 2023-04-01 --quiet
check "build exits 0" [ $? -eq 0 ]
"$LOA" build --out "$TMP/b" --now 2023-04-01 --quiet
O="$TMP/a"
for f in atom.xml tin-tuc/atom.xml truong/dong-thai/atom.xml truong/an-duong/atom.xml truong/tan-tien/atom.xml \
	chu-de/dinh-duong/atom.xml chu-de/b-the-b/atom.xml; do
	check "feed $f is published" test -s "$O/$f"
	check "feed $f: same commit, same bytes" cmp -s "$O/$f" "$TMP/b/$f"
done
check "a school without news still has a feed" test -s "$O/truong/tan-tien/atom.xml"
check "school page announces its feed in <head>" \
	contains "$O/truong/dong-thai/index.html" 'type="application/atom+xml" title="Trường Mầm non Đồng Thái" href="/truong-a/truong/dong-thai/atom.xml"'
check "topic page announces its feed in <head>" \
	contains "$O/chu-de/dinh-duong/index.html" 'href="/truong-a/chu-de/dinh-duong/atom.xml"'
check "news list announces the news feed" contains "$O/tin-tuc/index.html" 'href="/truong-a/tin-tuc/atom.xml"'
check "every page announces the site feed" contains "$O/index.html" 'href="/truong-a/atom.xml"'
check "the hostile title is never raw in a feed" lacks "$O/atom.xml" '<script>'
check "robots.txt names the sitemap" contains "$O/robots.txt" 'Sitemap: https://example.vn/truong-a/sitemap.xml'
check "404.html links home" contains "$O/404.html" 'href="/truong-a/"'
check "404.html has the search form" contains "$O/404.html" 'action="/truong-a/tim-kiem/"'

cat > "$TMP/feeds.py" <<'PY'
import re, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
BASE = "https://example.vn/truong-a"
A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
fails = 0
def check(name, ok):
    global fails
    print(("PASS " if ok else "FAIL ") + name)
    fails += 0 if ok else 1

def feed(path):
    root = ET.parse(out + "/" + path).getroot()
    return root

def entries(root):
    return root.findall(A + "entry")

def titles(root):
    return [e.findtext(A + "title") for e in entries(root)]

for path in ["atom.xml", "tin-tuc/atom.xml", "truong/dong-thai/atom.xml",
             "truong/an-duong/atom.xml", "truong/tan-tien/atom.xml", "chu-de/dinh-duong/atom.xml",
             "chu-de/b-the-b/atom.xml"]:
    try:
        root = feed(path)
    except ET.ParseError as e:
        check(path + " is well-formed XML (" + str(e) + ")", False)
        continue
    check(path + " is an Atom feed", root.tag == A + "feed")
    check(path + " has id, title, updated, author",
          all(root.find(A + k) is not None for k in ("id", "title", "updated", "author")))
    check(path + " updated is RFC 3339", RFC3339.match(root.findtext(A + "updated") or "") is not None)
    self_links = [l for l in root.findall(A + "link") if l.get("rel") == "self"]
    check(path + " link rel=self is its own absolute URL",
          len(self_links) == 1 and self_links[0].get("href") == BASE + "/" + path)
    check(path + " id is an absolute URL under base_url", (root.findtext(A + "id") or "").startswith(BASE + "/"))
    ok = True
    for e in entries(root):
        for k in ("id", "title", "updated", "published", "author", "summary"):
            if e.find(A + k) is None:
                ok = False
        if not RFC3339.match(e.findtext(A + "updated") or "") or not RFC3339.match(e.findtext(A + "published") or ""):
            ok = False
        alt = [l.get("href") for l in e.findall(A + "link") if l.get("rel") == "alternate"]
        if len(alt) != 1 or not alt[0].startswith(BASE + "/") or e.findtext(A + "id") != alt[0]:
            ok = False
        if not (e.findtext(A + "author/" + A + "name") or "").strip():
            ok = False
    check(path + ": every entry has id, title, updated, published, author, link, summary", ok)
    check(path + " has no draft", "Bản nháp bí mật" not in titles(root))

site = feed("atom.xml")
check("site feed title is the site's (escaped, read back whole)", site.findtext(A + "title") == 'Trang <thử> & "mẫu"')
check("site feed: the latest 3 pages, newest first",
      titles(site) == ["<script>&\"' tiêu đề", "Bữa ăn bán trú đảm bảo dinh dưỡng", "Hội thảo chuyển đổi số"])
hostile = entries(site)[0]
check("hostile title read back exactly", hostile.findtext(A + "title") == "<script>&\"' tiêu đề")
check("hostile summary read back exactly", hostile.findtext(A + "summary") == "Tóm tắt </summary><x> & nữa")
check("hostile tag is a category", any(c.get("label") == "<b>thẻ</b>" and c.get("term") == "b-the-b"
                                        for c in hostile.findall(A + "category")))
check("a date without offset is in the site's zone",
      hostile.findtext(A + "published") == "2023-03-05T08:30:00+07:00")
news = feed("tin-tuc/atom.xml")
check("news feed holds news only, the latest 3",
      titles(news) == ["<script>&\"' tiêu đề", "Bữa ăn bán trú đảm bảo dinh dưỡng", "Hội thảo chuyển đổi số"])
hoi = [e for e in entries(news) if e.findtext(A + "title") == "Hội thảo chuyển đổi số"][0]
check("published from date, updated from lastmod",
      hoi.findtext(A + "published") == "2023-02-17T00:00:00+07:00"
      and hoi.findtext(A + "updated") == "2023-02-20T10:00:00+07:00")
bua = [e for e in entries(news) if e.findtext(A + "title") == "Bữa ăn bán trú đảm bảo dinh dưỡng"][0]
check("an article without summary gets its first paragraph as plain text",
      bua.findtext(A + "summary") == "Bài viết về bữa ăn của các bé, không có tóm tắt riêng.")
check("author from front matter", bua.findtext(A + "author/" + A + "name") == "Cô Lan")
check("entry link is the article's absolute URL",
      bua.findtext(A + "id") == BASE + "/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/")
check("without lastmod, updated is the last commit's date",
      bua.findtext(A + "updated") == "2023-03-12T10:00:00+07:00")
check("feed updated is its newest entry's",
      news.findtext(A + "updated") == "2023-03-20T09:00:00+07:00")
school = feed("truong/dong-thai/atom.xml")
check("school feed holds that school's news only",
      sorted(titles(school)) == sorted(["<script>&\"' tiêu đề", "Bữa ăn bán trú đảm bảo dinh dưỡng"]))
check("school feed's alternate is the school page",
      [l.get("href") for l in school.findall(A + "link") if l.get("rel") == "alternate"] == [BASE + "/truong/dong-thai/"])
check("a school's feed with one article", titles(feed("truong/an-duong/atom.xml")) == ["Hội thảo chuyển đổi số"])
empty = feed("truong/tan-tien/atom.xml")
check("school without news: an empty feed dated --now", entries(empty) == []
      and empty.findtext(A + "updated") == "2023-03-31T17:00:00Z")
tag = feed("chu-de/dinh-duong/atom.xml")
check("topic feed holds the topic's pages",
      titles(tag) == ["<script>&\"' tiêu đề", "Bữa ăn bán trú đảm bảo dinh dưỡng"])

S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
sm = ET.parse(out + "/sitemap.xml").getroot()
locs = [u.findtext(S + "loc") for u in sm.findall(S + "url")]
check("sitemap URLs are absolute under base_url", locs and all(l.startswith(BASE + "/") for l in locs))
for u in ["/", "/tin-tuc/", "/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/", "/truong/dong-thai/",
          "/ke-hoach/ke-hoach-tap-huan/", "/chu-de/dinh-duong/"]:
    check("sitemap lists " + u, BASE + u in locs)
check("sitemap leaves out drafts", not any("ban-nhap" in l for l in locs))
check("sitemap leaves out 404.html and the search page",
      BASE + "/404.html" not in locs and BASE + "/tim-kiem/" not in locs)
lm = [u.findtext(S + "lastmod") for u in sm.findall(S + "url")
      if u.findtext(S + "loc") == BASE + "/tin-tuc/an-duong/hoi-thao-chuyen-doi-so/"]
check("sitemap lastmod of an article", lm == ["2023-02-20T10:00:00+07:00"])
check("sitemap has no duplicate URL", len(locs) == len(set(locs)))
sys.exit(1 if fails else 0)
PY
python3 "$TMP/feeds.py" "$O" || FAILS=$((FAILS + 1))

# feeds.limit must be a positive integer: a plugin error, nothing published
sed -i 's/limit: 3/limit: -1/' "$R/site.yaml"
commit "$R" "2023-03-13T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Cấu hình sai"
"$LOA" build --out "$TMP/c" --now 2023-04-01 --quiet 2> "$TMP/err.txt"
check "a bad feeds.limit stops the build (exit 2)" [ $? -eq 2 ]
check "the error names the setting" contains "$TMP/err.txt" "feeds.limit"
finish
