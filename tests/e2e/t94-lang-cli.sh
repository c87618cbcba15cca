# t94 — one language for every word of the command line (issue #15,
# point 1): usage, every subcommand's --help, option errors and the
# summary lines speak Vietnamese by default (no LOA_LANG, no --lang) and
# with --lang vi, English with --lang en; and scripts/check-messages.py
# fails when a printed string has no catalog entry or is printed around
# the catalog.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
R="$TMP/site"
basic_site "$R"
cd "$TMP" || exit 1

# ---- usage and --help --------------------------------------------------
"$LOA" --help > "$TMP/out" 2> "$TMP/err"
check "--help, no --lang: Vietnamese by default" grep -q "^cách dùng: loa build " "$TMP/out"
check "--help, no --lang: exit statuses in Vietnamese" grep -q "^Mã thoát: 0" "$TMP/out"
"$LOA" --help --lang en > "$TMP/out.en" 2> /dev/null
check "--help --lang en: English" grep -q "^usage: loa build " "$TMP/out.en"
check "--help --lang en: exit statuses in English" grep -q "^Exit status: 0" "$TMP/out.en"
check "--help --lang en: no Vietnamese" lacks "$TMP/out.en" "cách dùng"
# the later synopses line up under the first, whatever the label's width
check "--help vi: the synopses line up under the label" grep -q "^           loa check  " "$TMP/out"
for cmd in build check serve new review; do
	"$LOA" "$cmd" --help --lang vi > "$TMP/h.vi" 2> "$TMP/h.err"
	st=$?
	check "$cmd --help --lang vi: exit 0, nothing on standard error" [ "$st" -eq 0 ] && [ ! -s "$TMP/h.err" ]
	check "$cmd --help --lang vi: its synopsis in Vietnamese" grep -q "^cách dùng: loa $cmd " "$TMP/h.vi"
	# no English word but option names, commands and placeholders in CAPITALS
	for word in usage default "the " Exit "Builds" "Checks" "Shows" "Writes" "Says"; do
		check "$cmd --help --lang vi: no '$word'" lacks "$TMP/h.vi" "$word"
	done
	"$LOA" "$cmd" -h --lang en > "$TMP/h.en" 2> /dev/null
	check "$cmd -h --lang en: its synopsis in English" grep -q "^usage: loa $cmd " "$TMP/h.en"
	check "$cmd -h --lang en: no Vietnamese" lacks "$TMP/h.en" "cách dùng"
done
"$LOA" build --help --lang vi > "$TMP/h.vi"
check "build --help vi: what it does" contains "$TMP/h.vi" "Dựng trang web từ một commit"
check "build --help vi: its options explained" contains "$TMP/h.vi" "--worktree        dùng các tệp trên đĩa"
"$LOA" build --help --lang en > "$TMP/h.en"
check "build --help en: what it does" contains "$TMP/h.en" "Builds the site from a commit"
check "build --help en: its options explained" contains "$TMP/h.en" "--worktree        the files on disk"

# ---- option errors -----------------------------------------------------
# err_is LANG TEXT ARGS...: exit 2 and TEXT on standard error
err_is() {
	lang=$1 text=$2
	shift 2
	"$LOA" "$@" --lang "$lang" > /dev/null 2> "$TMP/e"
	st=$?
	[ "$st" -eq 2 ] && contains "$TMP/e" "$text"
}
check "--jobs x (vi)" err_is vi "loa: --jobs cần một số từ 1 đến 256" build --jobs x
check "--jobs x (en)" err_is en "loa: --jobs needs a number from 1 to 256" build --jobs x
check "--port x (vi)" err_is vi "loa: --port cần một số từ 0 đến 65535" serve --port x
check "--now bad (vi)" err_is vi "loa: --now: ngày không hợp lệ 'hôm qua'" check --now "hôm qua"
check "--format xml (vi)" err_is vi "loa: --format chỉ nhận text hoặc json" check --format xml
check "--format xml (en)" err_is en "loa: --format is text or json" check --format xml
check "--wait -1 (vi)" err_is vi "loa: --wait cần một giá trị, không phải '-1'" build --wait -1
check "--out --no-cache (vi)" err_is vi "cần một giá trị, không phải '--no-cache' (tên bắt đầu bằng '-' thì viết ./--no-cache)" build --out --no-cache
check "--out --no-cache (en)" err_is en "needs a value, not '--no-cache'" build --out --no-cache
check "--repo without a value (vi)" err_is vi "loa: --repo cần một giá trị" check --repo
check "unknown option (vi)" err_is vi "loa: không có tùy chọn '--nope'" check --nope
check "unknown option (vi): the usage follows in Vietnamese" contains "$TMP/e" "cách dùng: loa build"
check "unknown option (en)" err_is en "loa: unknown option '--nope'" check --nope
check "unknown option (en): the usage follows in English" contains "$TMP/e" "usage: loa build"
check "stray argument (vi)" err_is vi "loa: đối số thừa 'x'" new news "Tiêu đề" x
check "unknown command (vi)" err_is vi "loa: không có lệnh 'dung'" dung
check "unknown command (en)" err_is en "loa: unknown command 'dung'" dung
check "review without a range (vi)" err_is vi "loa: review cần GỐC..NHÁNH" review
SOURCE_DATE_EPOCH=abc "$LOA" check --lang vi > /dev/null 2> "$TMP/e"
check "SOURCE_DATE_EPOCH not a number (vi)" contains "$TMP/e" "loa: SOURCE_DATE_EPOCH phải là một số giây"
"$LOA" check --lang fr > /dev/null 2> "$TMP/e"
st=$?
check "--lang fr: exit 2, said in Vietnamese" [ "$st" -eq 2 ] && contains "$TMP/e" "loa: --lang chỉ nhận vi hoặc en"
LOA_LANG=en "$LOA" check --lang fr > /dev/null 2> "$TMP/e"
check "--lang fr under LOA_LANG=en: said in English" contains "$TMP/e" "loa: --lang is vi or en"
LOA_LANG=en "$LOA" build --jobs 0 > /dev/null 2> "$TMP/e"
check "LOA_LANG=en: option errors in English" contains "$TMP/e" "--jobs needs a number"

