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
check "stopped within a few seconds" [ $((end - start)) -lt 10 ]
check "previous site stays whole" diff -r "$TMP/before" public
sleep 0.2
check "no builder left running" sh -c "! pgrep -f '^$LOA build' >/dev/null"
finish
