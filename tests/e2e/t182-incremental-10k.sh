#!/bin/sh
# Incremental builds at 10,000 pages (issue #14): the random-edit test of
# t48 and t98 on a site of the bench's size, with the shipped plugins
# (related articles, neighbours, feeds, search chunks, paginated lists,
# reports, schools' and plans' pages). A seeded series of edits of the
# kinds plugins read (titles, tags, dates, summaries, drafts, an article
# moved to another school, articles added and deleted, a school page, a
# plan's activities, the site's title, bodies), several files and two
# kinds a commit, as a push brings them; after each, the output is identical,
# byte for byte, to a full build with --no-cache. An article with a tag no
# page had leaves four pages in five in the cache; a body edit re-renders one page
# and takes every other from the cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
new_repo "$S"
# 300 schools, 9,400 articles in their folders (dates over three years,
# 2 or 3 of 30 tags, a summary, some a category and a link to another
# school), 300 plans with activities: 10,000 pages
python3 - "$S" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(14)
def write(path, text):
    path = os.path.join(root, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
write("site.yaml", 'title: "Trang thử mười nghìn trang"\nbase_url: "https://example.vn/"\npage_size: 20\n')
words = ("trẻ cô giáo lớp học bữa ăn dinh dưỡng vui chơi hoạt động ngoài trời phụ huynh "
         "kỹ năng sống chuyển đổi số mô hình điểm trường học hạnh phúc an toàn").split()
tags = [f"chủ đề {k}" for k in range(30)]
cats = ["policy", "activity", "practice", "parents"]
provinces = ["Hải Phòng", "Hà Nội", "Nghệ An", "Cần Thơ", "Đà Nẵng"]
def text(n):
    return " ".join(rnd.choice(words) for _ in range(n)).capitalize() + "."
for s in range(300):
    models = "" if s % 3 else (f'models:\n  - {{ title: "Mô hình {s % 7}", year: "2022-2023", '
                                f'level: "huyện" }}\n')
    write(f"content/schools/truong-{s:03d}.md",
          f'---\ntitle: "Trường Mầm non Số {s}"\ndistrict: "Quận {s % 12}"\n'
          f'province: "{provinces[s % 5]}"\n{models}---\n{text(40)}\n')
for i in range(9400):
    s = rnd.randrange(300)
    y, m, d = 2020 + rnd.randrange(3), 1 + rnd.randrange(12), 1 + rnd.randrange(28)
    tl = ", ".join(f'"{t}"' for t in rnd.sample(tags, 2 + rnd.randrange(2)))
    cat = f"category: {rnd.choice(cats)}\n" if i % 4 == 0 else ""
    link = f"\n\nXem [trường bạn](../../schools/truong-{(s + 1) % 300:03d}.md)." if i % 50 == 0 else ""
    write(f"content/news/truong-{s:03d}/bai-{i:04d}.md",
          f'---\ntitle: "Bài {i}: {text(6)[:-1]}"\ndate: {y}-{m:02d}-{d:02d}\ntags: [{tl}]\n'
          f'summary: "{text(12)}"\n{cat}---\n{text(60)}\n\n## Hoạt động\n\n{text(50)}{link}\n')
for p in range(300):
    acts = "".join(f'  - {{ id: {a + 1}, name: "{text(3)[:-1]}", lead: "Tổ {a}", due: 2023-{a + 3:02d} }}\n'
                   for a in range(1 + p % 3))
    write(f"content/plans/ke-hoach-{p:03d}.md",
          f'---\ntitle: "Kế hoạch {p}: {text(4)[:-1]}"\nnumber: "{p + 1}/KH-PGD"\n'
          f'issued: {2020 + p % 3}-0{1 + p % 9}-15\nactivities:\n{acts}---\n{text(40)}\n')
PY
commit "$S" "2023-04-01T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Mười nghìn trang"
check "the site has 10,000 pages" test "$(git -C "$S" ls-files 'content/*.md' | wc -l)" -eq 10000

inc_setup

build_inc
check "first build publishes" test $? -le 1
same_as_full "first build"

seed=182 # of rand
pick() { # an existing article, in $f
	rand 9400
	f=$(ls "$S"/content/news/*/bai-"$(printf %04d "$r")".md 2> /dev/null | head -1)
	[ -n "$f" ] || f=$(ls "$S"/content/news/*/*.md | head -1)
}
n=0
# two kinds of edit a push, each on three articles (schools, plans):
# every kind at least once (t98 runs each alone, twice, on a small site).
# A full build after each push is what the test costs. The pushes that
# change a few pages (bodies, a plan, titles, summaries, a school) come
# between those that change every page (an article added as the newest,
# dates, tags, a move, the site's title: each page shows the latest news,
# the tags and the schools), so that pages are kept from the standby site
# while others beside them change.
for kinds in "10 11" "0 3" "6 2" "8 7" "4 0" "1 5" "9 3"; do
	n=$((n + 1))
	for kind in $kinds; do
		for k in 1 2 3; do
			pick
			case $kind in
			0) sed -i "s/^title: .*/title: \"Tiêu đề mới lần $n.$k\"/" "$f" ;;
			1) rand 30; sed -i "s/^tags: .*/tags: [\"chủ đề $r\", \"mới $n\"]/" "$f" ;;
			2) rand 28; sed -i "s/^date: .*/date: 2023-0$((k + 1))-$(printf %02d $((r + 1)))/" "$f" ;;
			3) sed -i "s/^summary: .*/summary: \"Tóm tắt mới lần $n.$k.\"/" "$f" ;;
			4) if grep -q '^draft: true' "$f"; then sed -i '/^draft: true/d' "$f"
			   else sed -i "s/^title: /draft: true\ntitle: /" "$f"; fi ;;
			5) rand 300; to="$S/content/news/truong-$(printf %03d "$r")"
			   mkdir -p "$to"
			   [ -e "$to/$(basename "$f")" ] || git -C "$S" mv "$f" "$to/$(basename "$f")" ;;
			6) rand 300
			   write "$S/content/news/truong-$(printf %03d "$r")/moi-$n-$k.md" <<-MD
	---
	title: "Bài mới lần $n.$k"
	date: 2023-05-$(printf %02d $((n % 19 + 1)))
	tags: ["chủ đề $k", "mới"]
	summary: "Một bài mới."
	---
	Nội dung bài mới lần $n.$k.
	MD
			   ;;
			7) git -C "$S" rm -q "$f" ;;
			8) rand 300; school="$S/content/schools/truong-$(printf %03d "$r").md"
			   printf '\nTrường cập nhật lần %s.\n' "$n" >> "$school"
			   sed -i "s/^title: .*/title: \"Trường Mầm non Số $r (lần $n)\"/" "$school" ;;
			9) sed -i "s/^title: .*/title: \"Trang thử lần $n\"/" "$S/site.yaml" ;;
			10) printf '\nMột đoạn thêm ở lần sửa %s.\n' "$n" >> "$f" ;;
			11) rand 300; plan="$S/content/plans/ke-hoach-$(printf %03d "$r").md"
			   sed -i "s/due: 2023-03/due: 2023-0$((k + 5))/" "$plan" ;;
			esac
		done
	done
	commit "$S" "2023-05-$(printf %02d $((n % 19 + 1)))T10:00:00+07:00" "Trường Số $n" \
		"bbt@truong.example.vn" "Sửa $n"
	build_inc
	st=$?
	check "push $n (kinds $kinds): the build publishes" test "$st" -le 1
	same_as_full "push $n (kinds $kinds): incremental equals full"
