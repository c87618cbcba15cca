# The sample site of this repository builds cleanly (used with the
# sanitized loa by tests/run.sh: any sanitizer report fails it).
. "$(dirname "$0")/lib.sh"
cp -R "$ROOT/site.yaml" "$ROOT/content" "$TMP/" 
new_repo "$TMP/s" >/dev/null
cp -R "$ROOT/site.yaml" "$ROOT/content" "$TMP/s/"
commit "$TMP/s" "2023-06-01T08:00:00+07:00" "Trung tâm" "tt@example.vn" "sample"
(cd "$TMP/s" && "$LOA" build --out "$TMP/out" --now 2026-11-23 --jobs 2 --quiet) > "$TMP/log" 2>&1
status=$?
cat "$TMP/log"
check "sample site builds with exit 0" [ "$status" -eq 0 ]
check "sample site has a home page" test -s "$TMP/out/index.html"
# the image code runs here too (under AddressSanitizer in tests/run.sh,
# where valgrind cannot run every instruction): the photo is decoded,
# resized and saved as variants
check "sample site: the photo resized into variants" test -s "$(find "$TMP/out" -name 'san-choi-480w.jpg' | head -n 1)"
check "no sanitizer report" lacks "$TMP/log" "Sanitizer"
check "no undefined behaviour reported" lacks "$TMP/log" "runtime error:"
finish
