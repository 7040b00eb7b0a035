//! The estimate as `mrgen cost` prints it: a table for a person, or JSON (SPEC section 5.3).

use super::{Estimate, HOURS_PER_MONTH};
use crate::aws::prices::Origin;
use crate::aws::regions;
use crate::model::env::Budget;
use serde_json::{json, Value};
use std::fmt::Write;

/// `1234.5` → `1,234.50`.
pub fn usd(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let (whole, frac) = (cents.abs() / 100, cents.abs() % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}.{frac:02}", if cents < 0 { "-" } else { "" })
}

/// A quantity without trailing zeros (`2190`, `0.5`, `33.333`).
fn quantity(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn region_title(code: &str) -> String {
    match regions::find(code) {
        Some(r) => format!("{code} ({})", r.city),
        None => code.to_string(),
    }
}

/// The line `plan` prints, and the head of the table.
pub fn total_line(e: &Estimate) -> String {
    format!(
        "Monthly estimate: {} USD{} (`mrgen cost {}` itemises it)\n",
        usd(e.monthly_total),
        if e.complete {
            String::new()
        } else {
            format!(" and more: {} items have no price", e.unpriced().count())
        },
        e.environment
    )
}

/// How the estimate stands against the budget's caps, when there is a budget.
fn against_budget(e: &Estimate, budget: Option<&Budget>) -> Option<String> {
    let b = budget?;
    let mut parts = Vec::new();
    for (name, cap) in [("soft cap", b.soft_cap_usd), ("hard cap", b.hard_cap_usd)] {
        if let Some(cap) = cap {
            let word = if e.monthly_total > cap { "above" } else { "within" };
            parts.push(format!("{word} the {name} of {} USD", usd(cap)));
        }
    }
    Some(format!("Budget: the estimate is {}.\n", parts.join(", ")))
}

pub fn render(e: &Estimate, budget: Option<&Budget>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cost estimate for {}: AWS on-demand list prices in USD, {} hours a month, prices of {} or later.",
        e.environment, HOURS_PER_MONTH, e.prices_as_of
    );
    // Where a `--prices` file gave some prices, each line says which table its price is from.
    let from_file = e
        .regions
        .iter()
        .flat_map(|g| &g.items)
        .any(|i| i.price.as_ref().is_some_and(|p| p.table != Origin::Compiled.label()));
    let header = [
        "COMPONENT",
        "ITEM",
        "QUANTITY",
        "UNIT",
        "UNIT PRICE",
        "MONTHLY",
        "TABLE",
        "NOTE",
    ];
    for g in &e.regions {
        let _ = writeln!(out, "\n{}: {} USD a month", region_title(&g.region), usd(g.monthly));
        let mut rows: Vec<[String; 8]> = vec![header.map(str::to_string)];
        for i in &g.items {
            let (unit_price, monthly, table) = match &i.price {
                Some(p) => (format!("{}", p.unit_price), usd(p.monthly), p.table.clone()),
                None => ("no price".to_string(), "-".to_string(), "-".to_string()),
            };
            rows.push([
                i.component.clone(),
                i.label(),
                quantity(i.quantity),
                i.unit.clone(),
                unit_price,
                monthly,
                table,
                i.note.clone().unwrap_or_default(),
            ]);
        }
        // The TABLE column when a file gave prices, the NOTE column when a line has a note.
        let notes = g.items.iter().any(|i| i.note.is_some());
        let shown = |c: usize| (c != 6 || from_file) && (c != 7 || notes);
        let widths: Vec<usize> = (0..8)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in &rows {
            let mut line = String::from("  ");
            for (c, cell) in r.iter().enumerate().filter(|(c, _)| shown(*c)) {
                let pad = widths[c] - cell.chars().count();
                // Numbers right-aligned, words left-aligned.
                if matches!(c, 2 | 4 | 5) {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                line.push_str("  ");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out.push('\n');
    out.push_str(&total_line(e));
    let unpriced: Vec<String> = e.unpriced().map(|(r, i)| format!("`{}` in {r}", i.key)).collect();
    if !unpriced.is_empty() {
        let _ = writeln!(
            out,
            "No price compiled for: {} (give them with `--prices FILE`).",
            dedup(unpriced).join(", ")
        );
    }
    if let Some(line) = against_budget(e, budget) {
        out.push_str(&line);
    }
    let assumed: Vec<String> = e.assumptions.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(out, "Usage assumed (the `cost` section): {}.", assumed.join(", "));
    let free: usize = e.free.iter().map(|f| f.count).sum();
    let _ = writeln!(
        out,
        "Not billed: {free} resources of {} kinds (`--json` says why for each kind).",
        e.free.len()
    );
    out
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

pub fn json(e: &Estimate, budget: Option<&Budget>) -> String {
    let regions: Vec<Value> = e
        .regions
        .iter()
        .map(|g| {
            let items: Vec<Value> = g
                .items
                .iter()
                .map(|i| {
                    let mut v = json!({
                        "component": i.component,
                        "item": i.label(),
                        "key": i.key,
                        "quantity": (i.quantity * 1000.0).round() / 1000.0,
                        "unit": i.unit,
                        "unit-price": i.price.as_ref().map(|p| p.unit_price),
                        "monthly": i.price.as_ref().map(|p| cents(p.monthly)),
                        "source": i.price.as_ref().map(|p| p.source.clone()),
                        "date": i.price.as_ref().map(|p| p.date.clone()),
                        "table": i.price.as_ref().map(|p| p.table.clone()),
                    });
                    if let Some(note) = &i.note {
                        v["note"] = json!(note);
                    }
                    v
                })
                .collect();
            json!({"region": g.region, "monthly": cents(g.monthly), "items": items})
        })
        .collect();
    let assumptions: serde_json::Map<String, Value> =
        e.assumptions.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    let free: Vec<Value> = e
        .free
        .iter()
        .map(|f| json!({"kind": f.kind, "count": f.count, "why": f.why}))
        .collect();
    let v = json!({
        "environment": e.environment,
        "currency": "USD",
        "prices-as-of": e.prices_as_of,
        "hours-per-month": HOURS_PER_MONTH,
        "monthly-total": cents(e.monthly_total),
        "complete": e.complete,
        "budget": budget.map(|b| json!({"soft-cap-usd": b.soft_cap_usd, "hard-cap-usd": b.hard_cap_usd})),
        "regions": regions,
        "assumptions": assumptions,
        "free": free,
    });
    let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
    t.push('\n');
    t
}
