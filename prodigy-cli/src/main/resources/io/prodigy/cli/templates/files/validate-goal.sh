#!/bin/sh
# Scores GOAL.md for the goal-seek workflow and prints the result as JSON on standard output:
#   {"completion_percentage": N, "status": "complete"|"incomplete", "gaps": {"1": "criterion", ...}}
# A criterion is a checklist line of GOAL.md: "- [ ] text" (open) or "- [x] text" (done). A criterion that ends in
# a command between backquotes is checked by running it instead: "- [ ] tests pass `make test`".
set -u
goal=${GOAL_FILE:-GOAL.md}
if [ ! -f "$goal" ]; then
    echo "validate-goal.sh: $goal not found (write the goal as a checklist of '- [ ] criterion' lines)" >&2
    exit 2
fi
total=0
done=0
gaps=""
tab=$(printf '\t')
while IFS= read -r line; do
    case "$line" in
        "- [ ] "*|"- [x] "*|"- [X] "*|"* [ ] "*|"* [x] "*) ;;
        *) continue ;;
    esac
    total=$((total + 1))
    text=${line#*] }
    check=$(printf '%s' "$text" | sed -n 's/.*`\([^`]*\)`[[:space:]]*$/\1/p')
    ok=0
    if [ -n "$check" ]; then
        if sh -c "$check" >/dev/null 2>&1; then ok=1; fi
    else
        case "$line" in *"[x] "*|*"[X] "*) ok=1 ;; esac
    fi
    if [ "$ok" = 1 ]; then
        done=$((done + 1))
    else
        escaped=$(printf '%s' "$text" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e "s/$tab/ /g")
        gaps="$gaps${gaps:+, }\"$total\": \"$escaped\""
    fi
done < "$goal"
if [ "$total" -eq 0 ]; then
    echo "validate-goal.sh: $goal has no checklist lines ('- [ ] criterion')" >&2
    exit 2
fi
pct=$((done * 100 / total))
status=incomplete
[ "$done" -eq "$total" ] && status=complete
printf '{"completion_percentage": %s, "status": "%s", "gaps": {%s}}\n' "$pct" "$status" "$gaps"
