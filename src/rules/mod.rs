//! The validation rules of SPEC section 4, one file per family. Each rule reads the resolved
//! environment (and, where it must know what was written, the raw document) and returns
//! findings with key paths; positions are attached later. Every AWS limit a rule applies lives
//! in `crate::aws` beside the documentation page it was read from.

mod budget;
mod data;
mod dns;
mod eks;
mod ingress;
mod names;
mod network;
mod regions;
mod storage;

use crate::aws::prices::Prices;
use crate::finding::Finding;
use crate::model::{Document, Environment};
use crate::plan::Plan;

/// Runs every rule family. Findings inside sections whose structure was broken are dropped:
/// their values were replaced by defaults and anything said about them would be noise.
pub fn check(env: &Environment, doc: &Document, plan: &Plan, prices: &Prices) -> Vec<Finding> {
    let mut out = Vec::new();
    regions::check(env, doc, &mut out);
    network::check(env, &mut out);
    data::check(env, &mut out);
    eks::check(env, &mut out);
    dns::check(env, doc, &mut out);
    ingress::check(env, doc, plan, &mut out);
    storage::check(env, &mut out);
    budget::check(env, doc, &mut out);
    budget::estimate(env, plan, prices, &mut out);
    names::check(env, doc, &mut out);
    names::generated(env, plan, &mut out);
    out.retain(|f| {
        !doc.broken
            .iter()
            .any(|s| f.path.starts_with(&crate::path::KeyPath::section(&env.prefix, s)))
    });
    out
}
