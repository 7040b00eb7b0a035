//! Builds the plan from a valid environment: the stacks of SPEC section 5 with their resources,
//! the parameters that carry one stack's outputs into another, the dependencies and the waves.
//! The dependency rules hold by construction: a stack depends on every stack that feeds one of
//! its parameters, plus the few orderings that no parameter expresses (listed where they are
//! added).

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::{
    aurora::*, dns::*, eks::*, ingress::*, monitoring::*, msk::*, network::*, peering::*, recovery::*, redis::*,
    storage::*,
};
use crate::model::Environment;
use std::collections::BTreeMap;

fn links(env: &Environment) -> Vec<Link> {
    let mut out = Vec::new();
    let p = &env.primary().code;
    for s in env.secondaries() {
        if env.peering {
            out.push(Link {
                layer: Layer::Network,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
        if env.storage.is_some() {
            out.push(Link {
                layer: Layer::Storage,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
        if env.aurora.is_some() {
            out.push(Link {
                layer: Layer::Aurora,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
        if env.redis.is_some() {
            out.push(Link {
                layer: Layer::Redis,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
    }
    for (a, b) in replication_pairs(env) {
        out.push(Link {
            layer: Layer::Msk,
            from: a,
            to: b,
        });
    }
    out
}

/// The plan of a valid environment.
pub fn build(env: &Environment) -> Plan {
    let mut stacks: Vec<Stack> = env.regions.iter().map(|r| network(env, r)).collect();
    if env.peering && !env.secondaries().is_empty() {
        stacks.extend(peering(env));
    }
    stacks.extend(storage(env));
    stacks.extend(aurora(env));
    stacks.extend(redis(env));
    stacks.extend(msk(env));
    stacks.extend(eks(env));
    stacks.extend(ingress(env));
    let dns_stack = dns(env);
    stacks.extend(monitoring(env, dns_stack.as_ref()));
    stacks.extend(dns_stack);
    stacks.extend(recovery(env));
    finish(env, stacks)
}

/// Dependencies from parameters, waves, and the deploy order.
fn finish(env: &Environment, mut stacks: Vec<Stack>) -> Plan {
    for s in &mut stacks {
        for p in &s.parameters {
            if let ParamSource::Output { stack, .. } = &p.source {
                if !s.depends_on.contains(stack) {
                    s.depends_on.push(stack.clone());
                }
            }
        }
        s.parameters.sort_by(|a, b| a.name.cmp(&b.name));
        s.depends_on.sort();
        s.depends_on.dedup();
    }
    // Waves: one more than the highest wave depended on. The graph is acyclic by construction
    // (every edge points to an earlier layer, or within a layer from secondary to primary), so
    // repeating the relaxation as many times as there are stacks settles it.
    let names: BTreeMap<String, usize> = stacks.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    for _ in 0..stacks.len() {
        let mut changed = false;
        for i in 0..stacks.len() {
            let w = stacks[i]
                .depends_on
                .iter()
                .filter_map(|d| names.get(d).map(|&j| stacks[j].wave + 1))
                .max()
                .unwrap_or(0);
            if w != stacks[i].wave {
                stacks[i].wave = w;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let region_rank = |code: &str| -> usize {
        env.regions
            .iter()
            .position(|r| r.code == code)
            .unwrap_or(env.regions.len())
    };
    stacks.sort_by_key(|s| (s.wave, s.layer, region_rank(&s.region)));
    let mut tags: Vec<(String, String)> = env.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if !env.tags.contains_key("mrgen:environment") {
        tags.push(("mrgen:environment".into(), env.name.clone()));
    }
    tags.sort();
    Plan {
        environment: env.name.clone(),
        prefix: env.prefix.clone(),
        regions: env.regions.iter().map(|r| r.code.clone()).collect(),
        writer: env.writer().code.clone(),
        stacks,
        omitted: env.omitted.clone(),
        links: links(env),
        tags,
        bindings: bindings(env),
    }
}
