#!/bin/sh
# Times Loa's rebuild cases on a git corpus (made with gen_corpus.py, as
# bench/run.py does): full build with no cache, rebuild with nothing
# changed, one article's body changed, one article's title changed.
# Wall and CPU seconds: on a shared machine compare the CPU.
# Usage: sh scripts/incr-bench.sh REPO [LOA] [OUT]
# Branches incr-body and incr-title are made with plumbing (checkout untouched).
set -eu
repo=$1
loa=${2:-$(pwd)/build/loa}
out=${3:-/dev/shm/incr-bench-out/site}
export GIT_AUTHOR_DATE="2026-01-01T00:00:00+0700" GIT_COMMITTER_DATE="2026-01-01T00:00:00+0700"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@loa.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@loa.invalid
path=$(git -C "$repo" ls-tree -r --name-only HEAD content/news | grep '\.md$' | grep -v '_index.md' | sort | head -1)

branch() { # NAME SED-SCRIPT
    tmp=$(mktemp)
    git -C "$repo" show "HEAD:$path" | sed "$2" > "$tmp"
    blob=$(git -C "$repo" hash-object -w "$tmp")
    rm -f "$tmp"
    idx=$(mktemp -u)
    GIT_INDEX_FILE=$idx git -C "$repo" read-tree HEAD
    GIT_INDEX_FILE=$idx git -C "$repo" update-index --cacheinfo "100644,$blob,$path"
    tree=$(GIT_INDEX_FILE=$idx git -C "$repo" write-tree)
    rm -f "$idx"
    c=$(git -C "$repo" commit-tree "$tree" -p HEAD -m "incr-bench: $1")
    git -C "$repo" update-ref "refs/heads/$1" "$c"
}
branch incr-body '$a\
Cập nhật: bài viết được bổ sung một câu.'
branch incr-title '0,/^title:/s/^title: *"\{0,1\}/&Sửa: /'

tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
t() { # LABEL ARGS...: wall and CPU (user+system, workers included)
    label=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$tmpd/time" \
        "$loa" build --repo "$repo" --out "$out" --quiet "$@" 2>"$tmpd/err" || [ $? -eq 1 ]
    read -r wall user sys < "$tmpd/time"
    printf '%-12s %6.2f s wall %6.2f s cpu\n' "$label" "$wall" "$(echo "$user + $sys" | bc)"
    [ -z "${TIMINGS:-}" ] || grep -a timing "$tmpd/err" | sed 's/^/    /'
}
rm -rf "$(dirname "$out")"; mkdir -p "$(dirname "$out")"
t full --no-cache
t prime
t nochange
t body --ref incr-body
t back
t title --ref incr-title
