# Bounded resources (issue 7 item 5), one check per bound not covered
# elsewhere (plugin time and memory: t34, t35; render time and memory:
# t17, t60-hostile-markdown; file count, depth and blob size:
# t60-hostile-tree-limits):
#  - limits.file_size_kb: a file of exactly the limit is read, one byte more
#    is rejected unread;
#  - template recursion: a layout that includes itself and an extends loop
#    stop with "template recursion too deep" naming the layout, no crash;
#  - peak memory grows no faster than the content: the largest process of
#    a build of a 4x corpus stays under 4.5x the peak of the 1x corpus.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"

# ---- per-file size limit ----
cat >> site.yaml <<'YAML'
limits:
  file_size_kb: 2
YAML
python3 - <<'PY'
head = '---\ntitle: "Giới hạn"\ndate: 2023-01-01\n---\n'
for name, size in (("vua-du", 2048), ("thua-mot", 2049)):
    body = "x" * (size - len(head.encode()) - 1) + "\n"
    data = (head + body).encode()
    assert len(data) == size
    open(f"content/news/dong-thai/{name}.md", "wb").write(data)
PY
commit "$R" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "giới hạn"
"$LOA" build --out "$TMP/a" --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "file_size_kb: exit 1" [ "$st" -eq 1 ]
check "file_size_kb: a file of exactly 2048 bytes is published" test -s "$TMP/a/tin-tuc/dong-thai/gioi-han/index.html"
check "file_size_kb: 2049 bytes is 'too large'" grep -q "^content/news/dong-thai/thua-mot.md:1: error: file too large (2049 bytes, limit 2048)" "$TMP/err"
git rm -q content/news/dong-thai/vua-du.md content/news/dong-thai/thua-mot.md
sed -i '/^limits:/,$d' site.yaml
commit "$R" "2023-03-05T09:00:00+07:00" "Trường" "x@example.vn" "bỏ"

# ---- template recursion ----
"$LOA" build --out "$TMP/before" --now 2023-06-01 --quiet
cp -R "$TMP/before" "$TMP/out"
mkdir -p themes/default/layouts
printf '{%% include "news.html" %%}\n' > themes/default/layouts/news.html
printf '{%% extends "vong-b.html" %%}\n' > themes/default/layouts/vong-a.html
printf '{%% extends "vong-a.html" %%}\n' > themes/default/layouts/vong-b.html
printf '{%% extends "vong-a.html" %%}\n' > themes/default/layouts/plan.html
start=$(date +%s)
"$LOA" build --worktree --out "$TMP/out" --now 2023-06-01 2> "$TMP/err"
st=$?
end=$(date +%s)
cat "$TMP/err"
check "template recursion: the build stops (exit 1 or 2), no crash" [ "$st" -eq 1 ] || [ "$st" -eq 2 ]
check "include recursion: named, 'template recursion too deep'" grep -q "layouts/news.html:[0-9]*:.*template recursion too deep" "$TMP/err"
check "extends loop: named, 'template recursion too deep'" grep -q "layouts/vong-[ab].html:[0-9]*:.*template recursion too deep" "$TMP/err"
check "template recursion: bounded (under 20 s)" [ $((end - start)) -lt 20 ]
check "template recursion: no crash or signal" sh -c "! grep -qi -e signal -e crash -e 'stack overflow' '$TMP/err'"
check "template recursion: the published site is whole (old, or new without the bad pages)" \
	test -s "$TMP/out/truong/dong-thai/index.html"
rm -rf themes

# ---- peak memory against content size ----
# gen DIR N: a site of N news articles of ~4 KB in 10 schools
gen() {
	new_repo "$1"
	python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{d}/content/schools", exist_ok=True)
open(f"{d}/site.yaml", "w").write('title: "Đo bộ nhớ"\n')
for s in range(10):
    open(f"{d}/content/schools/truong-{s}.md", "w").write(f'---\ntitle: "Trường số {s}"\nprovince: "Hải Phòng"\n---\nx\n')
for i in range(n):
    s = i % 10
    os.makedirs(f"{d}/content/news/truong-{s}", exist_ok=True)
    body = "\n\n".join(f"Đoạn {j} bài {i}: các bé học vẽ, hát, múa và *chơi* ngoài sân trường." for j in range(50))
    with open(f"{d}/content/news/truong-{s}/bai-{i:05d}.md", "w") as f:
        f.write(f'---\ntitle: "Bài {i}"\ndate: 2022-{i % 12 + 1:02d}-{i % 28 + 1:02d}\ntags: ["thẻ {i % 40}"]\n---\n{body}\n')
PY
	commit "$1" "2023-03-05T08:00:00+07:00" "Trường" "x@example.vn" "$2 bài"
}
peak() { # peak RSS in KB of the largest process of a build of site $1
	/usr/bin/time -f '%M' -o "$TMP/rss" "$LOA" build --repo "$1" --out "$1.out" --now 2023-06-01 --quiet --jobs 1 2> "$TMP/err" || cat "$TMP/err"
	tail -n 1 "$TMP/rss"
}
gen "$TMP/m1" 300
gen "$TMP/m4" 1200
m1=$(peak "$TMP/m1")
m4=$(peak "$TMP/m4")
c1=$(du -sk "$TMP/m1/content" | cut -f1)
c4=$(du -sk "$TMP/m4/content" | cut -f1)
echo "content ${c1} KB -> ${c4} KB; peak RSS ${m1} KB -> ${m4} KB"
check "peak memory measured for both builds" [ "${m1:-0}" -gt 0 ] && [ "${m4:-0}" -gt 0 ]
check "4x the content: peak memory under 4.5x" [ $((m4 * 10)) -le $((m1 * 45)) ]
check "4x the content: the build published every page" [ "$(find "$TMP/m4.out/tin-tuc" -name index.html | wc -l)" -ge 1200 ]
finish
