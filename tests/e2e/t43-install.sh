# `make install PREFIX=...` installs the binary, the default theme and the
# plugins, and the installed loa finds them without help.
. "$(dirname "$0")/lib.sh"
make -s -C "$ROOT" install PREFIX="$TMP/prefix" > "$TMP/install.log" 2>&1
check "make install succeeds" [ $? -eq 0 ]
check "binary installed" test -x "$TMP/prefix/bin/loa"
check "default theme installed" test -s "$TMP/prefix/share/loa/themes/default/layouts/base.html"
check "plugins installed" test -s "$TMP/prefix/share/loa/plugins/lists.lua"
R="$TMP/site"
basic_site "$R"
cd "$R"
unset LOA_DATADIR
"$TMP/prefix/bin/loa" build --out public --now 2023-06-01 --quiet
check "the installed loa builds a site with its own theme and plugins" test -s public/tin-tuc/index.html
check "--version" sh -c "'$TMP/prefix/bin/loa' --version | grep -q '^loa '"
finish
