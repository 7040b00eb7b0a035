//! Network rules: MR201 not a CIDR, MR202 prefix length, MR203 host bits, MR204 overlap, MR205 too
//! small for the subnet layout, MR206 CIDRs given for some regions only.
//!
//! The subnet layout mrgen renders (README, "Network layout"): the VPC /n is cut into quarters;
//! the first quarters hold one private subnet per AZ (/n+2), the last quarter is cut into four
//! /n+4 blocks holding one public subnet per AZ. AWS's smallest subnet is a /28, so the layout
//! needs n + 4 <= 28: a /24 or larger VPC.

use crate::aws::limits;
use crate::diagnostics::Finding;
use crate::model::Environment;
use crate::rules::RuleId;

/// Smallest VPC prefix the subnet layout fits in (public subnets are /n+4, AWS's minimum is /28).
pub const SUBNET_LAYOUT_MIN_PREFIX: u8 = 24;
/// AWS's smallest subnet.
const SUBNET_MAX_PREFIX: u8 = 28;

/// An IPv4 CIDR block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` strictly: four decimal octets without leading zeros, n in 0..=32.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, len) = s.split_once('/')?;
        let prefix: u8 = if len.len() <= 2 && !len.is_empty() && len.chars().all(|c| c.is_ascii_digit()) {
            len.parse().ok()?
        } else {
            return None;
        };
        if prefix > 32 || (len.len() > 1 && len.starts_with('0')) {
            return None;
        }
        let octets: Vec<&str> = ip.split('.').collect();
        if octets.len() != 4 {
            return None;
        }
        let mut addr = 0u32;
        for o in octets {
            if o.is_empty()
                || o.len() > 3
                || !o.chars().all(|c| c.is_ascii_digit())
                || (o.len() > 1 && o.starts_with('0'))
            {
                return None;
            }
            let v: u32 = o.parse().ok()?;
            if v > 255 {
                return None;
            }
            addr = (addr << 8) | v;
        }
        Some(Cidr { addr, prefix })
    }

    pub fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    pub fn network(self) -> Cidr {
        Cidr {
            addr: self.addr & self.mask(),
            prefix: self.prefix,
        }
    }

    pub fn has_host_bits(self) -> bool {
        self.addr & !self.mask() != 0
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        let p = self.prefix.min(other.prefix);
        let m = Cidr { addr: 0, prefix: p }.mask();
        self.addr & m == other.addr & m
    }

    /// The `index`-th block of prefix `len` inside this one.
    pub fn subnet(self, len: u8, index: u32) -> Cidr {
        let size = 1u64 << (32 - u32::from(len));
        Cidr {
            addr: (u64::from(self.network().addr) + size * u64::from(index)) as u32,
            prefix: len,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.addr;
        write!(
            f,
            "{}.{}.{}.{}/{}",
            a >> 24,
            (a >> 16) & 255,
            (a >> 8) & 255,
            a & 255,
            self.prefix
        )
    }
}

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
                    cidr.prefix + 2,
                    cidr.prefix + 4
                ),
                format!("use a /{SUBNET_LAYOUT_MIN_PREFIX} or larger (a smaller prefix number), e.g. `{}`", Cidr { addr: cidr.addr, prefix: 20 }.network()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let c = Cidr::parse("10.2.0.0/16").unwrap();
        assert_eq!(c.to_string(), "10.2.0.0/16");
        for bad in [
            "10.2.0.0",
            "10.2.0/16",
            "10.2.0.0/33",
            "256.0.0.0/8",
            "10.02.0.0/16",
            "a.b.c.d/16",
            "10.2.0.0/",
            "10.2.0.0/016",
            " 10.2.0.0/16",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn host_bits_and_network() {
        let c = Cidr::parse("10.2.0.1/16").unwrap();
        assert!(c.has_host_bits());
        assert_eq!(c.network().to_string(), "10.2.0.0/16");
        assert!(!Cidr::parse("10.2.0.0/16").unwrap().has_host_bits());
    }

    #[test]
    fn overlap() {
        let a = Cidr::parse("10.0.0.0/16").unwrap();
        assert!(a.overlaps(Cidr::parse("10.0.128.0/20").unwrap()));
        assert!(!a.overlaps(Cidr::parse("10.1.0.0/16").unwrap()));
        assert!(Cidr::parse("10.0.0.0/8")
            .unwrap()
            .overlaps(Cidr::parse("10.200.0.0/16").unwrap()));
    }

    #[test]
    fn subnets() {
        let v = Cidr::parse("10.2.0.0/16").unwrap();
        assert_eq!(v.subnet(18, 1).to_string(), "10.2.64.0/18");
        assert_eq!(v.subnet(20, 13).to_string(), "10.2.208.0/20");
    }
}
