//! `terraform/apply.sh` of the stacks layout: `init` and `apply` of each stack's root module in
//! manifest order, `plan`, and `destroy` in reverse order, each input variable passed as
//! `TF_VAR_<name>` from its producer's `terraform output`. Runs under bash 3.2 (macOS) as well as
//! bash 5: no associative arrays, no `mapfile`, no array that may be empty; needs nothing but
//! bash, `terraform` and `awk` (no `jq`).
//!
//! Terraform reads a `TF_VAR_` value of a `string` variable as it is and parses one of a
//! complex type as HCL, so a string output is read with `terraform output -raw` and a list
//! output with `-json` (a JSON array is an HCL tuple).

use super::stacks::Module;
use crate::plan::Plan;
use crate::render::deploy::sh_quote;
use crate::render::File;
use std::fmt::Write as _;

const HEAD: &str = r#"#!/usr/bin/env bash
# Rendered by mrgen: do not edit; change the environment file and render again.
#
# Runs the Terraform root modules of this environment, one per stack (terraform/<stack>/, each
# with its own state), in manifest order: `terraform/apply.sh --help` says how.
#
# Each value a stack takes from an earlier one is passed as TF_VAR_<name>, read from the
# producing stack's `terraform output` (-raw for a string, -json for a list, which Terraform
# parses as HCL); a *.auto.tfvars file in the stack's folder wins over it: give one when the
# producer's state cannot be read. Terraform's TF_CLI_ARGS_<command> adds arguments (for
# example -target). All stacks share one provider cache: TF_PLUGIN_CACHE_DIR when set, else
# terraform/.plugin-cache. The aws provider itself honours AWS_ENDPOINT_URL (a mock, say).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${TF_PLUGIN_CACHE_DIR:-}" ]; then
  TF_PLUGIN_CACHE_DIR="$here/.plugin-cache"
fi
export TF_PLUGIN_CACHE_DIR
"#;

const RUN: &str = r#"
usage() {
  cat <<'EOF'
usage: terraform/apply.sh COMMAND [STACK...]

  apply     init and apply (-auto-approve) each stack, in manifest order
  plan      init and plan each stack; exit 0 when none has changes, 2 when some
            have (they are listed), 1 on an error
  destroy   init and destroy (-auto-approve) each stack, in reverse order
  list      the stacks, in manifest order, with their regions

STACK... runs only those stacks, still in order: during a regional outage, the
stacks of the regions that answer.
EOF
}

# read_output STACK OUTPUT HOW: one output of an applied stack (HOW: raw or json), initialising
# the stack first when this machine has not (its backend may hold the state).
read_output() {
  if [ ! -d "$here/$1/.terraform" ]; then
    terraform -chdir="$here/$1" init -input=false >/dev/null 2>&1 || true
  fi
  terraform -chdir="$here/$1" output -no-color "-$3" "$2" 2>/dev/null
}

# applied STACK: whether the stack's state holds its outputs (it has been applied).
applied() {
  local out
  if [ ! -d "$here/$1/.terraform" ]; then
    terraform -chdir="$here/$1" init -input=false >/dev/null 2>&1 || true
  fi
  out="$(terraform -chdir="$here/$1" output -no-color -json 2>/dev/null)" || return 1
  [ -n "$out" ] && [ "$out" != "{}" ]
}

# run COMMAND STACK REGION: init, then COMMAND, in the stack's folder with its variables set.
run() {
  local command="$1" stack="$2" region="$3"
  echo "==> $stack ($region): terraform $command"
  (
    local var from output how value log
    while read -r var from output how; do
      [ -n "$var" ] || continue
      if value="$(read_output "$from" "$output" "$how")"; then
        export "TF_VAR_$var=$value"
      else
        echo "apply.sh: $stack: cannot read output $output of $from: give var.$var in a *.auto.tfvars file in terraform/$stack/" >&2
      fi
    done <<EOF
$(inputs "$stack")
EOF
    if ! log="$(terraform -chdir="$here/$stack" init -input=false 2>&1)"; then
      printf '%s\n' "$log" >&2
      exit 1
    fi
    case "$command" in
      apply)
        # A stack whose final settings need a later stack (two-way S3 replication): until that
        # one is applied, only the resources its first pass names.
        set --
        after="$(first_pass "$stack" | head -n 1)"
        if [ -n "$after" ] && ! applied "$after"; then
          echo "==> $stack: first pass, without what needs $after"
          while read -r address; do
            set -- "$@" "-target=$address"
          done <<EOF
$(first_pass "$stack" | tail -n +2)
EOF
        fi
        terraform -chdir="$here/$stack" apply -input=false -auto-approve ${1+"$@"}
        ;;
      plan) terraform -chdir="$here/$stack" plan -input=false -detailed-exitcode ;;
      destroy) terraform -chdir="$here/$stack" destroy -input=false -auto-approve ;;
    esac
  )
}

command="${1:-}"
case "$command" in
  apply | plan | destroy | list) shift ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    echo "apply.sh: unknown command '$command'" >&2
    usage >&2
    exit 2
    ;;
