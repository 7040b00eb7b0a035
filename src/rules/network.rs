//! Network rules: MR201 not a CIDR, MR202 prefix length, MR203 host bits, MR204 overlap, MR205 too
//! small for the subnet layout (`crate::cidr` owns the layout) or, with ingress, for the load
//! balancer's subnets, MR206 CIDRs given for some regions only.

use crate::aws::limits;
use crate::cidr::{Cidr, PRIVATE_SUBNET_BITS, PUBLIC_SUBNET_BITS, SUBNET_LAYOUT_MIN_PREFIX, SUBNET_MAX_PREFIX};
use crate::finding::{Finding, RuleId};
use crate::model::Environment;

pub fn check(env: &Environment, out: &mut Vec<Finding>) {
    let mut parsed: Vec<(usize, Cidr)> = Vec::new();
    for (i, r) in env.regions.iter().enumerate() {
        let Some(c) = &r.vpc_cidr else {
            let given: Vec<String> = env
                .regions
                .iter()
                .filter_map(|o| o.vpc_cidr.as_ref().map(|c| format!("{} ({})", o.code, c.value)))
                .collect();
            let path = if r.primary {
                env.section("environments").key(env.name.as_str()).key("vpc-cidr")
            } else {
                env.section("environments")
                    .key(format!("{}-dr", env.name))
                    .key("vpc-cidr")
            };
            out.push(Finding::error(
                RuleId::MR206,
                path,
                format!(
                    "no VPC CIDR for {}, while the file gives one for {}",
                    r.code,
                    given.join(", ")
                ),
                format!(
                    "give {} a CIDR that overlaps none of the others, e.g. in `region-overrides.{}.vpc-cidr`",
                    r.code, r.code
                ),
            ));
            continue;
        };
        let Some(cidr) = Cidr::parse(c.value.trim()) else {
            out.push(Finding::error(
                RuleId::MR201,
                c.path.clone(),
                format!("`{}` is not an IPv4 CIDR", c.value),
                "write an IPv4 network and prefix length, e.g. `10.2.0.0/16`",
            ));
            continue;
        };
        if cidr.prefix < limits::VPC_PREFIX_MIN || cidr.prefix > limits::VPC_PREFIX_MAX {
            out.push(Finding::error(
                RuleId::MR202,
                c.path.clone(),
                format!(
                    "a VPC's prefix length must be /{} to /{}; `{}` is /{}",
                    limits::VPC_PREFIX_MIN,
                    limits::VPC_PREFIX_MAX,
                    c.value,
                    cidr.prefix
                ),
                format!(
                    "use a /{} such as `{}`",
                    limits::VPC_PREFIX_MIN,
                    Cidr {
                        addr: cidr.addr,
                        prefix: limits::VPC_PREFIX_MIN
                    }
                    .network()
                ),
            ));
            continue;
        }
        if cidr.has_host_bits() {
            out.push(Finding::error(
                RuleId::MR203,
                c.path.clone(),
                format!("`{}` has host bits set", c.value),
                format!("use the network address `{}`", cidr.network()),
            ));
            continue;
        }
        if cidr.prefix > SUBNET_LAYOUT_MIN_PREFIX {
            out.push(Finding::error(
                RuleId::MR205,
                c.path.clone(),
                format!(
                    "`{}` is too small for mrgen's subnet layout: {} private subnets of /{} and public subnets of /{}, and AWS's smallest subnet is /{SUBNET_MAX_PREFIX}",
                    c.value,
                    r.az_count,
                    cidr.prefix + PRIVATE_SUBNET_BITS,
                    cidr.prefix + PUBLIC_SUBNET_BITS
                ),
                format!("use a /{SUBNET_LAYOUT_MIN_PREFIX} or larger (a smaller prefix number), e.g. `{}`", Cidr { addr: cidr.addr, prefix: 20 }.network()),
            ));
            continue;
        }
        // A load balancer's subnets need a /27 or larger: with ingress the public subnets must be.
        let public = cidr.prefix + PUBLIC_SUBNET_BITS;
        if env.ingress.is_some() && public > limits::LOAD_BALANCER_SUBNET_MAX_PREFIX {
            let vpc_max = limits::LOAD_BALANCER_SUBNET_MAX_PREFIX - PUBLIC_SUBNET_BITS;
            out.push(Finding::error(
                RuleId::MR205,
                c.path.clone(),
                format!(
                    "`{}` is too small for the load balancer of ingress: its public subnets would be /{public}, and a load balancer's subnets need a /{} or larger",
                    c.value,
                    limits::LOAD_BALANCER_SUBNET_MAX_PREFIX
                ),
                format!(
                    "use a /{vpc_max} or larger (a smaller prefix number), e.g. `{}`, or set `ingress.enabled: false`",
                    Cidr { addr: cidr.addr, prefix: vpc_max }.network()
                ),
            ));
            continue;
        }
        parsed.push((i, cidr));
    }
    for (n, &(j, b)) in parsed.iter().enumerate() {
        for &(i, a) in &parsed[..n] {
            if !a.overlaps(b) {
                continue;
            }
            let (ra, rb) = (&env.regions[i], &env.regions[j]);
            let Some(cb) = &rb.vpc_cidr else { continue };
            let msg = format!("the VPC CIDRs of {} ({a}) and {} ({b}) overlap", ra.code, rb.code);
            let shared = ra.vpc_cidr.as_ref().is_some_and(|ca| ca.path == cb.path);
            let help = if shared {
                format!(
                    "`{}` is shared by several regions: give each its own CIDR in `region-overrides`",
                    cb.path
                )
            } else {
                "give each region a CIDR that does not overlap, e.g. 10.0.0.0/16, 10.1.0.0/16, …".to_string()
            };
            if env.peering {
                out.push(Finding::error(
                    RuleId::MR204,
                    cb.path.clone(),
                    format!("{msg}; VPC peering refuses overlapping CIDRs"),
                    help,
                ));
            } else {
                out.push(Finding::warning(
                    RuleId::MR204,
                    cb.path.clone(),
                    format!("{msg} (peering is off, but they could never be peered)"),
                    help,
                ));
            }
        }
    }
}