done

# an article with a tag no page had: the tag's pages and feed are new, and
# the lists and neighbours that show the article change; every page reads
# its own entry of the feeds' global (feed_urls[page.url]), which did not
# change, so a new tag leaves more than four pages in five in the cache
# (11,736 of 13,764; 9,406 when the list pages read the whole global, as
# every page once did: none then)
rand 300
write "$S/content/news/truong-$(printf %03d "$r")/chu-de-moi.md" <<MD
---
title: "Bài có một chủ đề mới"
date: 2021-06-15
tags: ["chủ đề 3", "chủ đề chưa có"]
summary: "Một chủ đề mới."
---
Nội dung bài có chủ đề mới.
MD
commit "$S" "2023-05-18T12:00:00+07:00" "Trường Số 2" "bbt@truong.example.vn" "Chủ đề mới"
build_inc
set -- $(inc_cached)
check "a new tag: four pages in five from the cache (${1:-?} of ${2:-?})" test "${1:-0}" -gt $((${2:-0} * 4 / 5))
same_as_full "a new tag: incremental equals full"

# one body edit re-renders only its article: every other page from the cache
pick
printf '\nĐoạn cuối.\n' >> "$f"
commit "$S" "2023-05-19T12:00:00+07:00" "Trường Số 1" "bbt@truong.example.vn" "Sửa thân bài"
build_inc
set -- $(inc_cached)
check "body edit: all pages but one from the cache (${1:-?} of ${2:-?})" test "${1:-0}" -eq $((${2:-0} - 1))
check "body edit: more than 10,000 pages kept" test "${1:-0}" -gt 10000
same_as_full "body edit: incremental equals full"

finish