esac

# The stacks to run: those named (each must exist), else all; in order, reversed for destroy.
wanted=" "
for name in ${1+"$@"}; do
  if ! stacks | awk -v n="$name" '$1 == n { found = 1 } END { exit !found }'; then
    echo "apply.sh: no stack '$name'; the stacks are:" >&2
    stacks >&2
    exit 2
  fi
  wanted="$wanted$name "
done
if [ "$command" = list ]; then
  stacks
  exit 0
fi
order="$(stacks)"
if [ "$command" = destroy ]; then
  order="$(printf '%s\n' "$order" | awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }')"
fi
if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
  echo "apply.sh: AWS_ENDPOINT_URL is set: every stack talks to $AWS_ENDPOINT_URL"
fi
mkdir -p "$TF_PLUGIN_CACHE_DIR"

changed=""
while read -r stack region; do
  case "$wanted" in
    " " | *" $stack "*) ;;
    *) continue ;;
  esac
  status=0
  run "$command" "$stack" "$region" </dev/null || status=$?
  if [ "$command" = apply ] && [ "$status" -eq 0 ]; then
    # The final pass of the stacks that waited for this one.
    while read -r later; do
      [ -n "$later" ] || continue
      case "$wanted" in
        " " | *" $later "*) ;;
        *) continue ;;
      esac
      echo "==> $later: final pass, now that $stack is applied"
      run apply "$later" "$(stacks | awk -v n="$later" '$1 == n { print $2 }')" </dev/null || status=$?
    done <<EOF2
$(finals_after "$stack")
EOF2
  fi
  if [ "$command" = plan ] && [ "$status" -eq 2 ]; then
    changed="$changed $stack"
  elif [ "$status" -ne 0 ]; then
    echo "apply.sh: terraform $command failed in $stack (exit $status)" >&2
    exit 1
  fi
done <<EOF
$order
EOF

if [ "$command" = plan ]; then
  if [ -n "$changed" ]; then
    echo "apply.sh: changes planned in:$changed"
    exit 2
  fi
  echo "apply.sh: no changes in any stack"
fi
"#;

/// The script, for the modules in manifest order.
pub(super) fn render(plan: &Plan, modules: &[Module]) -> File {
    let mut s = HEAD.to_string();
    let _ = writeln!(
        s,
        "\n# The stacks of {}, in manifest order: name and region.",
        plan.environment
    );
    s.push_str("stacks() {\n  cat <<'EOF'\n");
    for m in modules {
        let _ = writeln!(s, "{} {}", m.name, m.region);
    }
    s.push_str("EOF\n}\n\n");
    s.push_str(
        "# inputs STACK: the values STACK takes, one a line: its variable, the producing stack,\n\
         # that stack's output, and how the output is read (raw: a string; json: a list).\n",
    );
    s.push_str("inputs() {\n  case \"$1\" in\n");
    for m in modules.iter().filter(|m| !m.vars.is_empty()) {
        let _ = writeln!(s, "    {})\n      cat <<'EOF'", sh_quote(&m.name));
        for v in &m.vars {
            let how = if v.list { "json" } else { "raw" };
            let _ = writeln!(s, "{} {} {} {how}", v.name, v.from, v.output);
        }
        s.push_str("EOF\n      ;;\n");
    }
    s.push_str("    *) ;;\n  esac\n}\n");
    s.push_str(
        "\n# first_pass STACK: for a stack whose final pass waits for a later one, that stack, then the\n\
         # addresses its first pass applies, one a line; nothing for any other stack.\n",
    );
    s.push_str("first_pass() {\n  case \"$1\" in\n");
    for m in modules {
        let Some((after, targets)) = &m.first_pass else {
            continue;
        };
        let _ = writeln!(s, "    {})\n      cat <<'EOF'\n{after}", sh_quote(&m.name));
        for t in targets {
            let _ = writeln!(s, "{t}");
        }
        s.push_str("EOF\n      ;;\n");
    }
    s.push_str("    *) ;;\n  esac\n}\n");
    s.push_str("\n# finals_after STACK: the stacks whose final pass follows STACK's apply, one a line.\n");
    s.push_str("finals_after() {\n  case \"$1\" in\n");
    let mut afters: Vec<&str> = modules
        .iter()
        .filter_map(|m| m.first_pass.as_ref().map(|(a, _)| a.as_str()))
        .collect();
    afters.sort_unstable();
    afters.dedup();
    for after in afters {
        let _ = writeln!(s, "    {})\n      cat <<'EOF'", sh_quote(after));
        for m in modules {
            if m.first_pass.as_ref().is_some_and(|(a, _)| a == after) {
                let _ = writeln!(s, "{}", m.name);
            }
        }
        s.push_str("EOF\n      ;;\n");
    }
    s.push_str("    *) ;;\n  esac\n}\n");
    s.push_str(RUN);
    let mut f = File::new("terraform/apply.sh", s);
    f.executable = true;
    f
}
