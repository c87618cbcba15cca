# Scheduling without cron: `loa build` says when the site would next change
# by itself, strictly after --now: a future-dated article appearing, or a
# plan activity's status turning (plans.lua, through loa.next_change), or
# what a site's own plugin declares; `--format json` gives it to scripts.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
cd "$R"
# the plan: activity 1 due in May 2023 (basic_site), a done one in April
# (never changes), one due on a day in July
write content/plans/ke-hoach-175.md <<'MD'
---
title: "Kế hoạch tập huấn cốt cán"
number: "175/KH-BGDĐT"
issued: 2023-02-17
activities:
  - { id: 1, name: "Tập huấn", lead: "Vụ GDMN", due: 2023-05 }
  - { id: 2, name: "Báo cáo", due: 2023-04-15, done: true }
  - { id: 3, name: "Tổng kết", due: 2023-07-20 }
---
Tóm tắt kế hoạch.
MD
write content/news/dong-thai/khai-giang.md <<'MD'
---
title: "Lễ khai giảng"
date: 2023-09-05T08:30:00+07:00
---
Bài hẹn giờ.
MD
commit "$R" "2023-03-03T10:00:00+07:00" "PGD" "pgd@example.vn" "kế hoạch, bài hẹn giờ"

# next NOW [ARGS]: the text line, and the JSON in $TMP/json
next() {
	now=$1
	shift
	"$LOA" build --out public --now "$now" "$@" 2> "$TMP/err" > /dev/null
	grep '^loa: thay đổi tiếp theo: \|^loa: next change: ' "$TMP/err"
	"$LOA" build --out public --now "$now" --format json "$@" > "$TMP/json" 2> /dev/null
}
# json_is FIELD VALUE (a JSON literal)
json_is() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
want = json.loads(sys.argv[3])
if d[sys.argv[2]] != want:
    print("  %s = %r, expected %r" % (sys.argv[2], d[sys.argv[2]], want))
    sys.exit(1)' "$TMP/json" "$1" "$2"
}

out=$(next 2023-03-10)
echo "$out"
check "before May: the month's activity becomes due (the done one is ignored)" \
	[ "$out" = "loa: thay đổi tiếp theo: 2023-05-01T00:00:00+07:00 (content/plans/ke-hoach-175.md: Hoạt động “Tập huấn” → Đến hạn)" ]
check "json: next_change" json_is next_change '"2023-05-01T00:00:00+07:00"'
check "json: next_change_reason" json_is next_change_reason '"content/plans/ke-hoach-175.md: Hoạt động “Tập huấn” → Đến hạn"'
check "json: the build's counts" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("status", "pages", "files", "errors", "warnings", "seconds", "next_change", "next_change_reason", "diagnostics"):
    assert k in d, k
assert d["status"] == 0 and d["errors"] == 0 and d["pages"] > 5 and d["files"] > 0, d
assert d["next_change_epoch"] == 1682874000, d["next_change_epoch"]
' "$TMP/json"
check "json: stdout holds only the JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/json"

out=$(next 2023-05-15)
check "in May: it turns overdue on June 1" \
	[ "$out" = "loa: thay đổi tiếp theo: 2023-06-01T00:00:00+07:00 (content/plans/ke-hoach-175.md: Hoạt động “Tập huấn” → Quá hạn)" ]
out=$(next 2023-07-05)
check "a day deadline: overdue the day after" \
	[ "$out" = "loa: thay đổi tiếp theo: 2023-07-21T00:00:00+07:00 (content/plans/ke-hoach-175.md: Hoạt động “Tổng kết” → Quá hạn)" ]
out=$(next 2023-08-01)
check "then the future article, to the minute" \
	[ "$out" = "loa: thay đổi tiếp theo: 2023-09-05T08:30:00+07:00 (content/news/dong-thai/khai-giang.md: bài hẹn giờ)" ]
check "the future article is not published yet" test ! -e public/tin-tuc/dong-thai/le-khai-giang/index.html
out=$(next 2023-08-01 --lang en)
check "in English" [ "$out" = "loa: next change: 2023-09-05T08:30:00+07:00 (content/news/dong-thai/khai-giang.md: scheduled page)" ]
out=$(next 2023-09-05T08:30:00+07:00)
check "at that very instant: published, nothing left to wait for" [ -z "$out" ]
check "json: next_change is null" json_is next_change null
check "json: next_change_reason is null" json_is next_change_reason null
check "the article is published" test -s public/tin-tuc/dong-thai/le-khai-giang/index.html
out=$(next 2023-08-01 --future)
check "--future publishes it now: nothing scheduled" [ -z "$out" ]
out=$(next 2023-08-01 --quiet)
check "--quiet: no next-change line" [ -z "$out" ]
check "--quiet: JSON still has it" json_is next_change '"2023-09-05T08:30:00+07:00"'

# a site's own plugin declares its own change, the earliest wins
write plugins/nhac-viec.lua <<'LUA'
loa.next_change("2023-06-05", "nhắc việc của trung tâm")
loa.next_change(1690000000, "một mốc sau đó")
loa.next_change("2020-01-01", "đã qua: bỏ qua")
LUA
commit "$R" "2023-03-04T10:00:00+07:00" "PGD" "pgd@example.vn" "plugin riêng"
out=$(next 2023-06-02)
check "a plugin's loa.next_change" [ "$out" = "loa: thay đổi tiếp theo: 2023-06-05T00:00:00+07:00 (nhắc việc của trung tâm)" ]
write plugins/nhac-viec.lua <<'LUA'
loa.next_change("2023-02-30", "ngày sai")
LUA
commit "$R" "2023-03-05T10:00:00+07:00" "PGD" "pgd@example.vn" "plugin sai"
"$LOA" build --out public --now 2023-06-02 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "loa.next_change with an impossible date is a plugin error" [ "$st" -eq 2 ]
check "the error names the plugin and the date" grep -q "^plugins/nhac-viec.lua:1: .*loa.next_change: invalid date '2023-02-30'" "$TMP/err"
finish
