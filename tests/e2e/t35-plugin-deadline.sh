# Plugin code is held to a wall-clock deadline even inside a C function
# (a pattern match on hostile text, where Lua's count hook never fires):
# the build is stopped, the plugin stage named, exit 2, nothing published.
. "$(dirname "$0")/lib.sh"
R="$TMP/site"
basic_site "$R"
cd "$R"
"$LOA" build --out public --now 2023-06-01 --quiet
cp -R public "$TMP/before"
cat >> site.yaml <<'YAML'
limits:
  plugin_seconds: 1
YAML
mkdir -p plugins
write plugins/cham.lua <<'LUA'
-- backtracking that takes minutes inside string.find (a C function)
loa.on("before_render", function()
  local s = ("a"):rep(5000)
  string.find(s, ".-.-.-.-b$")
end)
LUA
commit "$R" "2023-03-06T08:00:00+07:00" "Trung tâm" "tt@example.vn" "plugin chậm"
start=$(date +%s)
"$LOA" build --out public --now 2023-06-01 --quiet 2> "$TMP/err"
st=$?
end=$(date +%s)
cat "$TMP/err"
check "a runaway plugin exits 2" [ "$st" -eq 2 ]
check "the stage is named" contains "$TMP/err" "before_render"
check "the deadline is said" contains "$TMP/err" "ran over 1 s"
# the pattern match alone would take hours: 60 s is far from both that and
# any machine's speed (a 1 s deadline plus a small site)
check "stopped within a bounded time (under 60 s, not hours)" [ $((end - start)) -lt 60 ]
check "previous site stays whole" diff -r "$TMP/before" public
# the killed builder may take a moment to be reaped on a loaded machine
gone() { ! pgrep -f "^$LOA build" > /dev/null; }
n=50
while [ $n -gt 0 ] && ! gone; do sleep 0.1; n=$((n - 1)); done
check "no builder left running (within 5 s)" gone
finish
