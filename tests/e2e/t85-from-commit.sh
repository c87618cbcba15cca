#!/bin/sh
# t85 — everything of a site comes from the commit (issue #12, point 1):
# its own plugins, theme layouts, theme static files, i18n and its static/
# folder are read from the tree of the built ref — in a bare repository
# too — and never from the folder on disk behind the commit's back;
# --worktree reads them from disk. Missing themes and plugins say where Loa
# looked. `loa build` says when uncommitted site files are left out, and
# `loa check` checks the work tree.
. "$(dirname "$0")/lib.sh"

R="$TMP/site"
basic_site "$R"
cd "$R" || exit 1

# the site's own plugin, layout override, theme static file, i18n and static/
write "$R/plugins/mine.lua" <<'LUA'
loa.on("before_render", function()
  loa.add_file{ url = "/mine.txt", content = "plugin v1\n" }
end)
LUA
mkdir -p "$R/themes/default/layouts/partials" "$R/themes/default/static/css" "$R/themes/default/i18n" "$R/static"
cp "$ROOT/themes/default/layouts/partials/footer.html" "$R/themes/default/layouts/partials/footer.html"
printf '<p class="own-footer">footer v1</p>\n' >> "$R/themes/default/layouts/partials/footer.html"
printf 'body { color: #123456; }\n' > "$R/themes/default/static/css/own.css"
sed 's/^latest_news: .*/latest_news: "Own home v1"/' "$ROOT/themes/default/i18n/en.yaml" > "$R/themes/default/i18n/en.yaml"
printf 'language: en\n' >> "$R/site.yaml"
printf 'static v1\n' > "$R/static/ghi-chu.txt"
commit "$R" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Giao diện riêng v1"
git -C "$R" tag v1

# v2 changes each of them
printf 'loa.on("before_render", function() loa.add_file{ url = "/mine.txt", content = "plugin v2\\n" } end)\n' > "$R/plugins/mine.lua"
sed -i 's/footer v1/footer v2/' "$R/themes/default/layouts/partials/footer.html"
printf 'body { color: #654321; }\n' > "$R/themes/default/static/css/own.css"
sed -i 's/Own home v1/Own home v2/' "$R/themes/default/i18n/en.yaml"
printf 'static v2\n' > "$R/static/ghi-chu.txt"
commit "$R" "2023-03-04T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Giao diện riêng v2"
git -C "$R" tag v2

# ---- a bare repository: the deploy of docs/deploy.md ----
git clone -q --bare "$R" "$TMP/site.git"
"$LOA" build --repo "$TMP/site.git" --ref main --out "$TMP/bare-out" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "bare: exit 0" [ "$st" -eq 0 ]
check "bare: the site's own plugin runs" grep -qx "plugin v2" "$TMP/bare-out/mine.txt"
check "bare: the site's own layout override" grep -q "footer v2" "$TMP/bare-out/index.html"
check "bare: the rest of the installed theme still used" grep -q "<main" "$TMP/bare-out/index.html"
check "bare: the theme's own static file" grep -q "#654321" "$TMP/bare-out/css/own.css"
check "bare: the installed static files still there" [ -s "$TMP/bare-out/css/style.css" ]
check "bare: the site's static/ folder" grep -qx "static v2" "$TMP/bare-out/ghi-chu.txt"
check "bare: the theme's own i18n" grep -q "Own home v2" "$TMP/bare-out/index.html"

# ---- another ref of a clone: that ref's files, not the disk's ----
"$LOA" build --ref v1 --out "$TMP/v1-out" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "--ref v1: exit 0" [ "$st" -eq 0 ]
check "--ref v1: v1's plugin, not the one on disk" grep -qx "plugin v1" "$TMP/v1-out/mine.txt"
check "--ref v1: v1's layout" grep -q "footer v1" "$TMP/v1-out/index.html"
check "--ref v1: v1's theme static file" grep -q "#123456" "$TMP/v1-out/css/own.css"
check "--ref v1: v1's i18n" grep -q "Own home v1" "$TMP/v1-out/index.html"
check "--ref v1: v1's static/" grep -qx "static v1" "$TMP/v1-out/ghi-chu.txt"

