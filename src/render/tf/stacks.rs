//! The stacks layout (SPEC section 5.5): one Terraform root module per manifest stack, in
//! `terraform/<stack>/`, so that each has its own state and talks to one region only. A region
//! whose API is down then blocks only its own stacks' plans.
//!
//! Each folder holds `versions.tf`, `providers.tf` (one `aws` provider for the stack's region,
//! unaliased; an alias only for another region a resource must be created in, and the data
//! sources the module reads), the stack's resources in its layer's file (`network.tf`,
//! `peering.tf`, …, as in the single module), `variables.tf` (one input variable per value it
//! takes from an earlier stack) and `outputs.tf` (every output of the plan's stack, named in
//! snake case: what later stacks take, and what the runbook reads). `terraform/apply.sh`
//! (`apply_sh.rs`) applies them in manifest order and passes each variable from its producer's
//! output.
//!
//! What the single module writes as a reference into another stack becomes an input variable
//! here ([`Cx::value`]): a parameter fed by another stack's output takes the parameter's name
//! (`PrivateSubnetIds` → `private_subnet_ids`); any other reference (a secondary Aurora cluster's
//! global cluster, a relocated accepter's connection) takes the variable fed by the output of
//! the producing stack whose value it is. Ordering that the single module expresses with
//! `depends_on` across stacks (`plan::Resource::after`) is the manifest order here.
//!
//! One resource moves: a peering connection's accepter, which the plan puts in the requester's
//! stack with the peer region's provider, is rendered in the peer region's stack that takes the
//! connection id (`peering-routes`), under the same name ([`home_of`]). Resource names are the
//! single module's, so state moves between the layouts address for address.

use super::hcl::{code, is_identifier, text, Obj};
use super::{alias, kinds, layout, short_code, snake, templates, Cx, Var};
use crate::plan::{Backends, Output, ParamSource, ParamType, Plan, Resource, Stack, V};
use crate::render::File;
use minijinja::value::Value;

const PROVIDERS_HEADER: &str =
    "The stack's region: one aws provider, which every resource names (its own state: see apply.sh).";
const OUTPUTS_HEADER: &str =
    "What later stacks take (terraform/apply.sh passes each on), endpoints, and the targets of the failover commands.";

/// One stack's module, as `apply.sh` runs it.
pub(super) struct Module {
    pub name: String,
    pub region: String,
    pub vars: Vec<Var>,
    /// A module whose switch-gated resources need a later stack (`Stack::final_pass_after`):
    /// that stack, and the addresses its first pass applies (everything but those resources).
    pub first_pass: Option<(String, Vec<String>)>,
}

/// The resource addresses of a module's body (`resource "T" "N"` → `T.N`), except those its
/// members leave out of a first pass (`TfKind::first_pass_leaves_out`).
fn first_pass_targets(body: &str, members: &[(&Stack, &Resource)]) -> Vec<String> {
    let gated: Vec<String> = members
        .iter()
        .flat_map(|(s, r)| kinds::first_pass_leaves_out(&r.kind, &super::resource_name(s, &r.id)))
        .collect();
    body.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("resource \"")?;
            let (ty, rest) = rest.split_once("\" \"")?;
            let (name, _) = rest.split_once('"')?;
            Some(format!("{ty}.{name}"))
        })
        .filter(|a| !gated.contains(a))
        .collect()
}

/// The stack whose module renders resource `r` of plan stack `s`: `s`, unless the resource is
/// created in another region (a peering connection's accepter, in the peer's region): then the
/// first stack of that region, in manifest order, that takes one of `s`'s outputs (the peer's
/// `peering-routes` stack, which takes the connection id).
pub(crate) fn home_of<'a>(plan: &'a Plan, s: &'a Stack, r: &Resource) -> Result<&'a Stack, String> {
    let Some(region) = kinds::region(&r.kind).filter(|region| *region != s.region) else {
        return Ok(s);
    };
    plan.stacks
        .iter()
        .find(|q| {
            q.region == region
                && q.parameters
                    .iter()
                    .any(|p| matches!(&p.source, ParamSource::Output { stack, .. } if *stack == s.name))
        })
        .ok_or_else(|| {
            format!(
                "{}: `{}` is created in {region}, where no stack takes a value of {}",
                s.name, r.id, s.name
            )
        })
}

/// True when a folder of `terraform/` is named like a stack's module: `…-<layer>-<region>`.
/// mrgen owns the `.tf` files it renders in such folders, also those of stacks that no longer
/// exist (a render removes them; state and the user's files stay).
pub fn is_stack_folder(name: &str) -> bool {
    // `xx-name-9`: two letters, lowercase words, a number.
    let region = |r: &str| {
        let mut parts = r.split('-');
        let (Some(first), Some(last)) = (parts.next(), parts.next_back()) else {
            return false;
        };
        let word = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase());
        first.len() == 2
            && word(first)
            && !last.is_empty()
            && last.bytes().all(|c| c.is_ascii_digit())
            && parts.clone().next().is_some()
            && parts.all(word)
    };
    plain(name)
        && crate::plan::Layer::all().any(|l| {
            let layer = l.as_str();
            name.match_indices(layer).any(|(at, _)| {
                at > 1
                    && name.as_bytes()[at - 1] == b'-'
                    && name[at + layer.len()..].strip_prefix('-').is_some_and(region)
            })
        })
}

