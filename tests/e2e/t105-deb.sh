# Install without building (issue 15, point 6): `make deb`'s script packs
# the binary under test as loa_VERSION_ARCH.deb; extracted with dpkg-deb
# into a temporary folder, it holds the binary, the theme and plugins in
# /usr/share/loa and the man page; every shared library the binary loads
# belongs to a declared dependency (directly for the libraries it names,
# through their dependencies for the rest); and the extracted binary,
# finding its data beside itself, builds a small site.
. "$(dirname "$0")/lib.sh"
command -v dpkg-deb > /dev/null || { echo "FAIL dpkg-deb is needed"; exit 1; }
VERSION=$("$LOA" --version | awk '{ print $2 }')
ARCH=$(dpkg --print-architecture)
sh "$ROOT/scripts/mkdeb.sh" "$LOA" "$TMP/deb" > "$TMP/mk.out" 2> "$TMP/mk.err"
st=$?
cat "$TMP/mk.err"
DEB="$TMP/deb/loa_${VERSION}_$ARCH.deb"
check "the package is built" [ "$st" -eq 0 -a -f "$DEB" ]
check "its name is loa_VERSION_ARCH.deb" grep -qxF "$DEB" "$TMP/mk.out"
check "the Makefile has the deb target" grep -q '^deb:' "$ROOT/Makefile"

dpkg-deb -f "$DEB" Package Version Architecture > "$TMP/fields"
check "control: package, version, architecture" \
	[ "$(cat "$TMP/fields")" = "$(printf 'Package: loa\nVersion: %s\nArchitecture: %s' "$VERSION" "$ARCH")" ]
dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep . | sort -u > "$TMP/depends"
echo "declared:" $(cat "$TMP/depends")
for p in libvips42 libgit2-1.5 liblua5.4-0 libyaml-0-2 libicu72 libmicrohttpd12 libheif1; do
	check "depends on $p" grep -qx "$p" "$TMP/depends"
done
check "depends on cmark-gfm" grep -q '^libcmark-gfm0' "$TMP/depends"

X="$TMP/root"
dpkg-deb -x "$DEB" "$X"
check "contents: /usr/bin/loa, executable" [ -x "$X/usr/bin/loa" ]
check "contents: the default theme in /usr/share/loa" [ -f "$X/usr/share/loa/themes/default/layouts/base.html" ]
check "contents: the plugins in /usr/share/loa" [ -f "$X/usr/share/loa/plugins/feeds.lua" ]
check "contents: the libvips module in /usr/lib/loa" [ -f "$X/usr/lib/loa/loa-images.so" ]
check "the binary itself does not load libvips" sh -c '! ldd "$1" | grep -q libvips' - "$X/usr/bin/loa"
check "the module loads libvips" sh -c 'ldd "$1" | grep -q libvips' - "$X/usr/lib/loa/loa-images.so"
check "contents: the man page" sh -c 'gzip -dc "$1" | grep -q "^\.TH LOA"' - "$X/usr/share/man/man1/loa.1.gz"
check "contents: every theme and plugin file of the tree" \
	[ "$(cd "$ROOT" && find themes plugins -type f | sort | md5sum)" = "$(cd "$X/usr/share/loa" && find themes plugins -type f | sort | md5sum)" ]
check "contents: nothing outside /usr" [ "$(ls "$X")" = usr ]

