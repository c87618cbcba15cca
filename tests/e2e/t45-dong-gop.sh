# docs/dong-gop.md can be followed alone: its ```sh blocks, run one by one
# as a school would (clone, branch, `loa new --bundle` and the photo, the
# article written in an editor, check, commit, push) and then as the
# centre (clone, loa review), work against a "server" (a bare repository
# reached through the documented URL); each step's result is checked, and
# the review shows the school's new article with nothing to worry about.
. "$(dirname "$0")/lib.sh"
unset LOA_LANG
DOC="$ROOT/docs/dong-gop.md"
URL="https://git.pgd.example.vn/truyen-thong/trang-tin.git"

# the centre's site, on the server
S="$TMP/seed"
basic_site "$S"
cat >> "$S/site.yaml" <<'YAML'
schools:
  hoa-sen: { authors: ["bbt@hoasen.example.vn"] }
  dong-thai: { authors: ["bbt@dongthai.example.vn"] }
YAML
write "$S/content/schools/hoa-sen.md" <<'MD'
---
title: "Trường Mầm non Hoa Sen"
province: "Hà Nội"
---
Giới thiệu.
MD
commit "$S" "2023-03-03T10:00:00+07:00" "Phòng GD&ĐT" "pgd@example.vn" "Trường Hoa Sen"
git clone -q --bare "$S" "$TMP/server.git"
# the documented URL leads to that bare repository
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
git config --global url."$TMP/server.git".insteadOf "$URL"
git config --global init.defaultBranch main

# the school's photo, and loa on PATH
mkdir -p "$HOME/Pictures" "$TMP/bin"
python3 -c '
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\0" + b"\xff\x80\x00" * 4 for _ in range(4))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + \
      chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)' "$HOME/Pictures/den-long.png"
ln -s "$LOA" "$TMP/bin/loa"
export PATH="$TMP/bin:$PATH"

# The guide's blocks, in order: ```sh blocks are commands the school (then
# the centre) types; the ```markdown block is what the school writes in its
# editor into the file `loa new` made. Each step runs alone, in the folder
# the previous one left, and its result is checked before the next.
mkdir -p "$TMP/steps"
awk -v dir="$TMP/steps" '
     /^```(sh|markdown)$/ { on = 1; n++; f = sprintf("%s/%02d.%s", dir, n, substr($0, 4)); next }
     on && /^```$/ { on = 0; next }
     on { print > f }' "$DOC"
STEPS=$(ls "$TMP/steps")
check "the guide has its steps: 5 command blocks and the article" \
	[ "$(ls "$TMP/steps" | grep -c '\.sh$')" -ge 5 -a "$(ls "$TMP/steps" | grep -c '\.markdown$')" -eq 1 ]
CWD="$HOME"
# step FILE: runs one block of the guide from $CWD; its output in
# $TMP/out.N and $TMP/err.N, its exit status in $st, $CWD updated
st=0
step() {
	n=${1%%.*}
	OUT="$TMP/out.$n" ERR="$TMP/err.$n"
	if [ "${1##*.}" = markdown ]; then
		# the school's editor: the article replaces the skeleton loa new made
		cp "$TMP/steps/$1" "$CWD/$ARTICLE"
		st=$?
		return
	fi
	{ cat "$TMP/steps/$1"; echo 'pwd > "$STEP_CWD"'; } > "$TMP/run.sh"
	(cd "$CWD" && STEP_CWD="$TMP/cwd" sh -e -x "$TMP/run.sh") > "$OUT" 2> "$ERR"
	st=$?
	[ "$st" -eq 0 ] && CWD=$(cat "$TMP/cwd")
	if [ "$st" -ne 0 ]; then cat "$TMP/out.$n"; tail -n 20 "$TMP/err.$n"; fi
}
ARTICLE=content/news/hoa-sen/be-vui-tet-trung-thu/index.md
set -- $STEPS

