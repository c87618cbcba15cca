# Hostile git objects (HOSTILE.md §2 cases 2, 3, 6, 7, 8; issue 7), made with
# git plumbing and a hand-written pack since git refuses to make them:
#  - names `.GIT`, `.git.`, `Git~1`, invalid UTF-8 (\xff\xfe), `..` inside a
#    bundle: each rejected by name, shown escaped;
#  - a tree nested 200,000 deep (git_tree_walk segfaults on it): "nesting
#    deeper than 32", no crash;
#  - a 200 MB blob that compresses to a few hundred KB: "too large", decided
#    from the object header: loa's memory stays far below the blob's size;
#  - 100,001 files in one tree: the listing stops at the file cap with an
#    error, memory and time bounded.
# Each time the rest of the site is built and nothing is written outside
# the output folder.
. "$(dirname "$0")/lib.sh"
# png FILE: a valid 1x1 PNG (images are checked by their first bytes)
png() {
	python3 -c 'import struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))' > "$1"
}
R="$TMP/site"
basic_site "$R"
cd "$R"
blob=$(printf -- '---\ntitle: "Độc"\ndate: 2023-01-02\n---\nx\n' | git hash-object -w --stdin)
png "$TMP/1x1.png"
png=$(git hash-object -w "$TMP/1x1.png")
bidx=$(printf -- '---\ntitle: "Bộ ảnh"\ndate: 2023-01-03\n---\n![Ảnh](ok.png)\n' | git hash-object -w --stdin)
# 7: 200 MB of zeros, stored compressed
big=$(head -c 200000000 /dev/zero | git hash-object -w --stdin)
echo "object sizes: big blob on disk $(du -k "$R/.git/objects/$(echo "$big" | cut -c1-2)" | tail -1 | cut -f1) KB"

# Objects are written into one pack by python (zlib, SHA-1), then indexed by
# git index-pack: a loose object per level of a 200,000-deep tree would be
# 200,000 files.
python3 - "$blob" "$png" "$big" "$bidx" > "$TMP/ids" <<'PY'
import hashlib, os, struct, sys, zlib
blob, png, big, bidx = (bytes.fromhex(h) for h in sys.argv[1:5])
objs = []
def obj(kind, body):
    oid = hashlib.sha1(b"%s %d\0" % (kind, len(body)) + body).digest()
    objs.append((kind, body))
    return oid
def entry(mode, name, oid):
    return mode + b" " + name + b"\0" + oid
def tree(entries):
    return obj(b"tree", b"".join(entry(m, n, o) for m, n, o in sorted(entries, key=lambda e: e[1] + (b"/" if e[0] == b"40000" else b""))))
# 6: 200,000 nested folders "d", the last holding x.md
t = tree([(b"100644", b"x.md", blob)])
for _ in range(200000):
    t = tree([(b"40000", b"d", t)])
deep = t
# 8: 100,001 files in one folder
many = tree([(b"100644", b"f%06d.png" % i, png) for i in range(100001)])
# 2, 3: hostile names in a school's folder, and `..` inside a bundle
bundle = tree([(b"100644", b"index.md", bidx), (b"100644", b"..", png), (b"100644", b"ok.png", png)])
names = tree([(b"100644", b".GIT", blob), (b"100644", b".git.", blob), (b"100644", b"Git~1", blob),
              (b"100644", b"\xff\xfe.md", blob), (b"100644", b"hop-le.md", blob),
              (b"100644", b"lon.md", big), (b"40000", b"bo", bundle)])
def pack_header(kind, size):
    code = {b"commit": 1, b"tree": 2, b"blob": 3}[kind]
    out = bytearray()
    c = (code << 4) | (size & 15)
    size >>= 4
    while size:
        out.append(c | 0x80)
        c = size & 0x7f
        size >>= 7
    out.append(c)
    return bytes(out)
data = bytearray(b"PACK" + struct.pack(">II", 2, len(objs)))
for kind, body in objs:
    data += pack_header(kind, len(body)) + zlib.compress(body, 1)
data += hashlib.sha1(data).digest()
with open(".git/objects/pack/tmp.pack", "wb") as f:
    f.write(data)
