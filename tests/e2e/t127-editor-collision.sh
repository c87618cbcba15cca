# A page or a static file at the browser editor's /quan-tri/ names the
# editor as the other owner: the `editor:` key of site.yaml at its line
# (not "loa"), in English and Vietnamese; the colliding file is named at a
# line too.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cat >> "$R/site.yaml" <<'YAML'
# trình viết bài trên trình duyệt
editor:
  backend: gitea
  repo: "trung-tam/mam-non"
  base_url: "https://git.example.vn"
YAML
write "$R/content/quan-tri.md" <<'MD'
---
title: "Quản trị"
---
Trang giả.
MD
commit "$R" "2023-03-04T10:00:00+07:00" "Trung tâm" "pgd@example.vn" "trang quản trị giả"
cd "$R" || exit 1
line=$(grep -n '^editor:' site.yaml | cut -d: -f1)
"$LOA" check --lang en --now 2023-03-05 > "$TMP/en" 2>&1
st=$?
cat "$TMP/en"
check "collisions: not clean" [ "$st" -ne 0 ]
check "the page names the editor: key at its line" grep -qF \
	"content/quan-tri.md:2: error: /quan-tri/: output file quan-tri/index.html is already claimed by site.yaml:$line editor: (/quan-tri/)" "$TMP/en"
check "the editor is never named 'loa'" lacks "$TMP/en" "claimed by loa"
"$LOA" check --lang vi --now 2023-03-05 > "$TMP/vi" 2>&1
cat "$TMP/vi"
check "Vietnamese: the page names the editor: key" grep -qF \
	"content/quan-tri.md:2: lỗi: /quan-tri/: tệp xuất bản quan-tri/index.html đã thuộc về site.yaml:$line editor: (/quan-tri/)" "$TMP/vi"

# a static file there: a site error (nothing published) naming both
write "$R/static/quan-tri/config.yml" <<'YML'
backend: { name: test-repo }
YML
commit "$R" "2023-03-04T11:00:00+07:00" "Trung tâm" "pgd@example.vn" "cấu hình giả"
"$LOA" check --lang en --now 2023-03-05 > "$TMP/en" 2>&1
st=$?
cat "$TMP/en"
check "static file at /quan-tri/: nothing published (exit 2)" [ "$st" -eq 2 ]
check "the static file, at line 1, names the editor: key at its line" grep -qF \
	"static/quan-tri/config.yml:1: error: /quan-tri/config.yml: output file quan-tri/config.yml is already claimed by site.yaml:$line editor: (/quan-tri/config.yml)" "$TMP/en"
finish
