# Hostile git trees (HOSTILE.md §2, cases 1-5): entries named `..`, `.git`,
# `GIT~1`, with backslashes or control bytes, a symlink to /etc/passwd, a
# submodule and duplicate names — made with git plumbing, since git itself
# refuses to create them. Each is an error naming the path; the rest of the
# site is built; nothing is written outside the output folder.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
good=$(printf -- '---\ntitle: "Bài hợp lệ"\ndate: 2023-01-02\n---\nx\n' | git hash-object -w --stdin)
evil=$(printf -- '---\ntitle: "Độc"\ndate: 2023-01-02\n---\nx\n' | git hash-object -w --stdin)
link=$(printf '/etc/passwd' | git hash-object -w --stdin)
sub=$(git rev-parse HEAD)
# a tree is "<mode> <name>\0<20-byte id>" per entry; python writes the bytes
python3 - "$good" "$evil" "$link" "$sub" > "$TMP/tree.bin" <<'PY'
import sys
good, evil, link, sub = (bytes.fromhex(h) for h in sys.argv[1:5])
def entry(mode, name, oid):
    return mode + b" " + name + b"\0" + oid
inner = entry(b"100644", b"x.md", evil)
sys.stdout.buffer.write(b"".join([
    entry(b"100644", b"a\\b.md", evil),
    entry(b"100644", b"bai-hop-le.md", good),
    entry(b"100644", b"dup.md", evil),
    entry(b"100644", b"dup.md", evil),
    entry(b"100644", b"esc\x1b[2J.md", evil),
    entry(b"120000", b"link.md", link),
    entry(b"100644", b"new\nline.md", evil),
    entry(b"160000", b"sub", sub),
]))
PY
school_tree=$(git hash-object -t tree --literally -w "$TMP/tree.bin")
# the inner trees `..` and `.git` (each holding x.md) beside content/
inner=$(python3 -c '
import sys
oid = bytes.fromhex(sys.argv[1])
sys.stdout.buffer.write(b"100644 x.md\0" + oid)' "$evil" | git hash-object -t tree --literally -w --stdin)
# rebuild content/news/ with the hostile school folder, then content/
news=$(git ls-tree HEAD content/news/ | sed 's|content/news/||')
news_tree=$( { printf '%s\n' "$news"; printf '040000 tree %s\tdong-thai\n' "$school_tree"; } | grep -v "	dong-thai$" | { cat; printf '040000 tree %s\tdong-thai\n' "$school_tree"; } | git mktree)
content_tree=$( { git ls-tree HEAD content/ | sed 's|content/||' | grep -v "	news$"; printf '040000 tree %s\tnews\n' "$news_tree"; } | git mktree)
python3 - "$content_tree" "$inner" > "$TMP/content.bin" <<'PY'
import subprocess, sys
content, inner = sys.argv[1], bytes.fromhex(sys.argv[2])
raw = subprocess.run(["git", "cat-file", "tree", content], capture_output=True, check=True).stdout
sys.stdout.buffer.write(b"40000 ..\0" + inner + b"40000 .git\0" + inner + b"40000 GIT~1\0" + inner + raw)
PY
content_tree=$(git hash-object -t tree --literally -w "$TMP/content.bin")
root_tree=$( { git ls-tree HEAD | grep -v "	content$"; printf '040000 tree %s\tcontent\n' "$content_tree"; } | git mktree)
commit=$(GIT_AUTHOR_DATE="2023-03-03T10:00:00+07:00" GIT_COMMITTER_DATE="2023-03-03T10:00:00+07:00" git commit-tree "$root_tree" -p HEAD -m "hostile")
git update-ref refs/heads/hostile "$commit"

mkdir -p "$TMP/www"
: > "$TMP/err"
before=$(ls -A "$TMP")
"$LOA" build --ref hostile --out "$TMP/www/site" --now 2023-06-01 2> "$TMP/err"
st=$?
cat "$TMP/err"
check "hostile tree: published with rejections (exit 1)" [ "$st" -eq 1 ]
check "'..' entry rejected" grep -q 'content/\.\.: error' "$TMP/err"
check "'.git' entry rejected" grep -q 'content/\.git: error' "$TMP/err"
check "'GIT~1' entry rejected" grep -q 'GIT~1: error' "$TMP/err"
check "backslash in a name rejected" grep -q 'a\\b.md: error' "$TMP/err"
check "control bytes shown escaped, never raw" grep -q 'esc\\x1b\[2J.md: error' "$TMP/err"
check "newline in a name shown escaped" grep -q 'new\\x0aline.md: error' "$TMP/err"
check "symlink reported, never followed" grep -q 'link.md: error: .*symbolic link' "$TMP/err"
check "submodule reported" grep -q 'dong-thai/sub: error: .*submodule' "$TMP/err"
check "duplicate entry reported" grep -q 'dup.md: error: .*duplicate' "$TMP/err"
check "the valid article beside them is published" test -s "$TMP/www/site/tin-tuc/dong-thai/bai-hop-le/index.html"
check "the rest of the site is built" test -s "$TMP/www/site/truong/dong-thai/index.html"
check "/etc/passwd never read into the site" sh -c "! grep -rq 'root:x:0' '$TMP/www/site'"
check "nothing written outside the output folder" [ "$(ls -A "$TMP")" = "$before" ]
check "nothing beside the output folder but its cache" [ "$(ls -A "$TMP/www" | tr '\n' ' ')" = ".loa-cache site " ]
check "no hostile path escaped into the output" sh -c "! find '$TMP/www/site' -name 'x.md' -o -name '*passwd*' | grep -q ."
finish
