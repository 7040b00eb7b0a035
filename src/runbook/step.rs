//! One runbook step (SPEC section 5.2) and the values it passes to the AWS CLI.
//!
//! A step is one of: an AWS CLI call that changes something (`changes`), a read whose answer is
//! kept in a variable (`sets`), a check (`until` held once), a wait (`until` polled within
//! `timeout-seconds`, or the CLI's own `wait <waiter>`), a report (`query` printed) or a manual
//! step for a person. Values may name variables (`${ACCOUNT}`) that an earlier step sets; the
//! scripts also set `${WINDOW_START}` and `${WINDOW_END}` (epoch seconds, the last
//! `WINDOW_SECONDS` and now) before every step.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// How long a lag window reaches back: five one-minute periods.
pub const WINDOW_SECONDS: u64 = 300;

/// One value of a CLI option.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Str(String),
    Int(i64),
    /// A boolean option given as a bare flag (`--allow-data-loss`).
    Flag,
    /// A list or structure option, passed as JSON. A string `"${NAME}"` inside stands for a
    /// variable that holds JSON itself (a list of subnet ids).
    Json(serde_json::Value),
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Str(v) => s.serialize_str(v),
            Arg::Int(v) => s.serialize_i64(*v),
            Arg::Flag => s.serialize_bool(true),
            Arg::Json(v) => v.serialize(s),
        }
    }
}

/// CLI option name (without `--`) → value, in the order given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(pub Vec<(String, Arg)>);