# every library: the ones the binary names are declared dependencies;
# every one ldd loads comes from a package the declared ones pull in
ldd "$X/usr/bin/loa" > "$TMP/ldd"
check "ldd finds every library" lacks "$TMP/ldd" "not found"
# libs_declared DEPENDS_FILE: 0 when every library is covered
libs_declared() {
python3 - "$X/usr/bin/loa" "$TMP/ldd" "$1" > "$TMP/libs" 2>&1 <<'PY'
import os, re, subprocess, sys
binary, ldd, declared = sys.argv[1], sys.argv[2], set(open(sys.argv[3]).read().split())
def variants(path):
    out = []
    for p in (path, os.path.realpath(path)):
        out.append(p)
        # merged /usr: dpkg knows a file by the path its package ships
        out.append(p.replace("/usr/lib/", "/lib/", 1) if p.startswith("/usr/lib/") else p.replace("/lib/", "/usr/lib/", 1))
    return out
OWNERS = {}
def find_owners(paths):
    # one dpkg -S for every path: each call reads dpkg's whole database
    cands = sorted({v for p in paths for v in variants(p)})
    r = subprocess.run(["dpkg", "-S"] + cands, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        pkgs, f = line.split(": ", 1)
        OWNERS[f] = pkgs.split(",")[0].split(":")[0].strip()
def owner(path):
    for v in variants(path):
        if v in OWNERS:
            return OWNERS[v]
    return None
# every installed package's dependencies, read once
DEPS = {}
r = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n"], capture_output=True, text=True)
for line in r.stdout.splitlines():
    name, _, rest = line.partition("\t")
    out = DEPS.setdefault(name.split(":")[0], set())
    for alt in rest.split(","):
        for d in alt.split("|"):
            d = d.strip().split(" ")[0].split(":")[0]
            if d:
                out.add(d)
def deps(pkg):
    return DEPS.get(pkg, set())
closure, todo = set(), list(declared)
while todo:
    p = todo.pop()
    if p in closure:
        continue
    closure.add(p)
    todo.extend(deps(p) - closure)
needed = re.findall(r"NEEDED\s+(\S+)", subprocess.run(["objdump", "-p", binary], capture_output=True, text=True).stdout)
paths = dict(re.findall(r"^\s*(\S+) => (\S+)", open(ldd).read(), re.M))
find_owners(paths.values())
bad = 0
for lib, path in sorted(paths.items()):
    pkg = owner(path)
    direct = lib in needed
    ok = pkg is not None and (pkg in declared if direct else pkg in closure)
    print(("ok  " if ok else "BAD ") + lib + " " + str(pkg) + (" (named by loa)" if direct else ""))
    bad += not ok
for lib in needed:
    if lib not in paths:
        print("BAD " + lib + " not resolved"); bad += 1
sys.exit(1 if bad else 0)
PY
}
libs_declared "$TMP/depends"
st=$?
grep BAD "$TMP/libs"
check "every library belongs to a declared dependency (dpkg -S)" [ "$st" -eq 0 ]
check "the libraries loa names were checked" [ "$(grep -c 'named by loa' "$TMP/libs")" -ge 8 ]

# without dpkg-shlibdeps, the script's own list: it must cover ldd too
LOA_DEB_FALLBACK=1 sh "$ROOT/scripts/mkdeb.sh" "$LOA" "$TMP/deb2" > /dev/null 2>&1
dpkg-deb -f "$TMP/deb2/loa_${VERSION}_$ARCH.deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep . | sort -u > "$TMP/depends2"
check "the fallback list is the one used (no version constraints)" \
	sh -c '! dpkg-deb -f "$1" Depends | grep -qF "("' - "$TMP/deb2/loa_${VERSION}_$ARCH.deb"
libs_declared "$TMP/depends2"
st=$?
grep BAD "$TMP/libs"
check "the hand-kept list covers every library too" [ "$st" -eq 0 ]

# the extracted binary builds a small site with the packaged theme
S="$TMP/site"
basic_site "$S"
check "the extracted binary reports its version" [ "$(env -u LOA_DATADIR "$X/usr/bin/loa" --version)" = "loa $VERSION" ]
(cd "$S" && env -u LOA_DATADIR "$X/usr/bin/loa" build --out public --now 2026-11-23) > "$TMP/b.out" 2> "$TMP/b.err"
st=$?
cat "$TMP/b.err"
check "the extracted binary builds the site (data found in its own tree)" [ "$st" -eq 0 ]
check "the site has its pages and the packaged theme's stylesheet" \
	[ -f "$S/public/index.html" -a -n "$(find "$S/public" -name '*.css' | head -n 1)" ]
# an image: the packaged binary finds its module in ../lib/loa
B="$S/content/news/dong-thai/anh"
write "$B/index.md" <<'MD'
---
title: "Ảnh"
date: 2026-11-20
---
![Ảnh](anh.png)
MD
vips black "$B/anh.png" 700 300
commit "$S" "2026-11-21T08:00:00+07:00" "Trường" "x@example.vn" "ảnh"
rm -rf "$S/public"
(cd "$S" && env -u LOA_DATADIR "$X/usr/bin/loa" build --out public --now 2026-11-23) > "$TMP/b.out" 2> "$TMP/b.err"
st=$?
cat "$TMP/b.err"
check "the extracted binary processes an image with its module" \
	[ "$st" -eq 0 -a -n "$(find "$S/public" -name 'anh-480w.png' | head -n 1)" ]
(cd "$S" && LOA_DATADIR="$X/usr/share/loa" "$X/usr/bin/loa" check --now 2026-11-23) > /dev/null 2> "$TMP/c.err"
check "with LOA_DATADIR pointing into the extracted tree, check passes" [ $? -eq 0 ]
finish
