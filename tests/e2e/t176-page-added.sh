# A page added changes the key of no render that did not read what it
# changed. Keys name page tables by path (an index moved with every page
# added before it), a theme global is a dep of the renders that read it by
# name, and where every page is (what Markdown links resolve against) a
# dep of the renders that resolved one. So after an article is added: an
# article of another school that reads an unchanged global and links
# nowhere is taken from the cache; a page that shows a global the article
# changed, an article with a Markdown link to a page, and the article
# itself are rendered; a content function (a feed) that lists its school's
# news records that index, so the feed of the article's school is made
# again and another school's is not; and the output equals a full build.
. "$(dirname "$0")/lib.sh"
S="$TMP/site"
basic_site "$S"
write "$S/plugins/dem.lua" <<'LUA'
loa.on("before_render", function()
  loa.global("so_tin", #loa.pages{ kind = "news" })
  -- from a page: plan 175's title
  local title = "?"
  for _, p in ipairs(loa.pages{ kind = "plan" }) do
    if p.number == "175/KH-BGDĐT" then title = p.title end
  end
  loa.global("khau_hieu", "Vì trẻ em: " .. title)
  -- content functions that list a school's news themselves
  for _, slug in ipairs({ "dong-thai", "an-duong" }) do
    loa.add_file{ url = "/dem/" .. slug .. ".txt", content = function()
      local titles = {}
      for _, p in ipairs(loa.pages{ kind = "news", school = slug }) do titles[#titles + 1] = p.title end
      return slug .. ": " .. #titles .. " (" .. table.concat(titles, "; ") .. ")\n"
    end }
  end
  loa.add_file{ url = "/dem/ke-hoach.txt", content = function()
    local titles = {}
    for _, p in ipairs(loa.pages{ kind = "plan" }) do titles[#titles + 1] = p.title end
    return table.concat(titles, "; ") .. "\n"
  end }
end)
LUA
write "$S/themes/default/layouts/news.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main>{{ page.content }}<p class="slogan">{{ khau_hieu }}</p></main></body></html>
HTML
write "$S/themes/default/layouts/school.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main><h1>{{ page.title }}</h1><p class="count">{{ so_tin }} tin</p></main></body></html>
HTML
# an article that links to a plan not written yet (a broken link, for now)
write "$S/content/news/dong-thai/lien-ket.md" <<'MD'
---
title: "Bài có liên kết"
date: 2023-03-01
---
Xem [kế hoạch mới](../../plans/ke-hoach-moi.md).
MD
# the newest article, of the same school as the one added below: the
# added one's only neighbour in date order (related.lua's newer/older)
write "$S/content/news/dong-thai/truoc.md" <<'MD'
---
title: "Bài trước đó"
date: 2023-03-10
---
Bài của trường Đồng Thái.
MD
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD" "pgd@example.vn" "Giao diện"
NOW=2023-05-20
mkdir -p "$TMP/out"
OUT="$TMP/out/public"
BUILD_ENV="LOA_TIMINGS=jobs LOA_DEBUG=memo"
rendered() { sed -n 's/^loa: timing: rendered //p' "$TMP/b.log" | sort > "$TMP/rendered"; }
was_rendered() { grep -qx "$1" "$TMP/rendered"; }
not_rendered() { ! grep -qx "$1" "$TMP/rendered"; }
HOI_THAO=tin-tuc/an-duong/hoi-thao-chuyen-doi-so/index.html
BUA_AN=tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html
AN_DUONG=truong/an-duong/index.html
LIEN_KET=tin-tuc/dong-thai/bai-co-lien-ket/index.html

build
check "first build: exit 0" [ $? -eq 0 ]
check "a school page shows the global" contains "$OUT/$AN_DUONG" "4 tin"
check "an article shows the other global" contains "$OUT/$HOI_THAO" "Vì trẻ em: Kế hoạch tập huấn cốt cán"

write "$S/content/news/dong-thai/ngay-hoi.md" <<'MD'
---
title: "Ngày hội đến trường"
date: 2023-04-05
---
Các bé vui ngày hội.
MD
commit "$S" "2023-04-05T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"
build
check "an article added: exit 0" [ $? -eq 0 ]
rendered
check "the new article is rendered" was_rendered "tin-tuc/dong-thai/ngay-hoi-den-truong/index.html"
check "an article of another school, an unchanged global, no link: from the cache" \
	not_rendered "$HOI_THAO"
check "a page that shows a global the article changed is rendered" was_rendered "$AN_DUONG"
check "... and shows its new value" contains "$OUT/$AN_DUONG" "5 tin"
check "an article with a Markdown link to a page is rendered (where pages are changed)" \
	was_rendered "$BUA_AN"
# the feeds (content functions) of the other school: its index of news did
# not change; the new article's school's feed and the site's did
check "the other school's feed: from the cache" \
	grep -q "memo /truong/an-duong/atom.xml: from the cache" "$TMP/b.log"
check "the article's school's feed: made" \
	grep -q "memo /truong/dong-thai/atom.xml: made and kept" "$TMP/b.log"
check "the news feed: made" grep -q "memo /tin-tuc/atom.xml: made and kept" "$TMP/b.log"
check "the school's feed lists the new article" \
	contains "$OUT/truong/dong-thai/atom.xml" "Ngày hội đến trường"
check "a function listing the other school's news: from the cache" \
	grep -q "memo /dem/an-duong.txt: from the cache" "$TMP/b.log"
check "a function listing the article's school's news: made" \
	grep -q "memo /dem/dong-thai.txt: made and kept" "$TMP/b.log"
check "... and lists it" contains "$OUT/dem/dong-thai.txt" "dong-thai: 4 (Ngày hội đến trường;"
same_as_full "an article added: equals a full build"

# the global the article reads changes (the plan it is made from is
# renamed; the article reads no plan): it is rendered
sed -i 's/^title: .*/title: "Kế hoạch tập huấn mới"/' "$S/content/plans/ke-hoach-175.md"
commit "$S" "2023-04-06T10:00:00+07:00" "Phòng GD" "pgd@example.vn" "Đổi tên kế hoạch"
build
check "a global changed: exit 0" [ $? -eq 0 ]
rendered
check "an article that reads the changed global is rendered" was_rendered "$HOI_THAO"
check "... and shows its new value" contains "$OUT/$HOI_THAO" "Vì trẻ em: Kế hoạch tập huấn mới"
check "an article of the other school (the same global): rendered" was_rendered "$BUA_AN"
check "a school page (no global changed, nothing it read): from the cache" not_rendered "$AN_DUONG"
same_as_full "a global changed: equals a full build"

# the plan the link names is written: the article that links to it is
# rendered (its link now resolves), the one without a link is not
check "the link is broken for now" contains "$OUT/$LIEN_KET" 'href="../../plans/ke-hoach-moi.md"'
write "$S/content/plans/ke-hoach-moi.md" <<'MD'
---
title: "Kế hoạch mới"
number: "20/KH-PGD"
issued: 2022-09-01
---
Tóm tắt.
MD
commit "$S" "2023-04-07T10:00:00+07:00" "Phòng GD" "pgd@example.vn" "Thêm kế hoạch"
build
check "a plan added: exit 0" [ $? -eq 0 ]
rendered
check "the article whose link names it is rendered" was_rendered "$LIEN_KET"
check "... and links to it" contains "$OUT/$LIEN_KET" 'href="/ke-hoach/'
check "an article with no link, no global changed: from the cache" not_rendered "$HOI_THAO"
# the plans' index has one more member (no plan's table changed)
check "a function listing the plans: made" grep -q "memo /dem/ke-hoach.txt: made and kept" "$TMP/b.log"
check "... and lists the new plan" contains "$OUT/dem/ke-hoach.txt" "Kế hoạch mới"
check "a function listing a school's news: from the cache" \
	grep -q "memo /dem/an-duong.txt: from the cache" "$TMP/b.log"
same_as_full "a plan added: equals a full build"
finish