# ---- an uncommitted edit is not published by a plain build ----
printf 'loa.on("before_render", function() loa.add_file{ url = "/mine.txt", content = "plugin dirty\\n" } end)\n' > "$R/plugins/mine.lua"
sed -i 's/footer v2/footer dirty/' "$R/themes/default/layouts/partials/footer.html"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "dirty: exit 0" [ "$st" -eq 0 ]
check "dirty: the committed plugin is published" grep -qx "plugin v2" public/mine.txt
check "dirty: the committed layout is published" grep -q "footer v2" public/index.html
check "dirty: one line says uncommitted files are left out" \
	[ "$(grep -c "uncommitted files .* are not in this build.*--worktree" "$TMP/err")" -eq 1 ]
# --worktree: the files on disk
"$LOA" build --worktree --out "$TMP/wt-out" --now 2023-06-01 2> "$TMP/err"
check "--worktree: the plugin on disk" grep -qx "plugin dirty" "$TMP/wt-out/mine.txt"
check "--worktree: the layout on disk" grep -q "footer dirty" "$TMP/wt-out/index.html"
check "--worktree: no note about uncommitted files" lacks "$TMP/err" "uncommitted"
# the cache is keyed by what was read: a second --worktree build after
# another edit shows it
sed -i 's/footer dirty/footer dirtier/' "$R/themes/default/layouts/partials/footer.html"
"$LOA" build --worktree --out "$TMP/wt-out" --now 2023-06-01 2> "$TMP/err"
check "--worktree rebuild: the edited layout, not a cached page" grep -q "footer dirtier" "$TMP/wt-out/index.html"
git -C "$R" checkout -q -- plugins themes
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
check "clean work tree: no note" lacks "$TMP/err" "uncommitted"

# ---- a plugin committed later is used by the next build of the new commit ----
printf 'loa.on("before_render", function() loa.add_file{ url = "/mine.txt", content = "plugin v3\\n" } end)\n' > "$R/plugins/mine.lua"
commit "$R" "2023-03-05T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin v3"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
check "new commit: its plugin is published" grep -qx "plugin v3" public/mine.txt

# ---- where Loa looked ----
printf 'plugins: [khong-co]\n' >> "$R/site.yaml"
commit "$R" "2023-03-06T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Plugin thiếu"
"$LOA" build --out "$TMP/x" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "missing plugin: exit 2" [ "$st" -eq 2 ]
check "missing plugin: says where Loa looked (commit and installed)" \
	grep -q "plugin 'khong-co' not found (looked in plugins (commit [0-9a-f]\{12\}), .*/plugins)" "$TMP/err"
sed -i '/^plugins:/d' "$R/site.yaml"
printf 'theme: khong-co\n' >> "$R/site.yaml"
commit "$R" "2023-03-07T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Giao diện thiếu"
"$LOA" build --out "$TMP/x" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "missing theme: exit 2" [ "$st" -eq 2 ]
check "missing theme: says where Loa looked" \
	grep -q "theme 'khong-co' not found (looked in themes/khong-co (commit [0-9a-f]\{12\}), .*/themes/khong-co)" "$TMP/err"
sed -i '/^theme:/d' "$R/site.yaml"
commit "$R" "2023-03-08T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Sửa"

# ---- loa check reads what a contributor is about to commit ----
write "$R/content/news/dong-thai/moi.md" <<'MD'
---
title: "Bài mới chưa commit"
date: 2023-05-01
category: khong-ton-tai
---
Nội dung.
MD
"$LOA" check --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "check: reads the uncommitted article" grep -q "content/news/dong-thai/moi.md" "$TMP/err"
check "check: its error fails the check" [ "$st" -ne 0 ]
"$LOA" check --repo "$TMP/site.git" --now 2023-06-01 2> "$TMP/err"
st=$?
check "check on a bare repository: reads the ref, exit 0" [ "$st" -eq 0 ]
finish