# ---- the summary lines -------------------------------------------------
cd "$R" || exit 1
"$LOA" check --lang vi --now 2023-06-01 > /dev/null 2> "$TMP/e"
check "check --lang vi: the summary in Vietnamese" grep -q "^loa: đã kiểm tra: [0-9]* trang, [0-9]* tệp, 0 lỗi, 0 cảnh báo" "$TMP/e"
"$LOA" check --lang en --now 2023-06-01 > /dev/null 2> "$TMP/e"
check "check --lang en: the summary in English" grep -q "^loa: checked: [0-9]* pages, [0-9]* files, 0 errors, 0 warnings" "$TMP/e"
"$LOA" build --lang vi --now 2023-06-01 --out "$TMP/pub" > /dev/null 2> "$TMP/e"
"$LOA" build --lang vi --now 2023-06-01 --out "$TMP/pub" > /dev/null 2> "$TMP/e"
check "build twice --lang vi: 'không có gì thay đổi'" contains "$TMP/e" "loa: không có gì thay đổi, giữ nguyên: "
echo "x" > uncommitted.md
mkdir -p content/news/dong-thai && echo "---" > content/news/dong-thai/moi.md
"$LOA" build --lang vi --now 2023-06-01 --out "$TMP/pub" > /dev/null 2> "$TMP/e"
check "build --lang vi: the note about uncommitted files in Vietnamese" contains "$TMP/e" "tệp chưa commit"
"$LOA" build --lang en --now 2023-06-01 --out "$TMP/pub" > /dev/null 2> "$TMP/e"
check "build --lang en: the note about uncommitted files in English" contains "$TMP/e" "uncommitted files"
rm -f uncommitted.md content/news/dong-thai/moi.md

# ---- the checker -------------------------------------------------------
python3 "$ROOT/scripts/check-messages.py" "$ROOT" > "$TMP/chk"
check "check-messages passes on the tree" [ $? -eq 0 ]
check "check-messages reads the usage tables (N_)" grep -q "^[0-9]* messages" "$TMP/chk"
mkdir -p "$TMP/copy"
cp -R "$ROOT/generator" "$ROOT/scripts" "$TMP/copy/"
cat >> "$TMP/copy/generator/cmd/options.c" <<'C'
static void added_later(void)
{
	fprintf(stderr, "loa: this is printed in English only\n");
}
C
python3 "$TMP/copy/scripts/check-messages.py" "$TMP/copy" > "$TMP/chk" 2>&1
check "check-messages fails on a string printed around the catalog" [ $? -eq 1 ]
check "check-messages names it" grep -q "options.c:[0-9]*: printed around the catalog" "$TMP/chk"
cp "$ROOT/generator/cmd/options.c" "$TMP/copy/generator/cmd/options.c"
cat >> "$TMP/copy/generator/cmd/options.c" <<'C'
static void added_later(enum msg_lang lang)
{
	msg_fprintf(stderr, lang, "loa: a message nobody translated\n");
}
C
python3 "$TMP/copy/scripts/check-messages.py" "$TMP/copy" > "$TMP/chk" 2>&1
check "check-messages fails on a msg_fprintf without an entry" [ $? -eq 1 ]
check "check-messages names the missing entry" grep -q "no Vietnamese entry for 'loa: a message nobody translated" "$TMP/chk"
# ---- the Vietnamese man page -----------------------------------------------
"$LOA" --help --lang en > "$TMP/help"
grep -o -- '--[a-z][a-z-]*' "$TMP/help" | sort -u > "$TMP/options"
missing=""
for o in $(cat "$TMP/options"); do
	man_o=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$man_o" "$ROOT/docs/loa.vi.1" || missing="$missing $o"
done
[ -z "$missing" ] || echo "options missing from docs/loa.vi.1:$missing"
check "every option of loa --help is in loa.vi.1" [ -z "$missing" ]
missing=""
for c in build check review serve new; do
	grep -q "^\.B loa $c" "$ROOT/docs/loa.vi.1" || missing="$missing $c"
done
check "every command is in loa.vi.1" [ -z "$missing" ]
check "loa.vi.1 is in Vietnamese" grep -q "^\.SH TÙY CHỌN" "$ROOT/docs/loa.vi.1"
if command -v groff > /dev/null; then
	# -k: the page is UTF-8 (its first line says so, for man's preconv)
	groff -k -man -Tutf8 -ww -z "$ROOT/docs/loa.vi.1" > "$TMP/groff.err" 2>&1
	cat "$TMP/groff.err"
	check "loa.vi.1 renders without warnings" [ ! -s "$TMP/groff.err" ]
fi
make -s -C "$ROOT" install PREFIX="$TMP/prefix" > "$TMP/install.log" 2>&1
check "make install installs the Vietnamese man page beside the English one" \
	cmp -s "$ROOT/docs/loa.vi.1" "$TMP/prefix/share/man/vi/man1/loa.1"
check "make install still installs the English man page" \
	cmp -s "$ROOT/docs/loa.1" "$TMP/prefix/share/man/man1/loa.1"
if command -v man > /dev/null; then
	LC_ALL=C.UTF-8 MANPATH="$TMP/prefix/share/man" man -L vi loa 2> /dev/null | grep -q "TÙY CHỌN"
	check "man -L vi loa shows the Vietnamese page" [ $? -eq 0 ]
fi
finish
