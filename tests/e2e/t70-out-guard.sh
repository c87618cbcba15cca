# --out is guarded: the repository, its .git, a parent of it, $HOME, / and
# the cache are refused before any work (exit 2, a message saying why and
# what to do), and the repository is intact afterwards, uncommitted files
# and history included. An option value that starts with '-' is a usage
# error. A non-empty folder Loa did not make is refused unless --force; a
# folder Loa published (its .loa-output marker) is replaced.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
echo "chưa commit" > "$R/content/draft-note.txt"   # uncommitted work
mkdir -p "$TMP/www"
snapshot() {
	# what the build of public/ adds is left out: public/, its lock, the cache
	(cd "$R" && find . -path ./public -prune -o -path ./.loa-cache -prune -o \
		-name .public.loa-lock -prune -o -print | LC_ALL=C sort &&
		git status --porcelain | grep -v -e public -e .loa-cache && git log --format=%H%s &&
		cat content/draft-note.txt && git fsck --no-progress 2>&1)
}
snapshot > "$TMP/snap0"

# refused: exit 2, one clear message, nothing touched
refused() { # NAME OUT EXPECTED-TEXT
	"$LOA" build --out "$2" --now 2023-06-01 > "$TMP/out.txt" 2> "$TMP/err.txt"
	st=$?
	check "$1: exit 2" [ $st -eq 2 ]
	check "$1: says why" contains "$TMP/err.txt" "$3"
	check "$1: says what to do" contains "$TMP/err.txt" "Choose a new folder"
	check "$1: before any work" lacks "$TMP/err.txt" "pages"
}
refused "the repository (.)" . "is the repository"
refused "the repository (../site)" ../site "is the repository"
refused "the repository (trailing slash)" "$R/" "is the repository"
refused "a parent (..)" .. "is inside it"
refused "a parent (absolute)" "$TMP" "is inside it"
refused ".git" .git "git's folder"
refused "inside .git" .git/refs "git's folder"
refused "the home folder" "$HOME" "home folder"
refused "/" / "root folder"
refused "the cache" "$TMP/www/.loa-cache" ".loa-cache"
ln -s "$R" "$TMP/www/link-to-repo"
refused "a symlink to the repository" "$TMP/www/link-to-repo" "is the repository"
refused "a path through .." "$TMP/www/../site" "is the repository"
"$LOA" build --out .. --format json > "$TMP/out.json" 2> /dev/null
check "--format json: the refusal is a JSON result with status 2" \
	grep -q '^{"status":2,.*"message_en":"cannot publish to ..: the repository' "$TMP/out.json"
snapshot > "$TMP/snap1"
check "the repository is intact (files, uncommitted file, history)" diff "$TMP/snap0" "$TMP/snap1"

# a value that looks like an option is a usage error, in every command
"$LOA" build --out --no-cache 2> "$TMP/err.txt"
check "--out --no-cache: exit 2" [ $? -eq 2 ]
check "--out --no-cache: says so" contains "$TMP/err.txt" "--out needs a value"
check "--out --no-cache: no folder made" test ! -e "$R/--no-cache"
for args in "build --repo --quiet" "build --ref --worktree" "build --jobs -1" "build --wait --quiet" \
	"check --repo --drafts" "review --repo --drafts a..b" "serve --port --future" \
	"new news T --school --repo" "build --lang --quiet"; do
	# shellcheck disable=SC2086
	"$LOA" $args > /dev/null 2>&1
	check "'loa $args' is a usage error" [ $? -eq 2 ]
done
"$LOA" build --out ./--odd-name --now 2023-06-01 --quiet
check "a name starting with - given as ./-name works" test -f "$R/--odd-name/index.html"
rm -rf "$R/--odd-name" "$R/.--odd-name.loa-lock"

# inside the work tree is fine (make site publishes public/)
"$LOA" build --out public --now 2023-06-01 --quiet
check "public/ inside the work tree: published" test -f "$R/public/index.html"
check "the output is marked" test -f "$R/public/.loa-output"
"$LOA" build --out public --now 2023-06-01 --quiet --no-cache
check "a folder Loa made is replaced" [ $? -eq 0 ]

# a foreign non-empty folder: refused, then replaced with --force
mkdir -p "$TMP/www/photos"
echo "ảnh" > "$TMP/www/photos/album.txt"
"$LOA" build --out "$TMP/www/photos" --now 2023-06-01 2> "$TMP/err.txt"
check "foreign folder: exit 2" [ $? -eq 2 ]
check "foreign folder: says why" contains "$TMP/err.txt" "Loa did not make it"
check "foreign folder: says --force" contains "$TMP/err.txt" "--force"
check "foreign folder: untouched" test -f "$TMP/www/photos/album.txt"
"$LOA" build --out "$TMP/www/photos" --now 2023-06-01 --quiet --force
check "--force: published" test -f "$TMP/www/photos/index.html"
check "--force: the old content replaced" test ! -e "$TMP/www/photos/album.txt"
mkdir -p "$TMP/www/empty"
"$LOA" build --out "$TMP/www/empty" --now 2023-06-01 --quiet
check "an empty existing folder is fine" test -f "$TMP/www/empty/index.html"
echo x > "$TMP/www/a-file"
"$LOA" build --out "$TMP/www/a-file" --now 2023-06-01 2> "$TMP/err.txt"
check "a file: exit 2" [ $? -eq 2 ]
check "a file: untouched" [ "$(cat "$TMP/www/a-file")" = x ]
"$LOA" build --out "$TMP/nope/site" --now 2023-06-01 2> "$TMP/err.txt"
check "a missing parent folder: exit 2" [ $? -eq 2 ]
check "a missing parent folder: before any work" lacks "$TMP/err.txt" "pages"
snapshot > "$TMP/snap2"
check "the repository is still intact" diff "$TMP/snap0" "$TMP/snap2"
finish
