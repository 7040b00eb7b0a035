//! Reading a `--prices FILE`: JSON or YAML in the shape `--print-prices` writes. Every problem
//! is reported with the file, the key path, line:column, a rule id and a fix, as the
//! environment file's are.

use crate::aws::prices::{Entry, PriceFile};
use crate::finding::{Pos, RuleId};
use crate::load;
use crate::path::KeyPath;
use serde_json::Value;
use std::collections::BTreeMap;

/// A problem with the price file, ready to print (`FILE:LINE:COL: error[MRxxx] …`).
#[derive(Debug, PartialEq)]
pub struct Problem(pub String);

struct Reader<'a> {
    file: &'a str,
    positions: BTreeMap<KeyPath, Pos>,
}

impl Reader<'_> {
    fn problem(&self, rule: RuleId, at: &KeyPath, message: &str, help: &str) -> Problem {
        // A key's own position, else its nearest ancestor's (the file's start for the root).
        let mut p = Some(at.clone());
        let mut pos = (1, 1);
        while let Some(k) = p {
            if let Some(found) = self.positions.get(&k) {
                pos = (found.line, found.col);
                break;
            }
            p = k.parent();
        }
        let key = if at.is_root() {
            "the file".to_string()
        } else {
            format!("`{at}`")
        };
        Problem(format!(
            "{}:{}:{}: error[{rule}] {key}: {message}\n  help: {help}",
            self.file, pos.0, pos.1
        ))
    }

    fn text(
        &self,
        obj: &serde_json::Map<String, Value>,
        at: &KeyPath,
        key: &str,
        required: bool,
    ) -> Result<String, Problem> {
        match obj.get(key) {
            Some(Value::String(s)) if !s.is_empty() || !required => Ok(s.clone()),
            Some(Value::String(_)) => Err(self.problem(RuleId::MR003, &at.key(key), "is empty", "give a value")),
            Some(_) => Err(self.problem(RuleId::MR003, &at.key(key), "is not a string", "quote it")),
            None if required => Err(self.problem(
                RuleId::MR005,
                at,
                &format!("`{key}` is missing"),
                &format!("every price gives `{key}`"),
            )),
            None => Ok(String::new()),
        }
    }
}

const ENTRY_KEYS: &[&str] = &["key", "region", "usd", "unit", "source", "date"];

