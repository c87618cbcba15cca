# The folders of generator/ include each other without a cycle
# (scripts/check-layers.py), and the check does catch one.
. "$(dirname "$0")/lib.sh"
CHECK="$ROOT/scripts/check-layers.py"
python3 "$CHECK" "$ROOT/generator" > "$TMP/real" 2>&1
status=$?
cat "$TMP/real"
check "layers: no include cycle between generator/'s folders" [ "$status" -eq 0 ]

# a tiny tree with a cycle a -> b -> c -> a, and a folder d outside it
F="$TMP/fake"
write "$F/a/one.c" <<'C'
#include "a/one.h"
#include "b/two.h"
C
write "$F/b/two.h" <<'C'
#include <stdio.h>
#include "c/three.h"
C
write "$F/c/three.c" <<'C'
/* three */
#include "d/four.h"
#include "a/one.h"
C
write "$F/d/four.h" <<'C'
#include "base/missing.h"
C
python3 "$CHECK" "$F" > "$TMP/fake.out" 2>&1
status=$?
cat "$TMP/fake.out"
check "layers: a cycle fails the check" [ "$status" -eq 1 ]
check "layers: the cycle is named" contains "$TMP/fake.out" "include cycle: a -> b -> c -> a"
check "layers: with the file:line of each include on it" \
	sh -c "grep -qF 'a -> b: $F/a/one.c:2' '$TMP/fake.out' && grep -qF 'b -> c: $F/b/two.h:2' '$TMP/fake.out' && grep -qF 'c -> a: $F/c/three.c:3' '$TMP/fake.out'"
check "layers: a folder outside the cycle is not blamed" lacks "$TMP/fake.out" "d ->"
# the cycle broken: the same tree passes
sed -i '/"a\/one.h"/d' "$F/c/three.c"
python3 "$CHECK" "$F" > "$TMP/fixed.out" 2>&1
check "layers: the tree passes once the cycle is broken" [ $? -eq 0 ]
finish
