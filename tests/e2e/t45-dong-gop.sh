# docs/dong-gop.md can be followed alone: its ```sh blocks, run in order
# as a school would (clone, branch, write an article with a photo, check,
# commit, push) and then as the centre (clone, loa review), work against a
# "server" (a bare repository reached through the documented URL), and the
# review shows the school's new page with nothing to worry about.
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

# every ```sh block, in order
awk '/^```sh$/ { on = 1; print "# ---- block " ++n; next }
     on && /^```$/ { on = 0; next }
     on { print }' "$DOC" > "$TMP/steps.sh"
check "the guide has the steps to run" [ "$(grep -c '^# ---- block' "$TMP/steps.sh")" -ge 6 ]
(cd "$HOME" && sh -e -x "$TMP/steps.sh") > "$TMP/out" 2> "$TMP/err"
st=$?
cat "$TMP/out"
tail -n 30 "$TMP/err"
check "every step of the guide succeeds" [ "$st" -eq 0 ]
check "the branch reached the server" git --git-dir="$TMP/server.git" rev-parse -q --verify refs/heads/hoa-sen/tet-trung-thu
check "the commit carries the school's email" \
	[ "$(git --git-dir="$TMP/server.git" log -1 --format=%ae hoa-sen/tet-trung-thu)" = "bbt@hoasen.example.vn" ]
check "the photo went with the article" \
	git --git-dir="$TMP/server.git" cat-file -e hoa-sen/tet-trung-thu:content/news/hoa-sen/tet-trung-thu/den-long.png
check "main is untouched until the centre merges" \
	[ "$(git --git-dir="$TMP/server.git" rev-parse main)" = "$(git -C "$S" rev-parse main)" ]
check "loa check ran in Vietnamese" grep -q "^loa: đã kiểm tra: .* 0 lỗi" "$TMP/err"
check "loa check: the photo has its alt text (no warning)" lacks "$TMP/err" "ảnh thiếu mô tả"
check "loa review shows the added page" grep -qF "/tin-tuc/hoa-sen/be-vui-tet-trung-thu/" "$TMP/out"
check "loa review: no new errors" grep -qF "Lỗi mới (0): không có" "$TMP/out"
check "loa review: nothing outside the school's folders" grep -qF "Tệp ngoài phạm vi (0): không có" "$TMP/out"
finish
