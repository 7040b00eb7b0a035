//! A scenario as a bash script (SPEC section 5.2): bash 3.2 and the AWS CLI (v1 or v2) only, no
//! `jq` and no `timeout` (the CLI evaluates every JMESPath condition itself, `--query … --output
//! text` answering `True`), the pager off, `--dry-run` to print the calls, each step's elapsed
//! time, and changes skipped when their result is already there, so a stopped run can be started
//! again.

use super::step::{variables, Arg, Call, Step};
use super::{Kind, Runbook, Scenario};
use std::fmt::Write;

const PRELUDE: &str = r#"set -euo pipefail
export AWS_PAGER=""

dry_run=0
case "${1:-}" in
  --dry-run) dry_run=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--dry-run]" >&2
    exit 2
    ;;
esac
poll_seconds="${POLL_SECONDS:-15}"
endpoint=()
if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
  endpoint=(--endpoint-url "${AWS_ENDPOINT_URL}")
fi
started=$(date +%s)
step_started=$started
warnings=0
WINDOW_START=0
WINDOW_END=0

# cli REGION ARG...: the AWS CLI in REGION (at AWS_ENDPOINT_URL when it is set).
cli() {
  local region=$1
  shift
  aws ${endpoint[@]+"${endpoint[@]}"} --region "$region" "$@"
}

# show REGION ARG...: the call as a person would type it (quoted only where needed).
show() {
  local region=$1 a
  shift
  printf '    aws --region %s' "$region"
  for a in "$@"; do
    case $a in
      *[!A-Za-z0-9_./:,=@+-]* | "") printf " '%s'" "${a//\'/\'\\\'\'}" ;;
      *) printf ' %s' "$a" ;;
    esac
  done
  printf '\n'
}

# begin ID TITLE: starts a step; the metric window is the last WINDOW_SECONDS.
begin() {
  step_started=$(date +%s)
  WINDOW_END=$step_started
  WINDOW_START=$((step_started - WINDOW_SECONDS))
  if [[ $dry_run == 1 ]]; then
    WINDOW_END="<now>"
    WINDOW_START="<now - $WINDOW_SECONDS s>"
  fi
  printf '\n[%s] %s\n' "$1" "$2"
}

finish() {
  local now
  [[ $dry_run == 1 ]] && return
  now=$(date +%s)
  printf '    %d s (%d s since the start)\n' "$((now - step_started))" "$((now - started))"
}

fail() {
  printf '    FAILED: %s\n' "$1" >&2
  printf 'stopped after %d s; fix the cause and run %s again: what is done is skipped\n' "$(($(date +%s) - started))" "$0" >&2
  exit 1
}

# holds UNTIL REGION ARG...: whether the JMESPath UNTIL is true of the call's answer.
holds() {
  local until=$1 region=$2 answer
  shift 2
  answer=$(cli "$region" "$@" --query "$until" --output text 2>/dev/null) || return 1
  [[ "$answer" == "True" ]]
}

# change DONE_UNTIL DONE_REGION DONE_ARG... -- REGION ARG...: the call, unless DONE_UNTIL holds.
change() {
  local until=$1 region
  shift
  local done_call=()
  while [[ "$1" != "--" ]]; do
    done_call+=("$1")
    shift
  done
  shift
  region=$1
  shift
  if [[ $dry_run == 1 ]]; then
    show "$region" "$@"
    return
  fi
  if [[ -n "$until" ]] && holds "$until" ${done_call[@]+"${done_call[@]}"}; then
    echo "    already done: skipped"
    return
  fi
  cli "$region" "$@" >/dev/null
}

# check UNTIL REGION ARG...: stops the run unless UNTIL holds now.
check() {
  verify stop "$@"
}

# warn UNTIL REGION ARG...: reports, without stopping, when UNTIL does not hold.
warn() {
  verify warn "$@"
}

verify() {
  local mode=$1 until=$2
  shift 2
  if [[ $dry_run == 1 ]]; then
    show "$@"
    printf '    until %s\n' "$until"
    return
  fi
  if holds "$until" "$@"; then
    echo "    ok"
  elif [[ $mode == stop ]]; then
    fail "$until"
  else
    warnings=$((warnings + 1))
    printf '    WARNING: not so: %s\n' "$until" >&2
  fi
}

# wait_for SECONDS UNTIL REGION ARG...: polls until UNTIL holds, for SECONDS at most.
wait_for() {
  local limit=$1 until=$2 deadline
  shift 2
  if [[ $dry_run == 1 ]]; then
    show "$@"
    printf '    until %s (every %s s, at most %s s)\n' "$until" "$poll_seconds" "$limit"
    return
  fi
  deadline=$(($(date +%s) + limit))
  until holds "$until" "$@"; do
    if (($(date +%s) >= deadline)); then
      fail "not so after $limit s: $until"
    fi
    sleep "$poll_seconds"
    WINDOW_END=$(date +%s)
    WINDOW_START=$((WINDOW_END - WINDOW_SECONDS))
  done
  echo "    ok"
}

