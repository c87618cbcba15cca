# lib.sh — helpers for end-to-end tests: real git repositories in a
# temporary folder, commits with set dates and authors, and checks that
# print `PASS name` / `FAIL name`.
set -u
: "${LOA:?LOA must name the loa binary}"
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
export LOA_DATADIR="$ROOT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# hermetic git: no user or system configuration
export HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$HOME"
export TZ=UTC LC_ALL=C
# diagnostics in English, which most tests match; the tests of the
# Vietnamese messages (t44, t45) unset it
export LOA_LANG=en
FAILS=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; FAILS=$((FAILS + 1)); }

# check NAME COMMAND...: passes when the command succeeds
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# contains FILE TEXT / lacks FILE TEXT
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }

# new_repo DIR: an empty repository with a site.yaml
new_repo() {
	mkdir -p "$1"
	git -C "$1" init -q -b main
	git -C "$1" config user.name "Phòng GD&ĐT"
	git -C "$1" config user.email "pgd@example.vn"
}

# commit DIR DATE AUTHOR EMAIL MESSAGE: commits everything with set dates
commit() {
	git -C "$1" add -A
	GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" GIT_AUTHOR_NAME="$3" GIT_AUTHOR_EMAIL="$4" \
		GIT_COMMITTER_NAME="$3" GIT_COMMITTER_EMAIL="$4" git -C "$1" commit -q -m "$5"
}

# write FILE: writes standard input to FILE, making folders
write() {
	mkdir -p "$(dirname "$1")"
	cat > "$1"
}

# png FILE: a valid 4x4 PNG (the image stage reads it), made without any tool
png() {
	python3 -c '
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\0" + b"\x20\x80\xff" * 4 for _ in range(4))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$1"
}

# a small valid site: two schools, news, a plan
basic_site() {
	new_repo "$1"
	write "$1/site.yaml" <<'YAML'
title: "Trang thử"
base_url: "https://example.vn/"
page_size: 1
YAML
	write "$1/content/schools/dong-thai.md" <<'MD'
---
title: "Trường Mầm non Đồng Thái"
district: "Huyện An Dương"
province: "Hải Phòng"
models:
  - { title: "Bữa ăn hợp lý", year: "2022-2023", level: "huyện" }
---
Trường thực hiện mô hình điểm.
MD
	write "$1/content/schools/an-duong.md" <<'MD'
---
title: "Trường Mầm non An Dương"
district: "Huyện An Dương"
province: "Hải Phòng"
---
Chuyển đổi số.
MD
	write "$1/content/news/dong-thai/bua-an.md" <<'MD'
---
title: "Bữa ăn bán trú đảm bảo dinh dưỡng"
date: 2023-03-01
tags: ["dinh dưỡng"]
---
Bài viết về bữa ăn. Xem [trường](../../schools/an-duong.md).
MD
	write "$1/content/news/an-duong/hoi-thao.md" <<'MD'
---
title: "Hội thảo chuyển đổi số"
date: 17/02/2023
lastmod: 2023-02-20
category: policy
---
## Nội dung

Hội thảo.
MD
	write "$1/content/plans/ke-hoach-175.md" <<'MD'
---
title: "Kế hoạch tập huấn cốt cán"
number: "175/KH-BGDĐT"
issued: 2023-02-17
activities:
  - { id: 1, name: "Tập huấn", lead: "Vụ GDMN", due: 2023-05 }
---
Tóm tắt kế hoạch.
MD
	commit "$1" "2023-03-02T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "Nội dung đầu tiên"
}

# rows_layout SITE: the layout tong-hop.html of SITE's theme, a page that
# shows its context's `rows` (data pages of the tests' plugins)
rows_layout() {
	write "$1/themes/default/layouts/tong-hop.html" <<'HTML'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main><div class="rows">{{ rows | safe }}</div></main></body></html>
HTML
}

