# Feedback for contributors: diagnostics in the site's language (Vietnamese
# by default, English with --lang en, LOA_LANG or site.yaml), a summary
# line, and on a terminal only (a real pty, from script(1)) a progress line
# and colours. Also: every diagnostic format in generator/ has a
# Vietnamese entry (scripts/check-messages.py).
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
cd "$R"
write content/news/dong-thai/loi.md <<'MD'
---
title: "Lỗi"
date: 2023-13-01
---
Nội dung.
MD
write content/news/dong-thai/khong-tieu-de.md <<'MD'
---
date: 2023-03-01
---
Nội dung.
MD
commit "$R" "2023-03-05T10:00:00+07:00" "Trường" "x@example.vn" "hai bài lỗi"

"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "a broken article: exit 1" [ "$st" -eq 1 ]
check "Vietnamese by default, with file:line:col" \
	grep -qxF "content/news/dong-thai/loi.md:3:7: lỗi: ngày không hợp lệ '2023-13-01' (tháng không tồn tại)" "$TMP/err"
check "missing title in Vietnamese" grep -qF "content/news/dong-thai/khong-tieu-de.md:1: lỗi: thiếu mục bắt buộc 'title'" "$TMP/err"
check "summary line in Vietnamese" grep -qE '^loa: [0-9]+ trang, [0-9]+ tệp, 2 lỗi, 0 cảnh báo, [0-9]+\.[0-9]{2} s$' "$TMP/err"
check "not a terminal: no colour, no progress" python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
sys.exit(1 if b"\x1b" in b or b"\r" in b else 0)' "$TMP/err"

"$LOA" build --out public --now 2023-06-01 --lang en --no-cache 2> "$TMP/err"
cat "$TMP/err"
check "--lang en: English" \
	grep -qxF "content/news/dong-thai/loi.md:3:7: error: invalid date '2023-13-01' (month out of range)" "$TMP/err"
check "--lang en: English summary" grep -qE '^loa: [0-9]+ pages, [0-9]+ files, 2 errors, 0 warnings in [0-9.]+ s$' "$TMP/err"
LOA_LANG=en "$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
check "LOA_LANG=en: English" grep -qF "error: invalid date" "$TMP/err"
LOA_LANG=en "$LOA" build --out public --now 2023-06-01 --lang vi 2> "$TMP/err"
check "--lang wins over LOA_LANG" grep -qF "lỗi: ngày không hợp lệ" "$TMP/err"
"$LOA" build --out public --now 2023-06-01 --lang fr 2> "$TMP/err"
check "--lang fr is a usage error" [ $? -eq 2 ]
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
check "--quiet: diagnostics, no summary" sh -c "grep -q 'lỗi:' '$TMP/err' && ! grep -q '^loa: ' '$TMP/err'"

# the site's own language
sed -i 's/^title: "Trang thử"/title: "Trang thử"\nlanguage: en/' site.yaml
commit "$R" "2023-03-06T10:00:00+07:00" "PGD" "pgd@example.vn" "English site"
"$LOA" build --out public --now 2023-06-01 2> "$TMP/err"
check "site.yaml language: en gives English" grep -qF "error: invalid date" "$TMP/err"
sed -i '/^language: en$/d' site.yaml
commit "$R" "2023-03-06T11:00:00+07:00" "PGD" "pgd@example.vn" "Vietnamese site"

# loa check --format json: message in the site's language, message_en always
"$LOA" check --now 2023-06-01 --format json > "$TMP/json" 2>/dev/null
check "check json: message and message_en" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["language"] == "vi" and d["errors"] == 2, d
x = [e for e in d["diagnostics"] if e["file"].endswith("loi.md")][0]
assert x["message"] == "ngày không hợp lệ '"'"'2023-13-01'"'"' (tháng không tồn tại)", x
assert x["message_en"] == "invalid date '"'"'2023-13-01'"'"' (month out of range)", x
assert x["line"] == 3 and x["column"] == 7
' "$TMP/json"

# loa new speaks the site's language too
"$LOA" new news "Bài" --school khong-co 2> "$TMP/err"
check "new: unknown school in Vietnamese" grep -qF "lỗi: không có trường 'khong-co' (cần content/schools/khong-co.md)" "$TMP/err"

# On a terminal (a pty from script): a progress line rewritten with \r on a
# build long enough to need one, and coloured diagnostics.
i=0
while [ $i -lt 400 ]; do
	printf -- '---\ntitle: "Bài số %d"\ndate: 2023-02-01\n---\nNội dung %d.\n' $i $i > content/news/an-duong/bai-$i.md
	i=$((i + 1))
done
commit "$R" "2023-03-07T10:00:00+07:00" "Trường" "x@example.vn" "nhiều bài"
cat > "$TMP/tty.sh" <<EOF
"$LOA" build --out "$TMP/pub" --now 2023-06-01 --jobs 1 "\$@" 2>&1
EOF
script -qec "sh '$TMP/tty.sh'" /dev/null > "$TMP/tty.out"
# The line appears once a build has run 250 ms: 400 pages take about 1 s
# here, but a much faster machine may finish first. So: a build that took
# 0.5 s or more (its own summary says) shows the line, ending at the total;
# a quicker one may show none (the speed is not asserted).
check "terminal: a progress line rewritten in place" python3 -c '
import re, sys
b = open(sys.argv[1], "rb").read().decode()
steps = re.findall(r"\rloa: đang dựng trang (\d+)/(\d+)", b.replace("\x1b[K", ""))
took = re.findall(r"cảnh báo, ([0-9.]+) s", b)
if not steps and took and float(took[-1]) < 0.5:
    print("the build took %s s: too quick to need a progress line" % took[-1])
    sys.exit(0)
assert len(steps) >= 1, b[:300]
assert steps[-1][0] == steps[-1][1], steps[-3:]
' "$TMP/tty.out"
check "terminal: coloured severity" grep -qF "$(printf '\033[31mlỗi: ')" "$TMP/tty.out"
check "terminal: summary line" grep -qE 'loa: [0-9]+ trang, [0-9]+ tệp, 2 lỗi' "$TMP/tty.out"
script -qec "sh '$TMP/tty.sh' --quiet" /dev/null > "$TMP/tty.out"
check "terminal --quiet: no progress line" lacks "$TMP/tty.out" "đang dựng trang"
NO_COLOR=1 script -qec "sh '$TMP/tty.sh'" /dev/null > "$TMP/tty.out"
check "terminal NO_COLOR: no colour" lacks "$TMP/tty.out" "$(printf '\033[31m')"

check "every diagnostic format has a Vietnamese entry" python3 "$ROOT/scripts/check-messages.py" "$ROOT"
finish