print(deep.hex(), many.hex(), names.hex())
PY
( cd .git/objects/pack && name=$(git index-pack tmp.pack) && mv tmp.pack "pack-$name.pack" && mv tmp.idx "pack-$name.idx" )
read -r deep many names < "$TMP/ids"
# content/ of HEAD plus: content/sau (the deep tree), content/nhieu (many
# files), and the hostile names as a school folder content/news/dong-thai/x
x=$( { git ls-tree HEAD content/news/dong-thai/ | sed 's|content/news/dong-thai/||'; printf '040000 tree %s\tx\n' "$names"; } | git mktree --missing)
school=$( { git ls-tree HEAD content/news/ | sed 's|content/news/||' | grep -v "	dong-thai$"; printf '040000 tree %s\tdong-thai\n' "$x"; } | git mktree --missing)
# hostile: the names, the deep tree and the big blob; many: the 100,001
# files (the cap stops the listing, so later folders would go unseen)
content=$( { git ls-tree HEAD content/ | sed 's|content/||' | grep -v "	news$"; printf '040000 tree %s\tnews\n040000 tree %s\tsau\n' "$school" "$deep"; } | git mktree --missing)
root=$( { git ls-tree HEAD | grep -v "	content$"; printf '040000 tree %s\tcontent\n' "$content"; } | git mktree --missing)
c=$(GIT_AUTHOR_DATE="2023-03-03T10:00:00+07:00" GIT_COMMITTER_DATE="2023-03-03T10:00:00+07:00" git commit-tree "$root" -p HEAD -m "hostile objects")
git update-ref refs/heads/hostile "$c"
content=$( { git ls-tree HEAD content/; printf '040000 tree %s\tnhieu\n' "$many"; } | sed 's|content/||' | git mktree --missing)
root=$( { git ls-tree HEAD | grep -v "	content$"; printf '040000 tree %s\tcontent\n' "$content"; } | git mktree --missing)
c=$(GIT_AUTHOR_DATE="2023-03-03T10:00:00+07:00" GIT_COMMITTER_DATE="2023-03-03T10:00:00+07:00" git commit-tree "$root" -p HEAD -m "many files")
git update-ref refs/heads/many "$c"

mkdir -p "$TMP/www"
touch "$TMP/marker"
start=$(date +%s)
/usr/bin/time -f '%M' -o "$TMP/rss" "$LOA" build --ref hostile --out "$TMP/www/site" --now 2023-06-01 --jobs 2 2> "$TMP/err"
st=$?
end=$(date +%s)
cat "$TMP/err"
rss=$(tail -n 1 "$TMP/rss")
echo "build: $((end - start)) s, peak RSS $rss KB"
S="$TMP/www/site"
D=content/news/dong-thai/x
check "exit 1: published with rejections" [ "$st" -eq 1 ]
check "'.GIT' rejected" grep -q "^$D/\.GIT: error: .*invalid path" "$TMP/err"
check "'.git.' rejected" grep -q "^$D/\.git\.: error: .*invalid path" "$TMP/err"
check "'Git~1' rejected" grep -q "^$D/Git~1: error: .*invalid path" "$TMP/err"
check "invalid UTF-8 name rejected, shown escaped" grep -q "^$D/\\\\xff\\\\xfe\.md: error: " "$TMP/err"
check "'..' in a bundle rejected" grep -q "^$D/bo/\.\.: error: .*invalid path" "$TMP/err"
check "200,000-deep tree: nesting error, no crash" grep -q "^content/sau/d/d/.*: error: nesting deeper than 32" "$TMP/err"
check "200 MB blob: too large" grep -q "^$D/lon.md:1: error: file too large (200000000 bytes" "$TMP/err"
check "200 MB blob decided from the header: peak RSS under 150 MB" [ "${rss:-999999}" -lt 153600 ]
check "bounded: under 60 s" [ $((end - start)) -lt 60 ]

start=$(date +%s)
/usr/bin/time -f '%M' -o "$TMP/rss2" "$LOA" build --ref many --out "$TMP/www/many" --now 2023-06-01 --jobs 2 2> "$TMP/err2"
st2=$?
end=$(date +%s)
grep -v "not part of a page bundle" "$TMP/err2"
echo "($(grep -c "not part of a page bundle" "$TMP/err2") 'not part of a page bundle' warnings not shown)"
rss2=$(tail -n 1 "$TMP/rss2")
echo "build of 100,001 files: $((end - start)) s, peak RSS $rss2 KB"
check "100,001 files: exit 1" [ "$st2" -eq 1 ]
check "100,001 files: the listing stops at the cap" grep -q "error: more than 100000 files; listing stopped" "$TMP/err2"
check "100,001 files: peak RSS under 300 MB" [ "${rss2:-999999}" -lt 307200 ]
check "100,001 files: under 60 s" [ $((end - start)) -lt 60 ]
rm -rf "$TMP/www/many"
check "the valid article beside the hostile names is published" test -s "$S/tin-tuc/dong-thai/doc/index.html"
check "the bundle beside a '..' entry is published" test -s "$S/tin-tuc/dong-thai/bo-anh/ok.png"
check "the rest of the site is built" test -s "$S/tin-tuc/dong-thai/bua-an-ban-tru-dam-bao-dinh-duong/index.html"
find "$R" "$HOME" "$TMP/www" -newer "$TMP/marker" ! -path "$TMP/www" ! -path "$S" ! -path "$S/*" \
	! -path "$TMP/www/.loa-cache" ! -path "$TMP/www/.loa-cache/*" > "$TMP/touched"
cat "$TMP/touched"
check "nothing written outside the output folder" [ ! -s "$TMP/touched" ]
check "nothing beside the output folder" [ -z "$(ls -A "$TMP/www" | grep -v -x -e site -e .loa-cache)" ]
check "no hostile name escaped into the output" [ -z "$(find "$S" -name '.GIT' -o -name '.git*' -o -name 'Git~1' -o -name 'x.md')" ]
finish
