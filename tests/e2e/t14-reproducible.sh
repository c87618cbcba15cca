# Same commit and same --now give the same bytes, whatever the number of
# workers, time zone, locale, umask or working directory.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
"$LOA" build --out "$TMP/a" --now 2023-06-01 --jobs 1 --quiet
(umask 077; cd /; TZ=America/New_York LANG=vi_VN.UTF-8 LC_ALL=vi_VN.UTF-8 \
	"$LOA" build --repo "$R" --out "$TMP/b" --now 2023-06-01 --jobs 2 --quiet)
check "two builds are byte-identical" diff -r "$TMP/a" "$TMP/b"
check "file modes do not follow umask" [ "$(stat -c %a "$TMP/b/index.html")" = 644 ]
finish
