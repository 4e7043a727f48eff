#!/usr/bin/env bash
# Times `iamform validate` (and `fmt`) on configurations an attacker can write: large for_each and
# toset, a long operator chain, doubling locals, deep nesting in --var values, in a file given to
# fmt and in template directives, a template that includes itself.
#
#   bash benches/hostile.sh [BINARY] [RUNS]
#
# BINARY defaults to target/release/iamform (build it with `cargo build --release`). Prints, per
# case, the median wall time of RUNS runs (default 5), the exit status and the first line of
# stderr. Each run is limited to 4 GiB of memory and 120 s. CASES="a b" runs only those
# configuration cases.
set -euo pipefail
bin=${1:-target/release/iamform}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case_dir() { mkdir -p "$work/$1" && echo "$work/$1"; }

d=$(case_dir for_each_10k)
python3 - "$d" <<'EOF'
import sys
names = ", ".join(f'"u{i}"' for i in range(10000))
open(sys.argv[1] + "/main.hcl", "w").write(
    f'locals {{\n  users = [{names}]\n}}\nuser "u" {{\n  for_each = toset(local.users)\n  tags = {{ n = each.value }}\n}}\n')
EOF
d=$(case_dir for_each_20k)
python3 - "$d" <<'EOF'
import sys
names = ", ".join(f'"u{i}"' for i in range(20000))
open(sys.argv[1] + "/main.hcl", "w").write(
    f'locals {{\n  users = [{names}]\n}}\nuser "u" {{\n  for_each = toset(local.users)\n  tags = {{ n = each.value }}\n}}\n')
EOF
d=$(case_dir plain_10k)
python3 - "$d" <<'EOF'
import sys
open(sys.argv[1] + "/main.hcl", "w").write(
    "".join(f'user "u{i}" {{\n  tags = {{ n = "{i}" }}\n}}\n' for i in range(10000)))
EOF
d=$(case_dir toset_40k)
python3 - "$d" <<'EOF'
import sys
items = ", ".join(f'"n{i}"' for i in range(40000))
open(sys.argv[1] + "/main.hcl", "w").write(f'locals {{\n  s = toset([{items}])\n}}\nuser "u" {{}}\n')
EOF
d=$(case_dir minus_chain_100k)
python3 - "$d" <<'EOF'
import sys
open(sys.argv[1] + "/main.hcl", "w").write("locals {\n  x = " + "-".join(["1"] * 100000) + "\n}\nuser \"u\" {}\n")
EOF
d=$(case_dir doubling_locals_40)
python3 - "$d" <<'EOF'
import sys
lines = ['  a0 = "xx"'] + [f'  a{i} = "${{local.a{i-1}}}${{local.a{i-1}}}"' for i in range(1, 41)]
open(sys.argv[1] + "/main.hcl", "w").write("locals {\n" + "\n".join(lines) + "\n}\nuser \"u\" {\n  tags = { n = length(local.a40) }\n}\n")
EOF
d=$(case_dir template_if_40k)
python3 - "$d" <<'EOF'
import sys
t = "%{ if true }x" * 40000 + "%{ endif }" * 40000
open(sys.argv[1] + "/main.hcl", "w").write(f'locals {{\n  t = "{t}"\n}}\nuser "u" {{}}\n')
EOF
d=$(case_dir self_template)
printf '${templatefile("t.tpl", {})}\n' >"$d/t.tpl"
printf 'locals {\n  t = templatefile("t.tpl", {})\n}\nuser "u" {}\n' >"$d/main.hcl"
d=$(case_dir var_nested_2000)
printf 'variable "x" {\n  default = 1\n}\nuser "u" {}\n' >"$d/main.hcl"
python3 -c 'print("[" * 2000 + "]" * 2000, end="")' >"$work/deep_value"
d=$(case_dir fmt_nested_2000)
python3 - "$d" <<'EOF'
import sys
open(sys.argv[1] + "/main.hcl", "w").write("locals {\n  x = " + "[" * 2000 + "]" * 2000 + "\n}\n")
EOF

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_case() {
  local name=$1
  shift
  local times=() status=0 last=""
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    set +e
    # An inner shell, so that a crash is reported in the stderr file rather than by this shell.
    bash -c 'ulimit -v 4194304; timeout 120 "$@"; exit $?' _ "$@" >/dev/null 2>"$work/stderr"
    status=$?
    set -e
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    last=$(grep -v '^\s*$' "$work/stderr" | head -1 | cut -c1-90 || true)
  done
  printf '%-20s %8.3f s  exit %-3s %s\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" "$status" "$last"
}

for c in ${CASES:-for_each_10k for_each_20k plain_10k toset_40k minus_chain_100k doubling_locals_40 template_if_40k self_template}; do
  run_case "$c" "$bin" validate "$work/$c"
done
if [ -z "${CASES:-}" ]; then
  run_case var_nested_2000 "$bin" validate "$work/var_nested_2000" --var "x=$(cat "$work/deep_value")"
  run_case env_nested_2000 env "IAMFORM_VAR_x=$(cat "$work/deep_value")" "$bin" fmt --check "$work/plain_10k"
  run_case fmt_nested_2000 "$bin" fmt --check "$work/fmt_nested_2000"
fi
