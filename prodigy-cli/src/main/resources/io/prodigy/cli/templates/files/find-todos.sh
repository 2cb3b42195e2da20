#!/bin/sh
# A stand-in analyzer for the mapreduce-json workflow: prints the repository's TODO and FIXME comments as a JSON
# report, {"items": [{"file": ..., "line": N, "issue": ..., "severity": N}, ...]} (FIXME 7, TODO 5). Replace it with
# your analyzer's output (or a command that converts it).
tab=$(printf '\t')
printf '{"items": ['
first=1
git grep -n -I -E 'TODO|FIXME' -- ':!.prodigy' ':!.claude' ':!*.yml' 2>/dev/null | while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    text=${rest#*:}
    severity=5
    case "$text" in *FIXME*) severity=7 ;; esac
    issue=$(printf '%s' "$text" | sed -e 's/^[[:space:]]*//' -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/$tab/ /g" \
        | tr -d '\000-\037' | cut -c1-200)
    file=$(printf '%s' "$file" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')
    [ "$first" = 1 ] || printf ', '
    first=0
    printf '{"file": "%s", "line": %s, "issue": "%s", "severity": %s}' "$file" "$line" "$issue" "$severity"
done
printf ']}\n'
