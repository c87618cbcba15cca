#!/bin/sh
# A rebuild with nothing changed, timed N times, alternating two loa
# binaries on the same corpus (each with its own output folder), so a
# loaded machine slows both alike. Usage: sh scripts/incr-nochange.sh REPO OLD NEW [N]
set -eu
repo=$1 old=$2 new=$3 n=${4:-5}
d=$(mktemp -d /dev/shm/incr-nochange.XXXXXX)
mkdir -p "$d/old" "$d/new"
"$old" build --repo "$repo" --out "$d/old/site" --quiet || [ $? -eq 1 ]
"$new" build --repo "$repo" --out "$d/new/site" --quiet || [ $? -eq 1 ]
for i in $(seq "$n"); do
    for w in old new; do
        eval bin=\$$w
        /usr/bin/time -f "$w %e s wall %U+%S s cpu" "$bin" build --repo "$repo" --out "$d/$w/site" --quiet 2>&1 || true
    done
done | sort
rm -rf "$d"
