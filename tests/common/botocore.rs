//! The AWS CLI's own service models (botocore) as a judge of the calls mrgen writes: the
//! runbook's steps and the deploy script's calls are checked by the same code.

use mrgen::runbook::{Arg, Call, Params};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// botocore's service model and waiters of each service, as one Python call reads them.
pub struct Models(BTreeMap<String, (Value, Value, Value)>);

impl Models {
    pub fn load(python: &std::path::Path, services: &[String]) -> Models {
        let script = r#"import json, sys, botocore, botocore.loaders as l
L = l.Loader()
out = {}
for s in sys.argv[1:]:
    try:
        w = L.load_service_model(s, 'waiters-2')
    except Exception:
        w = {'waiters': {}}
    m = L.load_service_model(s, 'service-2')
    # The CLI's names: botocore.xform_name, as the AWS CLI derives them.
    names = {'ops': {}, 'waiters': {}, 'options': {}}
    for op, d in m['operations'].items():
        names['ops'][botocore.xform_name(op, '-')] = op
        shape = d.get('input', {}).get('shape')
        members = m['shapes'][shape]['members'] if shape else {}
        names['options'][op] = {botocore.xform_name(k, '-'): k for k in members}
    for wn in w['waiters']:
        names['waiters'][botocore.xform_name(wn, '-')] = wn
    out[s] = [m, w, names]
print(json.dumps(out))
"#;
        let o = Command::new(python)
            .arg("-c")
            .arg(script)
            .args(services)
            .output()
            .expect("python3");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: BTreeMap<String, (Value, Value, Value)> = serde_json::from_slice(&o.stdout).expect("models");
        Models(v)
    }
}

/// What botocore's model refuses in a call: an unknown operation, waiter or option, a missing
/// required option, a value of the wrong type, a condition or query on no output member, a wait
/// on an operation that changes something.
pub fn problems(models: &Models, c: &Call, waiter: Option<&str>, until: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let Some((model, waiters, names)) = models.0.get(&c.service) else {
        return vec![format!("no service {}", c.service)];
    };
    let op_name = match waiter {
        Some(w) => {
            if c.operation != "wait" {
                out.push(format!("a waiter with operation {}", c.operation));
            }
            let Some(def) = names["waiters"][w].as_str().and_then(|n| waiters["waiters"].get(n)) else {
                return vec![format!("no waiter {} {w}", c.service)];
            };
            def["operation"].as_str().unwrap_or_default().to_string()
        }
        None => names["ops"][c.operation.as_str()]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    };
    let Some(op) = model["operations"].get(&op_name) else {
        return vec![format!("no operation {} {}", c.service, c.operation)];
    };
    let shape = |name: &str| &model["shapes"][name];
    let input = op["input"]["shape"].as_str().map(shape);
    let output = op["output"]["shape"].as_str().map(shape);
    let mut given = Vec::new();
    for (name, value) in &c.parameters.0 {
        let member = names["options"][&op_name][name.as_str()]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(m) = input.and_then(|i| i["members"].get(&member)) else {
            out.push(format!("{} {}: no option --{name}", c.service, c.operation));
            continue;
        };
        given.push(member);
        let ty = shape(m["shape"].as_str().unwrap_or_default())["type"]
            .as_str()
            .unwrap_or_default();
        let fits = match value {
            Arg::Flag => ty == "boolean",
            Arg::Int(_) => matches!(ty, "integer" | "long"),
            Arg::Str(_) => matches!(ty, "string" | "timestamp"),
            Arg::Json(Value::Array(_)) => ty == "list",
            Arg::Json(Value::Object(_)) => matches!(ty, "structure" | "map"),
            Arg::Json(_) => false,
        };
        if !fits {
            out.push(format!(
                "{} {}: --{name} takes a {ty}, given {value:?}",
                c.service, c.operation
            ));
        }
    }
    for r in input.and_then(|i| i["required"].as_array()).into_iter().flatten() {
        if !given.iter().any(|g| r == g.as_str()) {
            out.push(format!("{} {}: required --{r} missing", c.service, c.operation));
        }
    }
    if let Some(u) = until {
        // Reads only: a condition polls describe/get/list, never a change.
        let read = ["Describe", "Get", "List"].iter().any(|p| op_name.starts_with(p));
        if !read {
            out.push(format!("{} {} is polled, but it is no read", c.service, c.operation));
        }
        for field in top_fields(u) {
            if output.and_then(|o| o["members"].get(&field)).is_none() {
                out.push(format!(
                    "{} {}: `{u}` reads {field}, which it does not answer",
                    c.service, c.operation
                ));
            }
        }
    }
    out
}

/// The top-level output members a JMESPath expression reads (`GlobalClusters[0]…` → GlobalClusters).
fn top_fields(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let (mut depth, mut quote) = (0, None::<char>);
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match c {
            '\'' | '`' => quote = Some(c),
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0
                && c.is_ascii_uppercase()
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != '.') =>
            {
                let start = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push(b[start..i].iter().collect());
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The problems of one `aws SERVICE OPERATION --option VALUE… [--query Q]` command line, as
/// a script runs it (`--region`, `--output` and `--endpoint-url` are the CLI's own).
pub fn cli_problems(models: &Models, args: &[String]) -> Vec<String> {
    let (Some(service), Some(operation)) = (args.first(), args.get(1)) else {
        return vec![format!("not a call: {args:?}")];
    };
    let (mut params, mut query, mut region) = (Params::new(), None, String::new());
    let mut i = 2;
    while i < args.len() {
        let name = args[i].trim_start_matches("--").to_string();
        let value = args.get(i + 1).filter(|v| !v.starts_with("--")).cloned();
        i += if value.is_some() { 2 } else { 1 };
        match (name.as_str(), value) {
            ("region", Some(v)) => region = v,
            ("output" | "endpoint-url", Some(_)) => {}
            ("query", Some(q)) => query = Some(q),
            (_, Some(v)) => params = params.s(&name, v),
            (_, None) => params = params.flag(&name),
        }
    }
    problems(
        models,
        &Call::new(&region, service, operation, params),
        None,
        query.as_deref(),
    )
}