impl Params {
    pub fn new() -> Params {
        Params(Vec::new())
    }
    pub fn s(mut self, name: &str, v: impl Into<String>) -> Params {
        self.0.push((name.into(), Arg::Str(v.into())));
        self
    }
    pub fn i(mut self, name: &str, v: i64) -> Params {
        self.0.push((name.into(), Arg::Int(v)));
        self
    }
    pub fn flag(mut self, name: &str) -> Params {
        self.0.push((name.into(), Arg::Flag));
        self
    }
    pub fn json(mut self, name: &str, v: serde_json::Value) -> Params {
        self.0.push((name.into(), Arg::Json(v)));
        self
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// An AWS CLI call: `aws --region REGION SERVICE OPERATION --option value…`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Call {
    pub region: String,
    pub service: String,
    pub operation: String,
    pub parameters: Params,
}

impl Call {
    pub fn new(region: &str, service: &str, operation: &str, parameters: Params) -> Call {
        Call {
            region: region.into(),
            service: service.into(),
            operation: operation.into(),
            parameters,
        }
    }
}

/// A read whose JMESPath condition, holding, means a change is done already: a run started
/// again skips it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Done {
    #[serde(flatten)]
    pub call: Call,
    pub until: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Step {
    pub id: String,
    pub title: String,
    pub region: Option<String>,
    pub service: Option<String>,
    /// The CLI's operation; `wait` with `waiter` for the CLI's own waiters.
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiter: Option<String>,
    pub parameters: Params,
    pub manual: bool,
    /// JMESPath over the operation's answer that must hold (checks, waits).
    pub until: Option<String>,
    /// How long a wait polls; 0 for a check that must hold at once.
    pub timeout_seconds: Option<u64>,
    /// The step changes something in AWS (a drill has none).
    pub changes: bool,
    /// A failed check warns and the run goes on (what a failover will lose).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub warn_only: bool,
    /// JMESPath over the answer that the step prints (`report`) or keeps in `sets`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The variable the step's answer (`query`, as text) is kept in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sets: Option<String>,
    /// The variable holds JSON (`--output json`) rather than text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sets_json: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_when: Option<Done>,
    /// The AWS page that says this step belongs here, in this order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Step {
    fn base(id: &str, title: impl Into<String>) -> Step {
        Step {
            id: id.into(),
            title: title.into(),
            region: None,
            service: None,
            operation: None,
            waiter: None,
            parameters: Params::new(),
            manual: false,
            until: None,
            timeout_seconds: None,
            changes: false,
            warn_only: false,
            query: None,
            sets: None,
            sets_json: false,
            skip_when: None,
            source: None,
        }
    }

    fn with_call(mut self, c: Call) -> Step {
        self.region = Some(c.region);
        self.service = Some(c.service);
        self.operation = Some(c.operation);
        self.parameters = c.parameters;
        self
    }

    /// A person's step.
    pub fn manual(id: &str, title: impl Into<String>) -> Step {
        Step {
            manual: true,
            ..Step::base(id, title)
        }
    }

    /// A call that changes something, skipped when `done` already holds.
    pub fn change(id: &str, title: impl Into<String>, c: Call, done: Option<Done>) -> Step {
        Step {
            changes: true,
            skip_when: done,
            ..Step::base(id, title).with_call(c)
        }
    }

    /// A read that must answer `until` true now.
    pub fn check(id: &str, title: impl Into<String>, c: Call, until: impl Into<String>) -> Step {
        Step {
            until: Some(until.into()),
            timeout_seconds: Some(0),
            ..Step::base(id, title).with_call(c)
        }
    }

    /// A read polled until `until` holds, for at most `timeout` seconds.
    pub fn wait(id: &str, title: impl Into<String>, c: Call, until: impl Into<String>, timeout: u64) -> Step {
        Step {
            until: Some(until.into()),
            timeout_seconds: Some(timeout),
            ..Step::base(id, title).with_call(c)
        }
    }

    /// The CLI's own waiter (`aws rds wait db-cluster-available …`).
    pub fn waiter(id: &str, title: impl Into<String>, c: Call, waiter: &str, timeout: u64) -> Step {
        let mut s = Step::base(id, title).with_call(c);
        s.operation = Some("wait".into());
        s.waiter = Some(waiter.into());
        s.timeout_seconds = Some(timeout);
        s
    }

    /// A read whose answer (`query`) is kept in the variable `var`.
    pub fn lookup(id: &str, title: impl Into<String>, c: Call, query: impl Into<String>, var: &str) -> Step {
        Step {
            query: Some(query.into()),
            sets: Some(var.into()),
            ..Step::base(id, title).with_call(c)
        }
    }

    /// A read whose answer (`query`) is printed for the person running it.
    pub fn report(id: &str, title: impl Into<String>, c: Call, query: impl Into<String>) -> Step {
        Step {
            query: Some(query.into()),
            ..Step::base(id, title).with_call(c)
        }
    }

    pub fn cite(mut self, source: &str) -> Step {
        self.source = Some(source.into());
        self
    }

    pub fn warn_only(mut self) -> Step {
        self.warn_only = true;
        self
    }

    pub fn json(mut self) -> Step {
        self.sets_json = true;
        self
    }

    /// The CLI call the step makes, if it makes one (waiters included).
    pub fn call(&self) -> Option<Call> {
        Some(Call {
            region: self.region.clone()?,
            service: self.service.clone()?,
            operation: self.operation.clone()?,
            parameters: self.parameters.clone(),
        })
    }
}

/// The variables `text` names (`${NAME}`), in order of appearance.
pub fn variables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j)
                if !after[..j].is_empty()
                    && after[..j]
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
            {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_found_in_order_and_only_when_well_formed() {
        assert_eq!(
            variables("arn:aws:rds:x:${ACCOUNT}:cluster:${CLUSTER_1} ${lower} ${} $PLAIN"),
            vec!["ACCOUNT", "CLUSTER_1"]
        );
    }

    #[test]
    fn parameters_keep_their_order_in_json() {
        let p = Params::new().s("b", "x").i("a", 2).flag("c");
        assert_eq!(
            serde_json::to_string(&p).unwrap_or_default(),
            r#"{"b":"x","a":2,"c":true}"#
        );
    }
}
