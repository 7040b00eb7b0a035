//! Plan → Terraform, in one of two layouts ([`Layout`]).
//!
//! **stacks** (the default, `stacks.rs`): one root module per manifest stack in
//! `terraform/<stack>/`, each with one `aws` provider for its region, its own state, an input
//! variable for each value it takes from an earlier stack and an output for each value a later
//! stack takes; `terraform/apply.sh` (`apply_sh.rs`) runs them in manifest order.
//!
//! **single**: one root module (`terraform/*.tf`). One aliased `aws` provider per region (alias =
//! region code with `-` → `_`), one file per layer, `versions.tf`, `providers.tf` (providers and
//! the data sources the module reads) and `outputs.tf`. Stack parameters do not exist there: a
//! parameter fed by another stack's output is replaced by that output's value, rendered in its
//! own stack, so cross-region values are plain references and Terraform's graph gives the order.
//!
//! In both, the plan resource `id` of a stack of layer L in region R becomes the Terraform
//! resource `<L>_<id>_<short code of R>` (`network_vpc_apne1`), so a resource has the same address
//! in either layout (moving state between them is `terraform state mv` of equal addresses).
//!
//! Each plan kind has one `TfKind` implementation (`kinds/`): its Terraform type, the attributes
//! references to it read, its checkov suppressions and its template with a typed context. A few
//! plan resources need more than one Terraform resource. The extra ones (a kind's
//! [`companions`]) carry the *same name* as the plan resource with another type, so names still
//! map one to one onto the plan.
//!
//! This file owns the single module's layout (files, providers, outputs) and [`Cx`], which turns
//! plan values into template values by following references: within the module, or, in the
//! stacks layout, to another stack's module through an input variable ([`Cx::value`]). Templates print values through one HCL
//! formatter (`hcl.rs`); the text they produce is laid out as `terraform fmt` would by
//! `layout.rs`.

mod apply_sh;
mod hcl;
mod kinds;
mod layout;
mod stacks;
pub mod templates;

pub use hcl::{escape_into, quote};
pub use kinds::{checkov_skips, companions, tf_type};
pub use layout::format;

use crate::naming::short_code;
use crate::plan::{Backends, Layer, ParamSource, Plan, Resource, Stack, V};
use crate::render::File;
use hcl::{code, text, Interp, Obj};
use minijinja::value::{Value, ValueKind};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A plan the renderer cannot turn into Terraform (a reference to nothing, a template error).
/// Plans from `plan::build` never produce one; the tests render every shipped environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

/// How the Terraform output is laid out (SPEC section 5.5; `render --terraform-layout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// One root module per manifest stack, `terraform/<stack>/`, and `terraform/apply.sh`.
    #[default]
    Stacks,
    /// One root module for the whole environment, `terraform/*.tf`.
    Single,
}

/// The layout's files. A plan the renderer cannot handle (never one from `plan::build`) gives a
/// single `terraform/RENDER-ERROR.txt` explaining why; callers that can report errors use
/// [`try_render`].
pub fn render(plan: &Plan, layout: Layout) -> Vec<File> {
    match try_render(plan, layout) {
        Ok(files) => files,
        Err(e) => vec![File::new("terraform/RENDER-ERROR.txt", format!("{e}\n"))],
    }
}

/// The layout's files, or why the plan cannot be rendered.
pub fn try_render(plan: &Plan, layout: Layout) -> Result<Vec<File>, RenderError> {
    match layout {
        Layout::Single => Cx::new(plan, None).files(),
        Layout::Stacks => stacks::files(plan).map(|(mut files, modules)| {
            files.push(apply_sh::render(plan, &modules));
            files
        }),
    }
    .map_err(RenderError)
}