step "$1"; shift # clone, git config
check "step 1 (clone): it succeeds" [ "$st" -eq 0 ]
check "step 1: the content repository is on the school's machine" [ -f "$HOME/trang-tin/site.yaml" ]
check "step 1: commits carry the school's email" \
	[ "$(git -C "$HOME/trang-tin" config user.email)" = "bbt@hoasen.example.vn" ]

step "$1"; shift # branch
check "step 2 (branch): it succeeds" [ "$st" -eq 0 ]
check "step 2: on the article's branch" \
	[ "$(git -C "$HOME/trang-tin" branch --show-current)" = "hoa-sen/tet-trung-thu" ]

step "$1"; shift # loa new --bundle, the photo
check "step 3 (loa new --bundle, the photo): it succeeds" [ "$st" -eq 0 ]
check "step 3: loa new printed the article's file" grep -qxF "./$ARTICLE" "$OUT"
check "step 3: the article is a folder with index.md" [ -f "$HOME/trang-tin/$ARTICLE" ]
check "step 3: the photo sits beside it" [ -f "$HOME/trang-tin/content/news/hoa-sen/be-vui-tet-trung-thu/den-long.png" ]
check "step 3: no second file for the same page" [ ! -e "$HOME/trang-tin/content/news/hoa-sen/be-vui-tet-trung-thu.md" ]
# the skeleton alone is already a valid article
check "step 3: the skeleton passes loa check" sh -c 'cd "$1" && loa check --worktree 2> /dev/null' - "$HOME/trang-tin"

step "$1"; shift # the school's editor
check "step 3 (writing in the editor)" [ "$st" -eq 0 ]

step "$1"; shift # loa check
check "step 4 (loa check): it succeeds" [ "$st" -eq 0 ]
E=$ERR
check "step 4: loa check ran in Vietnamese, no error" grep -q "^loa: đã kiểm tra: .* 0 lỗi" "$E"
check "step 4: no warning at all (alt text, bundle, URL)" grep -q "^loa: đã kiểm tra: .* 0 cảnh báo" "$E"
check "step 4: no page shares its URL" lacks "$E" "hai trang"
check "step 4: no photo outside a bundle" lacks "$E" "không thuộc gói trang"

step "$1"; shift # commit, push
check "step 5 (commit, push): it succeeds" [ "$st" -eq 0 ]
check "step 5: the branch reached the server" git --git-dir="$TMP/server.git" rev-parse -q --verify refs/heads/hoa-sen/tet-trung-thu
check "step 5: the commit carries the school's email" \
	[ "$(git --git-dir="$TMP/server.git" log -1 --format=%ae hoa-sen/tet-trung-thu)" = "bbt@hoasen.example.vn" ]
check "step 5: the photo went with the article" \
	git --git-dir="$TMP/server.git" cat-file -e hoa-sen/tet-trung-thu:content/news/hoa-sen/be-vui-tet-trung-thu/den-long.png
check "step 5: main is untouched until the centre merges" \
	[ "$(git --git-dir="$TMP/server.git" rev-parse main)" = "$(git -C "$S" rev-parse main)" ]

step "$1"; shift # the centre: clone, loa review
O=$OUT
cat "$O"
check "step 6 (loa review): clean, exit 0" [ "$st" -eq 0 ]
check "step 6: loa review shows the added page" grep -qF "/tin-tuc/hoa-sen/be-vui-tet-trung-thu/" "$O"
check "step 6: the article's one-line summary names school, title, photo" \
	grep -qE "hoa-sen.*Bé vui Tết Trung thu.*2023-09-28.*1 ảnh" "$O"
check "step 6: no new errors" grep -qF "Lỗi mới (0): không có" "$O"
check "step 6: nothing outside the school's folders" grep -qF "Tệp ngoài phạm vi (0): không có" "$O"
check "the guide has no step left over" [ $# -eq 0 ]
finish