/// A name usable as a folder and in `apply.sh` as it is.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Every stack's module, and what `apply.sh` needs to know of each (`apply_sh::render`).
pub(super) fn files(plan: &Plan) -> Result<(Vec<File>, Vec<Module>), String> {
    let mut files = Vec::new();
    let mut modules: Vec<Module> = Vec::new();
    for stack in &plan.stacks {
        if !plain(&stack.name) {
            return Err(format!("stack name `{}` cannot name a folder", stack.name));
        }
        let cx = Cx::new(plan, Some(stack));
        // Resources of other stacks created in this stack's region first (see `home_of`).
        let mut members: Vec<(&Stack, &Resource)> = Vec::new();
        for s in plan.stacks.iter().filter(|s| s.name != stack.name) {
            for r in &s.resources {
                if home_of(plan, s, r)?.name == stack.name {
                    members.push((s, r));
                }
            }
        }
        for r in &stack.resources {
            if home_of(plan, stack, r)?.name == stack.name {
                members.push((stack, r));
            }
        }
        let body = cx.stack_body(stack, &members)?;
        let mut outputs = Vec::new();
        for o in stack
            .outputs
            .iter()
            .filter(|o| o.backends != Backends::CloudFormationOnly)
        {
            outputs.push(
                Obj::new()
                    .set("name", code(snake(&o.name)))
                    .set("value", cx.value(stack, &o.value)?)
                    .set("description", text(o.description.clone()))
                    .value(),
            );
        }
        // No Terraform resource: no module (a stack of the CloudFormation-only `recovery`
        // layer), and `apply.sh` does not list it.
        let Some(mut body) = body else {
            if outputs.is_empty() {
                continue;
            }
            return Err(format!("{}: outputs but no Terraform resource", stack.name));
        };
        let Some(tf_file) = stack.layer.tf_file() else {
            return Err(format!(
                "{}: Terraform resources in a layer without a Terraform file",
                stack.name
            ));
        };
        if let Some(zones) = cx.zones_text(&stack.region)? {
            body = format!("{zones}\n{body}");
        }
        let dir = format!("terraform/{}", stack.name);
        files.push(File::new(
            format!("{dir}/versions.tf"),
            layout::format(&templates::render(templates::VERSIONS, Obj::new().value())?),
        ));
        let mut providers = vec![(None, stack.region.clone())];
        providers.extend(cx.elsewhere.borrow().iter().map(|r| (Some(alias(r)), r.clone())));
        files.push(File::new(
            format!("{dir}/providers.tf"),
            layout::format(&cx.providers(PROVIDERS_HEADER, &providers, code("aws"))?),
        ));
        files.push(File::new(format!("{dir}/{tf_file}"), layout::format(&body)));
        let vars: Vec<Var> = cx.vars.borrow().values().cloned().collect();
        if !vars.is_empty() {
            files.push(File::new(format!("{dir}/variables.tf"), variables(&vars)?));
        }
        if !outputs.is_empty() {
            let ctx = Obj::new()
                .set("header", text(OUTPUTS_HEADER))
                .set("outputs", Value::from(outputs));
            files.push(File::new(
                format!("{dir}/outputs.tf"),
                layout::format(&templates::render(templates::OUTPUTS, ctx.value())?),
            ));
        }
        // Every value comes from a module that apply.sh has applied before this one.
        for v in &vars {
            if !modules.iter().any(|m| m.name == v.from) {
                return Err(format!(
                    "{}: variable `{}` comes from {}, which is not an earlier stack's module",
                    stack.name, v.name, v.from
                ));
            }
        }
        let first_pass = stack
            .final_pass_after
            .as_ref()
            .map(|after| (after.clone(), first_pass_targets(&body, &members)));
        modules.push(Module {
            name: stack.name.clone(),
            region: stack.region.clone(),
            vars,
            first_pass,
        });
    }
    Ok((files, modules))
}

/// `variables.tf`.
fn variables(vars: &[Var]) -> Result<String, String> {
    let mut list = Vec::new();
    for v in vars {
        if !is_identifier(&v.name) || !is_identifier(&v.output) || !plain(&v.from) {
            return Err(format!("variable `{}` cannot be named in Terraform", v.name));
        }
        list.push(
            Obj::new()
                .set("name", code(v.name.clone()))
                .set("description", text(v.description.clone()))
                .set("type", code(if v.list { "list(string)" } else { "string" }))
                .set("from", text(v.from.clone()))
                .set("output", text(v.output.clone()))
                .value(),
        );
    }
    let ctx = Obj::new().set("vars", Value::from(list));
    Ok(layout::format(&templates::render(templates::VARIABLES, ctx.value())?))
}