/// The names of the `.tf` files a root module of `layout` can have (`terraform/` for the
/// single module, `terraform/<stack>/` for a stack's): what mrgen owns there. A file that two
/// layers share comes twice. Asked of every file a render lists or mirrors, so not collected.
pub fn module_files(layout: Layout) -> impl Iterator<Item = &'static str> {
    ["versions.tf", "providers.tf"]
        .into_iter()
        .chain((layout == Layout::Stacks).then_some("variables.tf"))
        .chain(crate::plan::LAYERS.iter().filter_map(|l| l.tf_file))
        .chain(["outputs.tf"])
}

/// True when `name` is one of [`module_files`] of `layout`.
pub fn is_module_file(layout: Layout, name: &str) -> bool {
    module_files(layout).any(|n| n == name)
}

/// The stacks layout's script, in `terraform/`.
pub const APPLY_SH: &str = "apply.sh";

pub use stacks::is_stack_folder;

/// `ap-northeast-1` → `ap_northeast_1`: the provider alias of a region.
pub fn alias(region: &str) -> String {
    region.replace('-', "_")
}

/// The Terraform name of plan resource `id` in `stack`.
pub fn resource_name(stack: &Stack, id: &str) -> String {
    format!(
        "{}_{}_{}",
        stack.layer.as_str().replace('-', "_"),
        id,
        short_code(&stack.region)
    )
}

/// `PrivateSubnetIds` → `private_subnet_ids`.
fn snake(pascal: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = pascal.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// An input variable of a stack's module (the stacks layout): a value of an earlier stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Var {
    pub name: String,
    pub list: bool,
    pub description: String,
    /// The producing stack, and its output's Terraform name.
    pub from: String,
    pub output: String,
}

/// The rendering context: the plan, and the data sources the rendered module turns out to read.
pub(crate) struct Cx<'a> {
    plan: &'a Plan,
    /// The stack whose module is rendered (the stacks layout); `None` for the single module.
    home: Option<&'a Stack>,
    /// Regions whose `aws_availability_zones` data source is read.
    azs: RefCell<BTreeSet<String>>,
    account: Cell<bool>,
    /// Hosted zone names, in order of first use (`data.aws_route53_zone.hosted_zone[_n]`).
    zones: RefCell<Vec<String>>,
    /// The home stack's input variables, by name.
    vars: RefCell<BTreeMap<String, Var>>,
    /// Regions other than the home stack's that its resources are created in (an aliased
    /// provider each).
    elsewhere: RefCell<BTreeSet<String>>,
}

