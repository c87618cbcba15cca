# /ke-hoach/lich.ics: a valid iCalendar (RFC 5545) of plan activity
# deadlines — CRLF lines folded at 75 octets without splitting UTF-8, TEXT
# escaping, all-day and month-long events, stable UIDs, DTSTAMP from --now's day (the start of it, in UTC).
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
new_repo "$R"
write "$R/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://Example.vn:8443/truong-a/"
YAML
write "$R/content/plans/ke-hoach-175.md" <<'MD'
---
title: "Kế hoạch tập huấn cốt cán"
number: "175/KH-BGDĐT"
issued: 2023-02-17
activities:
  - { id: 1, name: "Tập huấn", lead: "Vụ GDMN", partners: "Các Sở GD&ĐT", due: 2023-05-31, product: "Báo cáo" }
  - id: 2
    name: "Biên soạn và thẩm định tài liệu tập huấn về xây dựng trường mầm non lấy trẻ làm trung tâm; chuyển đổi số, STEAM \\ tổng kết"
    lead: "Cục Nhà giáo; Vụ Giáo dục Mầm non"
    partners: "Ban biên soạn,\nHội đồng thẩm định"
    due: 2023-05
    product: "Tài liệu"
  - { id: 3, name: "Tổ chức tập huấn", lead: "Các Sở", due: "5/2023" }
  - { id: 4, name: "Tổng kết năm", due: "12/2023" }
  - { id: 5, name: "Không có hạn", lead: "Vụ GDMN" }
  - { id: 6, name: "Ngày nhuận", due: 2024-02-29 }
  - { id: 7, name: "Cuối năm", due: 31/12/2023 }
---
Tóm tắt.
MD
write "$R/content/plans/khac/ke-hoach-2.md" <<'MD'
---
title: "Kế hoạch thứ hai"
activities:
  - { id: 1, name: "Sơ kết", due: 2023-05-31 }
---
Tóm tắt.
MD
commit "$R" "2023-03-02T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Kế hoạch"
cd "$R"
"$LOA" build --out "$TMP/a" --now 2023-06-01T09:30:15+07:00 --quiet
check "build with a time in --now exits 0" [ $? -eq 0 ]
"$LOA" build --out "$TMP/b" --now 2024-01-15 --quiet
check "build with another --now exits 0" [ $? -eq 0 ]
"$LOA" build --out "$TMP/c" --now 2023-06-01T09:30:15+07:00 --quiet
check "calendar is published" test -s "$TMP/a/ke-hoach/lich.ics"
check "same --now, same calendar bytes" cmp -s "$TMP/a/ke-hoach/lich.ics" "$TMP/c/ke-hoach/lich.ics"
# the day, not the clock: a later hour of the same day (in Vietnam) gives
# the same bytes, so the calendar is kept in the cache between builds
"$LOA" build --out "$TMP/d" --now 2023-06-01T23:59:00+07:00 --quiet
check "same day, another hour: same calendar bytes" cmp -s "$TMP/a/ke-hoach/lich.ics" "$TMP/d/ke-hoach/lich.ics"

P="$TMP/a/ke-hoach/ke-hoach-tap-huan-cot-can/index.html"
check "plan page links the calendar (site sub-path kept)" contains "$P" 'href="/truong-a/ke-hoach/lich.ics"'
check "plan page announces the calendar in <head>" contains "$P" 'type="text/calendar"'
check "overdue activity has a class" contains "$P" '<span class="status status-overdue">Quá hạn</span>'
check "later activity is upcoming" contains "$P" '<span class="status status-upcoming">Sắp tới</span>'

cat > "$TMP/ics.py" <<'PY'
import re, sys
raw_a = open(sys.argv[1], "rb").read()
raw_b = open(sys.argv[2], "rb").read()
fails = 0
def check(name, ok):
    global fails
    print(("PASS " if ok else "FAIL ") + name)
    if not ok:
        fails += 1

def physical(raw):
    assert raw.endswith(b"\r\n")
    return raw[:-2].split(b"\r\n")

lines = physical(raw_a)
check("every line ends with CRLF (no bare CR or LF)",
      raw_a.endswith(b"\r\n") and all(b"\r" not in l and b"\n" not in l for l in lines))
check("no line longer than 75 octets", max(len(l) for l in lines) <= 75)
check("some line is folded", any(l.startswith(b" ") for l in lines))
def decodes(l):
    try:
        l.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
check("folding never splits a UTF-8 sequence", all(decodes(l) for l in lines))
check("folding fills lines: a folded line is cut only when full or before a multi-byte char",
      all(len(lines[i]) >= 72 for i in range(len(lines) - 1) if lines[i + 1].startswith(b" ")))