# run REGION ARG...: a read the CLI waits on itself (`wait …`).
run() {
  if [[ $dry_run == 1 ]]; then
    show "$@"
    return
  fi
  cli "$@"
}

# value FORMAT QUERY REGION ARG...: the answer's QUERY (`<…>` in a dry run).
value() {
  local format=$1 query=$2 answer
  shift 2
  answer=$(cli "$@" --query "$query" --output "$format") || fail "cannot read $query"
  if [[ -z "$answer" || "$answer" == "None" || "$answer" == "null" ]]; then
    fail "nothing found for $query"
  fi
  printf '%s' "$answer"
}

# report QUERY REGION ARG...: prints the answer's QUERY.
report() {
  local query=$1
  shift
  if [[ $dry_run == 1 ]]; then
    show "$@"
    printf '    shows %s\n' "$query"
    return
  fi
  printf '    %s\n' "$(cli "$@" --query "$query" --output text || echo unknown)"
}

# manual: a person's step; the run goes on once they answer yes.
manual() {
  if [[ $dry_run == 1 ]]; then
    echo "    (a person does this)"
    return
  fi
  local answer=""
  printf '    Done? Type yes to go on: '
  read -r answer || true
  [[ "$answer" == "yes" ]] || fail "not confirmed"
}
"#;

/// The script of one scenario.
pub fn render(rb: &Runbook, sc: &Scenario) -> String {
    let json_vars: Vec<String> = sc
        .steps
        .iter()
        .filter(|s| s.sets_json)
        .filter_map(|s| s.sets.clone())
        .collect();
    let mut o = String::new();
    let what = match sc.name {
        Kind::Switchover => format!(
            "switch the writer over from {} to {} (planned, no data loss)",
            sc.from, sc.to
        ),
        Kind::Failover => format!("fail the writer over from {} (down) to {}", sc.from, sc.to),
        Kind::Failback => format!(
            "after a failover to {}, rebuild {} as a secondary and switch back to it",
            sc.from, sc.to
        ),
        Kind::Drill => "check, changing nothing, that every region could take the writer".into(),
    };
    let _ = writeln!(o, "#!/usr/bin/env bash");
    let _ = writeln!(o, "# {}: {what}.", rb.environment);
    let _ = writeln!(
        o,
        "# Generated by mrgen from the environment file: render again rather than edit."
    );
    if sc.name != Kind::Drill {
        let _ = writeln!(o, "# Estimated recovery time: {}.", sc.rto_estimate.sum());
    }
    let _ = writeln!(
        o,
        "# Usage: {} [--dry-run]   (--dry-run prints every step and call, and calls nothing)",
        sc.script_path()
    );
    let _ = writeln!(
        o,
        "# Needs bash 3.2 or later and the AWS CLI (v1 or v2); honours AWS_ENDPOINT_URL and POLL_SECONDS."
    );
    let _ = writeln!(
        o,
        "# Each step prints its time. A run stopped half-way can be started again: a change whose"
    );
    let _ = writeln!(o, "# result is there already is skipped.");
    let _ = writeln!(
        o,
        "# JMESPath literals are in backticks, which stay unexpanded in single quotes:"
    );
    let _ = writeln!(o, "# shellcheck disable=SC2016");
    let _ = writeln!(o, "WINDOW_SECONDS={}", super::step::WINDOW_SECONDS);
    o.push_str(PRELUDE);
    for s in &sc.steps {
        o.push('\n');
        step(&mut o, s, &json_vars);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "if [[ $dry_run == 1 ]]; then");
    let _ = writeln!(o, "  printf '\\ndry run: nothing was called\\n'");
    let _ = writeln!(o, "  exit 0");
    let _ = writeln!(o, "fi");
    if sc.name == Kind::Drill {
        let _ = writeln!(o, "if ((warnings > 0)); then");
        let _ = writeln!(
            o,
            "  printf '\\n%d check(s) failed: a switchover would refuse to start\\n' \"$warnings\" >&2"
        );
        let _ = writeln!(o, "  exit 1");
        let _ = writeln!(o, "fi");
        let _ = writeln!(
            o,
            "printf '\\nevery check passed in %d s\\n' \"$(($(date +%s) - started))\""
        );
    } else {
        let _ = writeln!(
            o,
            "printf '\\n{} done in %d s\\n' \"$(($(date +%s) - started))\"",
            sc.name.name()
        );
    }
    o
}

