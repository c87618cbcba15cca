#!/bin/sh
# Renders that reach pages through plugin code depend on every page (issue
# #14): a page's render records the page tables it reads, but a plugin's
# filter, a function a plugin gave as a global, or a plugin table whose
# metamethod runs plugin code may read any page unseen (loa.pages), so
# calling one, or a shortcode, records "everything" (template_runtime.c:
# FL, CALL, watch; plugin/sitelua_deps.c, sitelua_render.c). Fields a plugin sets on page tables are in the
# page's table key. Here the school an-duong's title is edited: each
# article that shows it only through one of those paths is rendered again
# and the output is byte for byte a --no-cache build's; an article that
# reads nothing of the school stays in the cache.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
for l in f g m s p; do
	write "$S/content/news/dong-thai/bai-$l.md" <<MD
---
title: "Bài $l"
slug: bai-$l
layout: "$l"
date: 2023-04-01
---
Nội dung bài $l.
MD
done
# a shortcode (shortcodes.lua) showing the school
write "$S/content/news/dong-thai/bai-t.md" <<'MD'
---
title: "Bài t"
slug: bai-t
layout: "p"
date: 2023-04-01
---
{{< truong an-duong >}}
MD
write "$S/plugins/ten.lua" <<'LUA'
local function school_title(slug)
  for _, p in ipairs(loa.pages{ kind = "school" }) do
    if p.slug == slug then return p.title end
  end
  return ""
end
loa.filter("ten_truong", school_title)
loa.global("truong_dau", function() return school_title("an-duong") end)
loa.global("ten", setmetatable({}, { __index = function(_, k) return school_title(k) end }))
loa.on("before_render", function()
  local t = school_title("an-duong")
  for _, p in ipairs(loa.pages{ kind = "news" }) do
    if p.params.layout == "s" then p.ten_truong_cua_bai = "Của " .. t end
  end
end)
LUA
mini_layout f '{{ "an-duong" | ten_truong }}'
mini_layout g '{{ truong_dau() }}'
mini_layout m '{{ ten["an-duong"] }}'
mini_layout s '{{ page.ten_truong_cua_bai }}'
mini_layout p '{{ page.slug }}'
commit "$S" "2023-04-30T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Thêm bài"

NOW=2023-05-20
INC="$TMP/inc/public"
OUT=$INC # what lib.sh's same_as_full compares
mkdir -p "$TMP/inc"
build_inc() {
	LOA_TIMINGS=jobs "$LOA" build --repo "$S" --out "$INC" --now "$NOW" --lang en \
		> "$TMP/inc.out" 2> "$TMP/inc.log"
}
rendered() { sed -n 's/^loa: timing: rendered //p' "$TMP/inc.log" | sort; }
page() { echo "tin-tuc/dong-thai/bai-$1/index.html"; }

build_inc
check "first build publishes" test $? -eq 0
same_as_full "first build equals full"
for l in f g m s; do
	check "bài $l shows the school's title" contains "$INC/$(page $l)" "Trường Mầm non An Dương"
done

sed -i 's/^title: .*/title: "Trường Mầm non An Dương Mới"/' "$S/content/schools/an-duong.md"
commit "$S" "2023-05-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Sửa tên trường"
build_inc
check "school title edit publishes" test $? -eq 0
same_as_full "school title edit: incremental equals full"
rendered > "$TMP/rendered"
check "the school page is rendered" grep -qx 'truong/an-duong/index.html' "$TMP/rendered"
check "a plugin filter: rendered" grep -qx "$(page f)" "$TMP/rendered"
check "a plugin filter: shows the new title" contains "$INC/$(page f)" "An Dương Mới"
check "a plugin's function: rendered" grep -qx "$(page g)" "$TMP/rendered"
check "a plugin's function: shows the new title" contains "$INC/$(page g)" "An Dương Mới"
check "a plugin's metamethod: rendered" grep -qx "$(page m)" "$TMP/rendered"
check "a plugin's metamethod: shows the new title" contains "$INC/$(page m)" "An Dương Mới"
check "a field a plugin set: rendered" grep -qx "$(page s)" "$TMP/rendered"
check "a field a plugin set: shows the new title" contains "$INC/$(page s)" "Của Trường Mầm non An Dương Mới"
check "a shortcode: rendered" grep -qx "$(page t)" "$TMP/rendered"
check "a shortcode: shows the new title" contains "$INC/$(page t)" "An Dương Mới"
check "a page reading nothing of the school: from the cache" sh -c "! grep -qx '$(page p)' '$TMP/rendered'"

finish
