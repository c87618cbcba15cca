#!/bin/sh
# A standby site that fails its check is emptied before the new site is
# written into it. When it cannot be emptied (a file that cannot be
# removed: here a folder of it is a mount point, or, without root, a
# folder made read-only), nothing of it may reach the new site: the build
# stops with one error naming the output, publishes nothing, and the live
# site stays byte-identical. Once the obstacle is gone the next build
# publishes the same site as a --no-cache build.
. "$(dirname "$0")/lib.sh"

S="$TMP/site"
basic_site "$S"
NOW=2023-05-20
W="$TMP/w"
OUT="$W/public"
SB="$W/.loa-cache/render/public/standby"
mkdir -p "$W"
n=0

build
touch_other
build
check "second build: exit 0" test $? -eq 0
DIR=$(cd "$SB" && find . -mindepth 2 -name index.html | head -n 1 | xargs dirname)
DIR=${DIR#./}
check "the standby holds a page folder" test -n "$DIR" -a -d "$SB/$DIR"

# the obstacle: a folder of the standby that cannot be emptied
stuck=
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$SB/$DIR" 2> /dev/null; then
	stuck=mount
	echo planted > "$SB/$DIR/index.html"
	unstick() {
		grep -F " $W/" /proc/self/mounts | cut -d' ' -f2 | while read -r m; do
			umount "$m"
		done
	}
	trap 'unstick 2>/dev/null; rm -rf "$TMP"' EXIT
elif [ "$(id -u)" -ne 0 ]; then
	stuck=chmod
	echo planted > "$SB/$DIR/planted.html"
	chmod 0555 "$SB/$DIR"
	unstick() { find "$W" -type d ! -perm -0200 -exec chmod 0755 {} +; }
	trap 'unstick 2>/dev/null; rm -rf "$TMP"' EXIT
fi
if [ -z "$stuck" ]; then
	echo "SKIP standby that cannot be emptied: cannot mount a tmpfs here"
	exit 0
fi

cp -a "$OUT" "$TMP/before"
touch_other
build
st=$?
check "stuck standby ($stuck): exit 2" test "$st" -eq 2
check "stuck standby: exactly one error line" test "$(grep -c '^error' "$TMP/b.log")" -eq 1
check "stuck standby: the error names the output" grep -q "^error: .*$OUT" "$TMP/b.log"
check "stuck standby: the error says the kept site cannot be emptied" \
	grep -q "cannot be emptied" "$TMP/b.log"
check "stuck standby: nothing published" contains "$TMP/b.log" "nothing published"
check "stuck standby: the live site is byte-identical" diff -r "$TMP/before" "$OUT"
check "stuck standby: the planted file is not published" \
	sh -c "! grep -rqx planted '$OUT'"

# the obstacle gone: the next build publishes the right site
unstick
build
check "after: exit 0" test $? -eq 0
check "after: no temporary folder left" \
	sh -c "[ -z \"\$(ls -A '$W' | grep -e '\.loa-tmp-' -e '\.loa-old-')\" ]"
rm -rf "$TMP/full"
mkdir -p "$TMP/full"
"$LOA" build --repo "$S" --out "$TMP/full/public" --now "$NOW" --no-cache --lang en \
	> /dev/null 2>&1
check "after: the output equals a --no-cache build" diff -r "$OUT" "$TMP/full/public"
check "after: the planted file is not published" sh -c "! grep -rqx planted '$OUT'"
finish