# mini_layout NAME BODY: the layout NAME.html of $S's theme, a page that
# shows BODY (template code) and then the page's content
mini_layout() {
	write "$S/themes/default/layouts/$1.html" <<HTML
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main><p class="x">$2</p>{{ page.content }}</main></body></html>
HTML
}

# build: $S into $OUT at $NOW, stdout to $TMP/b.out, stderr to $TMP/b.log, BUILD_ENV in loa's env
build() {
	env ${BUILD_ENV:-} "$LOA" build --repo "$S" --out "$OUT" --now "$NOW" --lang en \
		> "$TMP/b.out" 2> "$TMP/b.log"
}
BUILD_ENV= # none unless the test sets it (e.g. LOA_TIMINGS=1), never the caller's

# same_as_full NAME [DAY]: passes when $OUT equals a --no-cache build of $S
# (at DAY, default $NOW), which leaves no cache beside its output
same_as_full() {
	rm -rf "$TMP/full"
	mkdir -p "$TMP/full"
	"$LOA" build --repo "$S" --out "$TMP/full/public" --now "${2:-$NOW}" --no-cache --lang en \
		> /dev/null 2> "$TMP/full.log" || cat "$TMP/full.log"
	check "$1" diff -r "$OUT" "$TMP/full/public"
	check "$1: no cache beside a --no-cache build" test ! -e "$TMP/full/.loa-cache"
}

# commit_edit MESSAGE: commits what changed in basic_site $S as Trường Đồng
# Thái, one day later each time (2023-03-04, -05, …; n counts them)
commit_edit() {
	n=$((${n:-3} + 1))
	commit "$S" "2023-03-$(printf %02d $n)T10:00:00+07:00" "Trường Đồng Thái" "bbt@dongthai.example.vn" "$1"
}

# touch_other: commits an edit of a school of basic_site $S, counted in n (set n=0 first)
touch_other() {
	n=$((n + 1))
	printf '\nCập nhật lần %s.\n' "$n" >> "$S/content/schools/an-duong.md"
	commit "$S" "2023-04-$((10 + n))T10:00:00+07:00" "Trường An Dương" "bbt@anduong.example.vn" \
		"Sửa $n"
}

# jobs_setup: $OUT an empty folder's public/, builds at 2023-05-20 that
# list in $TMP/b.log the pages they rendered (LOA_TIMINGS=jobs), read by
# rendered PATH and from_cache PATH (the last build's)
jobs_setup() {
	NOW=2023-05-20
	OUT="$TMP/inc/public"
	mkdir -p "$TMP/inc"
	BUILD_ENV=LOA_TIMINGS=jobs
}
rendered() { sed -n 's/^loa: timing: rendered //p' "$TMP/b.log" | grep -qx -- "$1"; }
from_cache() { ! rendered "$1"; }

# inc_setup: $INC (and $OUT, which same_as_full compares) an empty
# folder's public/ for the random-edit tests, at 2023-05-20 ($NOW)
inc_setup() {
	NOW=2023-05-20
	INC="$TMP/inc/public"
	OUT=$INC
	mkdir -p "$TMP/inc"
}
# build_inc [DAY]: the incremental build of $S into $INC (at DAY, default
# $NOW); its timing lines go to $TMP/inc.log. The random edits delete
# pages on purpose: --allow-removal (t74 tests the guard)
build_inc() {
	LOA_TIMINGS=1 "$LOA" build --allow-removal --repo "$S" --out "$INC" --now "${1:-$NOW}" --lang en \
		> "$TMP/inc.out" 2> "$TMP/inc.log"
}
# inc_cached: "CACHED ALL", the pages of the last build_inc taken from the cache, of all
inc_cached() { sed -n 's/.*from cache *\([0-9]*\) of \([0-9]*\) pages.*/\1 \2/p' "$TMP/inc.log"; }
# rand N: the next number in 0..N-1, in $r, of a series set by $seed
# (a linear congruential generator: the same edits on every run)
rand() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	r=$(( (seed / 65536) % $1 ))
}

finish() {
	[ "$FAILS" -eq 0 ]
}