/// Parses `bytes` (the file at `file`) into a price table.
pub fn parse(bytes: &[u8], file: &str) -> Result<PriceFile, Problem> {
    let loaded = load::load(bytes, std::path::Path::new(file)).map_err(|(p, _)| {
        Problem(format!(
            "{file}:{}:{}: error[{}] {}\n  help: {}",
            p.line, p.col, p.rule, p.message, p.help
        ))
    })?;
    if let Some(p) = loaded.problems.first() {
        return Err(Problem(format!(
            "{file}:{}:{}: error[{}] `{}`: {}\n  help: {}",
            p.line, p.col, p.rule, p.path, p.message, p.help
        )));
    }
    let mut r = Reader {
        file,
        positions: BTreeMap::new(),
    };
    let root = loaded.root.to_json(&KeyPath::root(), &mut r.positions);
    let top = KeyPath::root();
    let Value::Object(obj) = &root else {
        return Err(r.problem(
            RuleId::MR003,
            &top,
            "is not a mapping",
            "write `currency: USD` and `prices: [...]`, as `mrgen cost --print-prices` does",
        ));
    };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "currency" | "prices")) {
        return Err(r.problem(
            RuleId::MR002,
            &top.key(k),
            "unknown key",
            "the keys are `currency` and `prices`",
        ));
    }
    let currency = r.text(obj, &top, "currency", true)?;
    if currency != "USD" {
        return Err(r.problem(
            RuleId::MR003,
            &top.key("currency"),
            &format!("`{currency}` is not `USD`"),
            "give prices in US dollars, as AWS's list prices and the budget's caps are",
        ));
    }
    let Some(list) = obj.get("prices") else {
        return Err(r.problem(
            RuleId::MR005,
            &top,
            "`prices` is missing",
            "list the prices under `prices`",
        ));
    };
    let Value::Array(items) = list else {
        return Err(r.problem(
            RuleId::MR003,
            &top.key("prices"),
            "is not a list",
            "make `prices` a list of prices",
        ));
    };
    let mut prices = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = top.key("prices").index(i);
        let Value::Object(e) = item else {
            return Err(r.problem(
                RuleId::MR003,
                &at,
                "is not a mapping",
                "each price gives `key`, `region`, `usd` and `unit`",
            ));
        };
        if let Some(k) = e.keys().find(|k| !ENTRY_KEYS.contains(&k.as_str())) {
            return Err(r.problem(
                RuleId::MR002,
                &at.key(k),
                "unknown key",
                &format!("a price's keys are {}", ENTRY_KEYS.join(", ")),
            ));
        }
        let usd = match e.get("usd") {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(v) if v >= 0.0 && v.is_finite() => v,
                _ => {
                    return Err(r.problem(
                        RuleId::MR003,
                        &at.key("usd"),
                        "is below 0",
                        "give the price in US dollars per unit",
                    ))
                }
            },
            Some(_) => {
                return Err(r.problem(
                    RuleId::MR003,
                    &at.key("usd"),
                    "is not a number",
                    "give the price in US dollars per unit, unquoted",
                ))
            }
            None => {
                return Err(r.problem(RuleId::MR005, &at, "`usd` is missing", "every price gives `usd`"));
            }
        };
        prices.push(Entry {
            key: r.text(e, &at, "key", true)?,
            region: r.text(e, &at, "region", true)?,
            usd,
            unit: r.text(e, &at, "unit", true)?,
            source: r.text(e, &at, "source", false)?,
            date: r.text(e, &at, "date", false)?,
        });
    }
    Ok(PriceFile { currency, prices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_table_reads_back() {
        let text = serde_json::to_string_pretty(&crate::aws::prices::compiled_file()).unwrap_or_default();
        assert_eq!(
            parse(text.as_bytes(), "p.json"),
            Ok(crate::aws::prices::compiled_file())
        );
    }

    #[test]
    fn yaml_reads_and_every_problem_says_where() {
        let ok = "currency: USD\nprices:\n  - key: nat-gateway\n    region: ap-northeast-1\n    usd: 0.062\n    unit: hour\n";
        let f = parse(ok.as_bytes(), "rates.yaml").map(|f| f.prices.len());
        assert_eq!(f, Ok(1));
        let cases = [
            ("currency: EUR\nprices: []\n", "rates.yaml:1:1: error[MR003] `currency`"),
            (
                "currency: USD\n",
                "rates.yaml:1:1: error[MR005] the file: `prices` is missing",
            ),
            (
                "currency: USD\nprices:\n  - key: a\n    region: b\n    usd: cheap\n    unit: h\n",
                "rates.yaml:5:5: error[MR003] `prices[0].usd`: is not a number",
            ),
            (
                "currency: USD\nprices:\n  - key: a\n    region: b\n    usd: 1\n    unit: h\n    cost: 2\n",
                "rates.yaml:7:5: error[MR002] `prices[0].cost`",
            ),
            (
                "currency: USD\nprices:\n  - key: a\n    usd: 1\n    unit: h\n",
                "rates.yaml:3:5: error[MR005] `prices[0]`: `region` is missing",
            ),
            ("currency: USD\ncurrency: USD\nprices: []\n", "error[MR006]"),
            ("{", "error[MR001]"),
        ];
        for (text, want) in cases {
            match parse(text.as_bytes(), "rates.yaml") {
                Err(Problem(m)) => assert!(m.contains(want), "{text:?}: {m}"),
                Ok(f) => panic!("{text:?} was read: {f:?}"),
            }
        }
    }
}
