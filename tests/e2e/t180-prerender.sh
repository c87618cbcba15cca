#!/bin/sh
# A build that renders most pages (a first build, --no-cache) has the
# content pages' Markdown rendered ahead by a helper process while the
# builder runs the plugins (pipeline/prerender.c). What it made must be
# what the workers would have made: the same pages, byte for byte, and
# the same diagnostics; a page whose body holds a shortcode or an image is
# left to the workers; a link it resolved makes the page depend on where
# every page is, as a worker's would (an edit of the linked page's URL
# renders it again). Rebuilds and --jobs 1 start no helper.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
# enough articles for the helper (64 content pages at least), each with
# Vietnamese headings (their ids are slugs made with ICU)
i=1
while [ $i -le 70 ]; do
	write "$S/content/news/dong-thai/bai-$i.md" <<MD
---
title: "Bài số $i về hoạt động của trường"
date: 2023-01-$(printf %02d $(( (i % 28) + 1 )))
---
## Hoạt động ngoài trời số $i

Các bé chơi **vận động** và [xem hội thảo](../an-duong/hoi-thao.md).

### Ghi chú
MD
	i=$((i + 1))
done
# a link resolved against the site, one broken, raw HTML removed, a
# bundle's file, invalid UTF-8: each gives the same HTML and warnings
write "$S/content/news/dong-thai/lien-ket.md" <<'MD'
---
title: "Bài có liên kết"
date: 2023-02-01
---
Xem [bài một](bai-1.md), [không có](khong-co.md) và <b onclick="x()">đậm</b>.
MD
mkdir -p "$S/content/news/an-duong/tai-lieu"
write "$S/content/news/an-duong/tai-lieu/index.md" <<'MD'
---
title: "Tài liệu tập huấn"
date: 2023-02-02
---
Tải [kế hoạch](ke-hoach.pdf).
MD
printf '%%PDF-1.4\n' > "$S/content/news/an-duong/tai-lieu/ke-hoach.pdf"
printf -- '---\ntitle: "Mã lỗi"\ndate: 2023-02-03\n---\nChữ \377 hỏng.\n' \
	> "$S/content/news/dong-thai/ma-loi.md"
# left to the workers: a shortcode (plugin code) and an image (sizes from
# the image stage)
write "$S/content/news/dong-thai/the-truong.md" <<'MD'
---
title: "Giới thiệu trường"
date: 2023-02-04
---
{{< truong an-duong >}}
MD
mkdir -p "$S/content/news/dong-thai/anh"
write "$S/content/news/dong-thai/anh/index.md" <<'MD'
---
title: "Ảnh hoạt động"
date: 2023-02-05
---
![Các bé](a.png)
MD
png "$S/content/news/dong-thai/anh/a.png"
commit "$S" "2023-03-03T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nhiều bài"

NOW=2023-05-20
built() { # built DIR ENV... : a first build of $S into DIR/public
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	env "$@" "$LOA" build --repo "$S" --out "$dir/public" --now "$NOW" --jobs 2 --lang en \
		> "$dir.out" 2> "$dir.log"
}
# the diagnostics a build printed, without its timings
diags() { grep -v '^loa: timing' "$1" | sed 's/[0-9.]* s$//' | sort; }

built "$TMP/off" LOA_PRERENDER=0 LOA_TIMINGS=1
check "off: builds" test -s "$TMP/off/public/index.html"
check "off: no helper" lacks "$TMP/off.log" "prerendered"
check "off: the broken link is warned about" contains "$TMP/off.log" "khong-co.md"

built "$TMP/on" LOA_PRERENDER=wait LOA_TIMINGS=1
# 75 articles of content/news and the basic site's two schools, two
# news and a plan: 80 content pages, of which two are left to the workers
check "on: the helper made every page but the shortcode's and the image's" \
	contains "$TMP/on.log" "prerendered  78 of 80 pages' Markdown"
check "on: the same site, byte for byte" diff -r "$TMP/on/public" "$TMP/off/public"
diags "$TMP/on.log" > "$TMP/on.diags"
diags "$TMP/off.log" > "$TMP/off.diags"
check "on: the same diagnostics" diff "$TMP/on.diags" "$TMP/off.diags"
check "on: the invalid UTF-8 is warned about" grep -q "ma-loi.md" "$TMP/on.diags"
check "on: the shortcode rendered by a worker" \
	contains "$TMP/on/public/tin-tuc/dong-thai/gioi-thieu-truong/index.html" "school-card"
check "on: the heading's id, from ICU" \
	contains "$TMP/on/public/tin-tuc/dong-thai/bai-so-7-ve-hoat-dong-cua-truong/index.html" \
	'id="hoat-dong-ngoai-troi-so-7"'

# the helper stopped whenever the plugins end (the default): the same site
built "$TMP/kill" LOA_TIMINGS=1
check "killed: the same site" diff -r "$TMP/kill/public" "$TMP/off/public"
env LOA_TIMINGS=1 "$LOA" build --repo "$S" --out "$TMP/j1b/public" --now "$NOW" --jobs 1 \
	--lang en > /dev/null 2> "$TMP/j1b.log"
check "--jobs 1: builds without it" lacks "$TMP/j1b.log" "prerendered"

# a page whose link the helper resolved depends on where the linked page
# is: the linked article's URL changes, the page shows the new one
OUT="$TMP/on/public"
BUILD_ENV="LOA_PRERENDER=wait LOA_TIMINGS=1"
sed -i 's/^title: "Bài số 1 về hoạt động của trường"$/title: "Bài số 1 về hoạt động của trường"\nslug: bai-mot-moi/' \
	"$S/content/news/dong-thai/bai-1.md"
commit "$S" "2023-03-04T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Đổi địa chỉ"
build
check "rebuild: no helper (the parsed files come from the cache)" lacks "$TMP/b.log" "prerendered"
check "rebuild: the link to the moved article follows it" \
	contains "$OUT/tin-tuc/dong-thai/bai-co-lien-ket/index.html" "/tin-tuc/dong-thai/bai-mot-moi/"
# (a --no-cache build keeps its images' cache beside the output: not
# same_as_full, which checks there is none)
mkdir -p "$TMP/nc"
"$LOA" build --repo "$S" --out "$TMP/nc/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2>&1
check "rebuild: equals --no-cache" diff -r "$OUT" "$TMP/nc/public"
finish