/// The input variables of a stack's module: how [`Cx::value`] reads another stack's values.
impl<'a> Cx<'a> {
    /// `var.<name>` of the home stack's parameter `p`, fed by another stack's output.
    pub(super) fn param_var(&self, stack: &'a Stack, p: &str) -> Result<Value, String> {
        let param = stack
            .parameter(p)
            .ok_or_else(|| format!("{}: no parameter `{p}`", stack.name))?;
        let ParamSource::Output { stack: from, output } = &param.source else {
            return Err(format!("{}: parameter `{p}` is a literal", stack.name));
        };
        self.declare(Var {
            name: snake(p),
            list: param.ty == ParamType::List,
            description: param.description.clone(),
            from: from.clone(),
            output: snake(output),
        })
    }

    /// Value `v` of another stack, read in the home stack's module: a literal as it is; a
    /// reference through the input variable fed by the output of that stack whose value it is
    /// (an error when there is none: the plan outputs what other stacks take).
    pub(super) fn remote(&self, stack: &'a Stack, v: &V) -> Result<Value, String> {
        let home = self
            .home
            .ok_or("values of other stacks are read in the stacks layout only")?;
        match v {
            V::Str(_) | V::Int(_) | V::Num(_) | V::Bool(_) | V::AccountId => self.value(home, v),
            V::Region => Ok(text(stack.region.clone())),
            V::List(items) => Ok(Value::from(
                items
                    .iter()
                    .map(|x| self.remote(stack, x))
                    .collect::<Result<Vec<_>, _>>()?,
            )),
            V::Param(p) => match self.param(stack, p)? {
                (s, Some(inner), _) if s.name == home.name => self.value(home, inner),
                (s, Some(inner), _) => self.remote(s, inner),
                (_, None, Some(lit)) => Ok(text(lit)),
                _ => Err(format!("{}: parameter `{p}` has no value", stack.name)),
            },
            // Text built from parts: the output that gives it, else built here from the parts.
            V::Join(parts) => match stack.outputs.iter().find(|o| o.value == *v) {
                Some(o) => self.var_for(stack, o),
                None => {
                    let vals = parts
                        .iter()
                        .map(|x| self.remote(stack, x))
                        .collect::<Result<Vec<_>, _>>()?;
                    super::join(stack, vals)
                }
            },
            V::Ref(_) | V::Attr(_, _) | V::Select(_, _) | V::Split(_, _) | V::AzIndex(_) => {
                let o = stack.outputs.iter().find(|o| o.value == *v).ok_or_else(|| {
                    format!(
                        "{}: takes {v:?} from {}, which has no output for it",
                        home.name, stack.name
                    )
                })?;
                self.var_for(stack, o)
            }
        }
    }

    /// The input variable fed by output `o` of stack `producer`: the home stack's parameter fed
    /// by it when there is one, else a variable named after the output (and, should that name
    /// be taken, the producer's layer and region).
    fn var_for(&self, producer: &Stack, o: &Output) -> Result<Value, String> {
        let home = self.home.ok_or("input variables exist in the stacks layout only")?;
        let param = home.parameters.iter().find(|p| {
            matches!(&p.source, ParamSource::Output { stack, output } if *stack == producer.name && *output == o.name)
        });
        let mut var = Var {
            name: snake(param.map_or(o.name.as_str(), |p| p.name.as_str())),
            list: o.list,
            description: param.map_or_else(|| o.description.clone(), |p| p.description.clone()),
            from: producer.name.clone(),
            output: snake(&o.name),
        };
        let taken = self
            .vars
            .borrow()
            .get(&var.name)
            .is_some_and(|v| (&v.from, &v.output) != (&var.from, &var.output));
        if taken {
            var.name = format!(
                "{}_{}_{}",
                var.name,
                producer.layer.as_str().replace('-', "_"),
                short_code(&producer.region)
            );
        }
        self.declare(var)
    }

    /// True in the stacks layout when another stack's module takes resource `r` of `stack`
    /// through one of `stack`'s outputs.
    pub(crate) fn read_by_another_module(&self, stack: &Stack, r: &Resource) -> bool {
        let refers = |v: &V| matches!(v, V::Ref(id) | V::Attr(id, _) if *id == r.id);
        self.home.is_some()
            && stack.outputs.iter().filter(|o| refers(&o.value)).any(|o| {
                self.plan.stacks.iter().any(|q| {
                    q.parameters.iter().any(|p| {
                        matches!(&p.source, ParamSource::Output { stack: s, output } if *s == stack.name && *output == o.name)
                    })
                })
            })
    }

    /// Declares an input variable (once) and returns `var.<name>`.
    fn declare(&self, var: Var) -> Result<Value, String> {
        let mut vars = self.vars.borrow_mut();
        if let Some(v) = vars.get(&var.name) {
            if (&v.from, &v.output) != (&var.from, &var.output) {
                return Err(format!(
                    "variable `{}` would be fed by both {}.{} and {}.{}",
                    var.name, v.from, v.output, var.from, var.output
                ));
            }
        }
        let name = format!("var.{}", var.name);
        vars.entry(var.name.clone()).or_insert(var);
        Ok(code(name))
    }
}