fn step(o: &mut String, s: &Step, json_vars: &[String]) {
    let _ = writeln!(o, "begin {} {}", word(&s.id), word(&s.title));
    if let Some(src) = &s.source {
        let _ = writeln!(o, "# {src}");
    }
    let call = s.call();
    match (&call, s.manual) {
        (_, true) | (None, _) => {
            let _ = writeln!(o, "manual");
        }
        (Some(c), false) => {
            let words = call_words(c, s.waiter.as_deref(), json_vars);
            if s.changes {
                let (until, done) = match &s.skip_when {
                    Some(d) => (word(&d.until), call_words(&d.call, None, json_vars)),
                    None => ("''".to_string(), word(&c.region)),
                };
                let _ = writeln!(o, "change {until} {done} -- {words}");
            } else if let (Some(var), Some(q)) = (&s.sets, &s.query) {
                let format = if s.sets_json { "json" } else { "text" };
                let _ = writeln!(o, "if [[ $dry_run == 1 ]]; then");
                let _ = writeln!(o, "  show {words}");
                let _ = writeln!(o, "  {var}='<{var}>'");
                let _ = writeln!(o, "else");
                let _ = writeln!(o, "  {var}=$(value {format} {} {words})", word(q));
                let _ = writeln!(o, "fi");
                let _ = writeln!(o, "printf '    {var}=%s\\n' \"${var}\"");
            } else if let Some(q) = &s.query {
                let _ = writeln!(o, "report {} {words}", word(q));
            } else if s.waiter.is_some() {
                let _ = writeln!(o, "run {words}");
            } else if let Some(until) = &s.until {
                let until = word(until);
                match s.timeout_seconds.unwrap_or(0) {
                    0 if s.warn_only => {
                        let _ = writeln!(o, "warn {until} {words}");
                    }
                    0 => {
                        let _ = writeln!(o, "check {until} {words}");
                    }
                    t => {
                        let _ = writeln!(o, "wait_for {t} {until} {words}");
                    }
                }
            } else {
                let _ = writeln!(o, "run {words}");
            }
        }
    }
    let _ = writeln!(o, "finish");
}

/// `REGION SERVICE OPERATION --option value…` as bash words.
fn call_words(c: &Call, waiter: Option<&str>, json_vars: &[String]) -> String {
    let mut w = vec![word(&c.region), word(&c.service), word(&c.operation)];
    if let Some(name) = waiter {
        w.push(word(name));
    }
    for (k, v) in &c.parameters.0 {
        w.push(format!("--{k}"));
        match v {
            Arg::Flag => {}
            Arg::Str(s) => w.push(word(s)),
            Arg::Int(i) => w.push(i.to_string()),
            Arg::Json(j) => w.push(word(&json_text(j, json_vars))),
        }
    }
    w.join(" ")
}

/// JSON text, with a JSON-valued variable (`"${SUBNETS_X}"`) in place of its quoted name.
fn json_text(j: &serde_json::Value, json_vars: &[String]) -> String {
    let mut t = serde_json::to_string(j).unwrap_or_default();
    for v in json_vars {
        t = t.replace(&format!("\"${{{v}}}\""), &format!("${{{v}}}"));
    }
    t
}

/// One bash word: bare when it is plain, single-quoted when it names no variable, else
/// double-quoted with everything but the variables escaped.
pub fn word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | ',' | '=' | '@' | '+'));
    if plain {
        return s.to_string();
    }
    if variables(s).is_empty() {
        return format!("'{}'", s.replace('\'', r"'\''"));
    }
    let mut out = String::from("\"");
    let mut rest = s;
    while !rest.is_empty() {
        // Only where a `${` starts: reading every position's rest would be quadratic.
        let here = if rest.starts_with("${") {
            variables(rest).into_iter().next()
        } else {
            None
        };
        if let Some(name) = here.filter(|n| rest.starts_with(&format!("${{{n}}}"))) {
            let token = format!("${{{name}}}");
            out.push_str(&token);
            rest = &rest[token.len()..];
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_variables_and_nothing_else_live() {
        assert_eq!(word("plain-word"), "plain-word");
        assert_eq!(word("a 'b'"), r#"'a '\''b'\'''"#);
        assert_eq!(
            word("arn:${ACCOUNT}:x `y` $HOME \"z\""),
            r#""arn:${ACCOUNT}:x \`y\` \$HOME \"z\"""#
        );
    }

    #[test]
    fn a_json_variable_replaces_its_quoted_name() {
        let j = serde_json::json!({"SubnetIds": "${SUBNETS_APNE1}", "Name": "${NAME}"});
        assert_eq!(
            json_text(&j, &["SUBNETS_APNE1".to_string()]),
            r#"{"Name":"${NAME}","SubnetIds":${SUBNETS_APNE1}}"#
        );
    }
}