impl<'a> Cx<'a> {
    fn new(plan: &'a Plan, home: Option<&'a Stack>) -> Cx<'a> {
        Cx {
            plan,
            home,
            azs: RefCell::new(BTreeSet::new()),
            account: Cell::new(false),
            zones: RefCell::new(Vec::new()),
            vars: RefCell::new(BTreeMap::new()),
            elsewhere: RefCell::new(BTreeSet::new()),
        }
    }

    /// The regions that get a provider: the environment's, primary first, then any other region
    /// a stack lives in (us-east-1 for the global services).
    fn regions(&self) -> Vec<String> {
        let mut out: Vec<String> = self.plan.regions.clone();
        for s in &self.plan.stacks {
            if !out.contains(&s.region) {
                out.push(s.region.clone());
            }
        }
        out
    }

    fn primary_region(&self) -> String {
        self.plan
            .regions
            .first()
            .cloned()
            .or_else(|| self.plan.stacks.first().map(|s| s.region.clone()))
            .unwrap_or_default()
    }

    /// The provider of a region: `aws.<alias>` in the single module; in a stack's module `aws`
    /// for the stack's region, else an alias that `providers.tf` then declares.
    pub(crate) fn provider(&self, region: &str) -> Value {
        if let Some(home) = self.home {
            if home.region == region {
                return code("aws");
            }
            self.elsewhere.borrow_mut().insert(region.to_string());
        }
        code(format!("aws.{}", alias(region)))
    }

    /// True when resource `r` of plan stack `s` is rendered in the module being rendered.
    pub(crate) fn here(&self, s: &Stack, r: &Resource) -> bool {
        match self.home {
            None => true,
            Some(home) => stacks::home_of(self.plan, s, r).is_ok_and(|h| h.name == home.name),
        }
    }

    pub(crate) fn resource(&self, stack: &'a Stack, id: &str) -> Result<&'a Resource, String> {
        stack
            .resource(id)
            .ok_or_else(|| format!("{}: no resource `{id}`", stack.name))
    }

    /// `aws_vpc.network_vpc_apne1` (`ephemeral.…` for the ephemeral password).
    pub(crate) fn address(&self, stack: &Stack, r: &Resource) -> String {
        let prefix = if kinds::ephemeral(&r.kind) { "ephemeral." } else { "" };
        format!("{prefix}{}.{}", tf_type(&r.kind), resource_name(stack, &r.id))
    }

    /// The address a resource waits for (`plan::Resource::after`), when it is in this module. In
    /// the stacks layout another stack's resource is not: the manifest order applies its stack
    /// first.
    pub(crate) fn after_address(&self, at: &crate::plan::At) -> Result<Option<String>, String> {
        let s = self
            .plan
            .stack(&at.stack)
            .ok_or_else(|| format!("no stack `{}`", at.stack))?;
        let r = self.resource(s, &at.id)?;
        Ok(self.here(s, r).then(|| self.address(s, r)))
    }

    /// `<attr>` of a resource of another stack: a reference in the single module; in the
    /// stacks layout the input variable fed by the output of that stack that gives it.
    pub(crate) fn elsewhere_attr(&self, at: &crate::plan::At, attr: &str) -> Result<Value, String> {
        let (stack, id) = (&at.stack, &at.id);
        let s = self.plan.stack(stack).ok_or_else(|| format!("no stack `{stack}`"))?;
        let r = self.resource(s, id)?;
        if self.here(s, r) {
            return Ok(code(format!("{}.{attr}", self.address(s, r))));
        }
        if kinds::ref_attr(&r.kind) != attr {
            return Err(format!("{stack}: `{id}`.{attr} is not what its outputs give"));
        }
        self.remote(s, &V::Ref(id.to_string()))
    }

    /// Follows a parameter to the output that feeds it: (that stack, the output's value).
    fn param(&self, stack: &'a Stack, name: &str) -> Result<(&'a Stack, Option<&'a V>, Option<&'a str>), String> {
        let p = stack
            .parameter(name)
            .ok_or_else(|| format!("{}: no parameter `{name}`", stack.name))?;
        match &p.source {
            ParamSource::Literal(s) => Ok((stack, None, Some(s.as_str()))),
            ParamSource::Output { stack: from, output } => {
                let s = self
                    .plan
                    .stack(from)
                    .ok_or_else(|| format!("{}: parameter `{name}` reads missing stack {from}", stack.name))?;
                let o = s.output(output).ok_or_else(|| {
                    format!(
                        "{}: parameter `{name}` reads missing output {from}.{output}",
                        stack.name
                    )
                })?;
                Ok((s, Some(&o.value), None))
            }
        }
    }

    /// The resource a value denotes, when it is a reference (through parameters and `Select`).
    pub(crate) fn target(&self, stack: &'a Stack, v: &V) -> Option<(&'a Stack, &'a Resource)> {
        match v {
            V::Ref(id) | V::Attr(id, _) => stack.resource(id).map(|r| (stack, r)),
            V::Param(p) => match self.param(stack, p).ok()? {
                (s, Some(v), _) => self.target(s, v),
                _ => None,
            },
            V::Select(i, inner) => match inner.as_ref() {
                V::List(items) => items.get(*i as usize).and_then(|x| self.target(stack, x)),
                V::Param(p) => match self.param(stack, p).ok()? {
                    (s, Some(v), _) => self.target(s, &V::Select(*i, Box::new(v.clone()))),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// A plan value as a template value: text for literals, code for references. In the stacks
    /// layout a parameter fed by another stack, and any reference into another stack, is an
    /// input variable ([`Cx::remote`]).
    pub(crate) fn value(&self, stack: &'a Stack, v: &V) -> Result<Value, String> {
        if let Some(home) = self.home {
            if stack.name != home.name {
                return self.remote(stack, v);
            }
            if let V::Param(p) = v {
                if let (_, Some(_), _) = self.param(stack, p)? {
                    return self.param_var(stack, p);
                }
            }
        }
        Ok(match v {
            V::Str(s) => text(s.clone()),
            V::Int(i) => Value::from(*i),
            V::Num(f) => Value::from(*f),
            V::Bool(b) => Value::from(*b),
            V::Ref(id) => {
                let r = self.resource(stack, id)?;
                code(format!("{}.{}", self.address(stack, r), kinds::ref_attr(&r.kind)))
            }
            V::Attr(id, a) => {
                let r = self.resource(stack, id)?;
                let name = kinds::attr_name(&r.kind, *a)
                    .ok_or_else(|| format!("{}: `{id}` has no attribute {a:?} in Terraform", stack.name))?;
                code(format!("{}.{name}", self.address(stack, r)))
            }
            V::Param(p) => match self.param(stack, p)? {
                (s, Some(v), _) => self.value(s, v)?,
                (_, None, Some(lit)) => text(lit),
                _ => return Err(format!("{}: parameter `{p}` has no value", stack.name)),
            },
            V::List(items) => Value::from(
                items
                    .iter()
                    .map(|x| self.value(stack, x))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            V::AccountId => {
                self.account.set(true);
                code("data.aws_caller_identity.current.account_id")
            }
            V::Region => text(stack.region.clone()),
            V::AzIndex(n) => {
                self.azs.borrow_mut().insert(stack.region.clone());
                code(format!(
                    "data.aws_availability_zones.{}.names[{n}]",
                    alias(&stack.region)
                ))
            }
            V::Join(parts) => {
                let vals = parts
                    .iter()
                    .map(|x| self.value(stack, x))
                    .collect::<Result<Vec<_>, _>>()?;
                join(stack, vals)?
            }
            V::Select(i, inner) => {
                let list = self.value(stack, inner)?;
                match list.kind() {
                    ValueKind::Seq => list
                        .get_item_by_index(*i as usize)
                        .ok()
                        .filter(|x| !x.is_undefined())
                        .ok_or_else(|| format!("{}: item {i} of a shorter list", stack.name))?,
                    ValueKind::String if list.is_safe() => code(format!("{}[{i}]", list.as_str().unwrap_or_default())),
                    _ => return Err(format!("{}: cannot select from {v:?}", stack.name)),
                }
            }
            V::Split(sep, inner) => {
                let whole = self.value(stack, inner)?;
                let Some(s) = whole.as_str() else {
                    return Err(format!("{}: only text can be split: {v:?}", stack.name));
                };
                let arg = if whole.is_safe() { s.to_string() } else { hcl::quote(s) };
                code(format!("split({}, {arg})", hcl::quote(sep)))
            }
        })
    }

    pub(crate) fn values(&self, stack: &'a Stack, vs: &[V]) -> Result<Value, String> {
        self.value(stack, &V::List(vs.to_vec()))
    }

    /// `data.aws_route53_zone.<name>` of a hosted zone, noting that the module reads it.
    pub(crate) fn zone(&self, zone: &str) -> String {
        let mut zones = self.zones.borrow_mut();
        let i = match zones.iter().position(|z| z == zone) {
            Some(i) => i,
            None => {
                zones.push(zone.to_string());
                zones.len() - 1
            }
        };
        zone_label(i)
    }

    /// The header and the resource blocks of `stack` with `members` (plan stack, resource) in
    /// it; `None` when no member is a Terraform resource.
    fn stack_body(&self, stack: &Stack, members: &[(&'a Stack, &'a Resource)]) -> Result<Option<String>, String> {
        let mut blocks = String::new();
        for (s, r) in members {
            if r.backends == Backends::CloudFormationOnly {
                continue;
            }
            let block = kinds::render(self, s, r)?;
            blocks.push_str(&templates::render(block.template, block.context)?);
            blocks.push('\n');
        }
        if blocks.is_empty() {
            return Ok(None);
        }
        let header = Obj::new()
            .set("stack", text(stack.name.clone()))
            .set("description", text(stack.description.clone()));
        let mut body = templates::render(templates::STACK_HEADER, header.value())?;
        body.push('\n');
        body.push_str(&blocks);
        Ok(Some(body))
    }

    /// The id of a hosted zone: the one the environment gives, else its data source's (which the
    /// module then reads).
    pub(crate) fn zone_id(&self, zone: &crate::plan::HostedZone) -> Value {
        match &zone.id {
            Some(id) => text(id.clone()),
            None => code(format!("data.aws_route53_zone.{}.zone_id", self.zone(&zone.name))),
        }
    }

    /// The data sources of the hosted zones the module reads, with the provider of `region`.
    fn zones_text(&self, region: &str) -> Result<Option<String>, String> {
        let zones = self.zones.borrow().clone();
        if zones.is_empty() {
            return Ok(None);
        }
        let list: Vec<Value> = zones
            .iter()
            .enumerate()
            .map(|(i, z)| {
                Obj::new()
                    .set("label", code(zone_label(i)))
                    .set("zone", text(z.clone()))
                    .value()
            })
            .collect();
        let ctx = Obj::new()
            .set("zones", Value::from(list))
            .set("provider", self.provider(region));
        templates::render(templates::HOSTED_ZONE, ctx.value()).map(Some)
    }

    fn files(&self) -> Result<Vec<File>, String> {
        let mut layers: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
        let files = crate::plan::layer::tf_layer_files();
        let order = |f: &str| files.iter().position(|x| *x == f).unwrap_or(0);
        let mut outputs: Vec<Value> = Vec::new();
        for stack in &self.plan.stacks {
            let members: Vec<(&Stack, &Resource)> = stack.resources.iter().map(|r| (stack, r)).collect();
            // A stack of CloudFormation-only resources (the `recovery` layer's) has no body here.
            let Some(body) = self.stack_body(stack, &members)? else {
                continue;
            };
            let file = stack.layer.tf_file().ok_or_else(|| {
                format!(
                    "{}: Terraform resources in a layer without a Terraform file",
                    stack.name
                )
            })?;
            let entry = layers.entry(file).or_insert_with(|| (order(file), String::new()));
            entry.1.push_str(&body);
            for o in stack
                .outputs
                .iter()
                .filter(|o| o.backends != Backends::CloudFormationOnly)
            {
                let name = format!(
                    "{}_{}_{}",
                    stack.layer.as_str().replace('-', "_"),
                    snake(&o.name),
                    short_code(&stack.region)
                );
                outputs.push(
                    Obj::new()
                        .set("name", code(name))
                        .set("value", self.value(stack, &o.value)?)
                        .set("description", text(o.description.clone()))
                        .value(),
                );
            }
        }
        // The hosted zones dns.tf reads.
        let dns_region = self
            .plan
            .stacks
            .iter()
            .find(|s| s.layer == Layer::Dns)
            .map(|s| s.region.clone())
            .unwrap_or_else(|| crate::naming::GLOBAL_REGION.to_string());
        if let Some(zone_text) = self.zones_text(&dns_region)? {
            if let Some(entry) = layers.get_mut("dns.tf") {
                entry.1 = format!("{zone_text}\n{}", entry.1);
            }
        }
        let mut files = vec![File::new(
            "terraform/versions.tf",
            layout::format(&templates::render(templates::VERSIONS, Obj::new().value())?),
        )];
        let providers: Vec<(Option<String>, String)> =
            self.regions().into_iter().map(|r| (Some(alias(&r)), r)).collect();
        let account = self.provider(&self.primary_region());
        files.push(File::new(
            "terraform/providers.tf",
            layout::format(&self.providers(PROVIDERS_HEADER, &providers, account)?),
        ));
        let mut ordered: Vec<(&'static str, (usize, String))> = layers.into_iter().collect();
        ordered.sort_by_key(|(_, (o, _))| *o);
        for (name, (_, body)) in ordered {
            if body.trim().is_empty() {
                continue;
            }
            files.push(File::new(format!("terraform/{name}"), layout::format(&body)));
        }
        if !outputs.is_empty() {
            let ctx = Obj::new()
                .set("header", text(OUTPUTS_HEADER))
                .set("outputs", Value::from(outputs));
            files.push(File::new(
                "terraform/outputs.tf",
                layout::format(&templates::render(templates::OUTPUTS, ctx.value())?),
            ));
        }
        Ok(files)
    }

    /// `providers.tf`: a provider per (alias, region) — no alias for a stack's own region — and
    /// the data sources the module reads (the account with `account`'s provider).
    fn providers(
        &self,
        header: &str,
        providers: &[(Option<String>, String)],
        account: Value,
    ) -> Result<String, String> {
        let mut tags = Obj::quoted();
        for (k, v) in &self.plan.tags {
            tags.put(k, text(v.clone()));
        }
        let tags = tags.value();
        let providers: Vec<Value> = providers
            .iter()
            .map(|(a, r)| {
                Obj::new()
                    .set("alias", a.clone().map_or(Value::from(()), text))
                    .set("region", text(r.clone()))
                    .value()
            })
            .collect();
        let azs: Vec<Value> = self
            .azs
            .borrow()
            .iter()
            .map(|r| {
                Obj::new()
                    .set("label", code(alias(r)))
                    .set("provider", self.provider(r))
                    .value()
            })
            .collect();
        let account = if self.account.get() { account } else { Value::from(()) };
        let ctx = Obj::new()
            .set("header", text(header))
            .set("providers", Value::from(providers))
            .set("tags", tags)
            .set("azs", Value::from(azs))
            .set(
                "az_skip",
                code(format!(
                    "#checkov:skip={}:{}",
                    crate::render::checkov::AZ_DATA_SOURCE.0,
                    crate::render::checkov::AZ_DATA_SOURCE.1
                )),
            )
            .set("account_provider", account);
        templates::render(templates::PROVIDERS, ctx.value())
    }
}

const PROVIDERS_HEADER: &str =
    "One aws provider per region, named after the region. Every resource names its provider.";
const OUTPUTS_HEADER: &str =
    "Every stack output of the plan: endpoints, ids, and the targets of the failover commands.";

/// Text joined from template values: text when every part is text, else an interpolation.
fn join(stack: &Stack, vals: Vec<Value>) -> Result<Value, String> {
    if vals.iter().any(|p| p.kind() != ValueKind::String) {
        return Err(format!("{}: only strings can be joined", stack.name));
    }
    Ok(if vals.iter().all(|p| !p.is_safe()) {
        text(vals.iter().map(|p| p.as_str().unwrap_or_default()).collect::<String>())
    } else {
        Value::from_object(Interp(vals))
    })
}

fn zone_label(i: usize) -> String {
    if i == 0 {
        "hosted_zone".to_string()
    } else {
        format!("hosted_zone_{}", i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_output_names() {
        assert_eq!(snake("PrivateSubnetIds"), "private_subnet_ids");
        assert_eq!(snake("PeeringConnectionIdApne2"), "peering_connection_id_apne2");
        assert_eq!(snake("KmsKeyArn"), "kms_key_arn");
        assert_eq!(snake("HealthCheckIdUse1"), "health_check_id_use1");
        assert_eq!(snake("AmazonEKSWorkerNodePolicy"), "amazon_eks_worker_node_policy");
    }
}