def unfold(raw):
    return raw.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]

def events(raw):
    out, cur = [], None
    for l in unfold(raw):
        if l == "BEGIN:VEVENT":
            cur = {}
        elif l == "END:VEVENT":
            out.append(cur)
            cur = None
        elif cur is not None:
            name, _, value = l.partition(":")
            cur[name] = value
    return out

def unescape(v):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), v)

u = unfold(raw_a)
check("VCALENDAR wraps the file", u[0] == "BEGIN:VCALENDAR" and u[-1] == "END:VCALENDAR")
check("VERSION:2.0", "VERSION:2.0" in u)
check("PRODID", any(l.startswith("PRODID:") for l in u))
check("CALSCALE:GREGORIAN", "CALSCALE:GREGORIAN" in u)
check("X-WR-CALNAME names the site", any(l.startswith("X-WR-CALNAME:Trang thử") for l in u))

ev = events(raw_a)
by_summary = {unescape(e["SUMMARY"]): e for e in ev}
check("one event per dated activity, undated skipped", len(ev) == 7 and "Không có hạn" not in by_summary)
check("every event has UID, DTSTAMP, DTSTART, DTEND",
      all(k in e for e in ev for k in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE")))
longname = "Biên soạn và thẩm định tài liệu tập huấn về xây dựng trường mầm non lấy trẻ làm trung tâm; chuyển đổi số, STEAM \\ tổng kết"
check("unfolding restores the exact long SUMMARY", longname in by_summary)
e2 = by_summary.get(longname, {})
check("TEXT escaping of ; , and backslash",
      e2.get("SUMMARY") == longname.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,"))
desc = unescape(e2.get("DESCRIPTION", ""))
check("DESCRIPTION escapes the newline", "Ban biên soạn\\,\\nHội đồng thẩm định" in e2.get("DESCRIPTION", ""))
check("DESCRIPTION names lead, partners, product, plan number",
      "Cục Nhà giáo; Vụ Giáo dục Mầm non" in desc and "Ban biên soạn,\nHội đồng thẩm định" in desc
      and "Tài liệu" in desc and "175/KH-BGDĐT" in desc)
def dates(name):
    e = by_summary.get(name, {})
    return (e.get("DTSTART;VALUE=DATE"), e.get("DTEND;VALUE=DATE"))
check("day due: all-day event", dates("Tập huấn") == ("20230531", "20230601"))
check("month due 2023-05: month-long event", dates(longname) == ("20230501", "20230601"))
check("month due 5/2023: month-long event", dates("Tổ chức tập huấn") == ("20230501", "20230601"))
check("month due 12/2023 ends on the next year's first day", dates("Tổng kết năm") == ("20231201", "20240101"))
check("day due 31/12/2023 ends on 2024-01-01", dates("Cuối năm") == ("20231231", "20240101"))
check("leap day 2024-02-29 ends on 2024-03-01", dates("Ngày nhuận") == ("20240229", "20240301"))
check("URL is the plan's absolute page",
      by_summary.get("Tập huấn", {}).get("URL") == "https://Example.vn:8443/truong-a/ke-hoach/ke-hoach-tap-huan-cot-can/")
check("DTSTAMP is the start of --now's day in Vietnam, in UTC",
      all(e["DTSTAMP"] == "20230531T170000Z" for e in ev))
uids = [e["UID"] for e in ev]
check("UIDs are unique", len(set(uids)) == len(uids))
check("UID from the plan file and activity id, at the host of base_url",
      by_summary.get("Tập huấn", {}).get("UID") == "ke-hoach-175-1@example.vn"
      and by_summary.get("Sơ kết", {}).get("UID") == "khac-ke-hoach-2-1@example.vn")
starts = [e["DTSTART;VALUE=DATE"] for e in ev]
check("events sorted by due date", starts == sorted(starts))
ev_b = events(raw_b)
check("UIDs identical across builds with another --now", [e["UID"] for e in ev_b] == uids)
check("other build's DTSTAMP follows its --now (date at midnight in Vietnam)",
      all(e["DTSTAMP"] == "20240114T170000Z" for e in ev_b))
sys.exit(1 if fails else 0)
PY
out=$(python3 "$TMP/ics.py" "$TMP/a/ke-hoach/lich.ics" "$TMP/b/ke-hoach/lich.ics" 2>&1)
st=$?
echo "$out"
FAILS=$((FAILS + $(printf '%s\n' "$out" | grep -c '^FAIL')))
check "calendar parser ran to the end" [ "$st" -eq 0 ]
finish
