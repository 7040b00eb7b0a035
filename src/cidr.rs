//! IPv4 CIDR blocks: parsing (strictly), host bits, overlap, and the subnet layout mrgen renders.
//! The network rules judge VPC CIDRs with it (MR205 from the layout's needs) and the plan cuts
//! the subnets with it, so the two cannot disagree.
//!
//! The layout (README, "Network layout"): the VPC /n is cut into quarters; the first quarters
//! hold one private subnet per AZ (/n+2), the last quarter is cut into four /n+4 blocks holding
//! one public subnet per AZ. AWS's smallest subnet is a /28, so the layout needs n + 4 <= 28: a
//! /24 or larger VPC.

/// Bits a private subnet adds to the VPC's prefix (a quarter of the VPC).
pub const PRIVATE_SUBNET_BITS: u8 = 2;
/// Bits a public subnet adds to the VPC's prefix (a sixteenth, in the last quarter).
pub const PUBLIC_SUBNET_BITS: u8 = 4;
/// AWS's smallest subnet.
pub const SUBNET_MAX_PREFIX: u8 = 28;
/// Smallest VPC (largest prefix) the layout fits in.
pub const SUBNET_LAYOUT_MIN_PREFIX: u8 = SUBNET_MAX_PREFIX - PUBLIC_SUBNET_BITS;

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

    /// The private subnet of the `az`-th AZ (0-based).
    pub fn private_subnet(self, az: u32) -> Cidr {
        self.subnet(self.prefix + PRIVATE_SUBNET_BITS, az)
    }

    /// The public subnet of the `az`-th AZ: in the last quarter, after the private subnets'.
    pub fn public_subnet(self, az: u32) -> Cidr {
        self.subnet(self.prefix + PUBLIC_SUBNET_BITS, 12 + az)
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
    fn the_layout_fits_a_24_and_no_subnet_overlaps() {
        assert_eq!(SUBNET_LAYOUT_MIN_PREFIX, 24);
        let v = Cidr::parse("10.2.0.0/24").unwrap();
        let mut all: Vec<Cidr> = (0..3).flat_map(|i| [v.private_subnet(i), v.public_subnet(i)]).collect();
        assert!(all.iter().all(|s| s.prefix <= SUBNET_MAX_PREFIX && v.overlaps(*s)));
        while let Some(a) = all.pop() {
            assert!(all.iter().all(|b| !a.overlaps(*b)), "{a} overlaps");
        }
        assert_eq!(
            Cidr::parse("10.2.0.0/16").unwrap().public_subnet(0).to_string(),
            "10.2.192.0/20"
        );
    }

    #[test]
    fn subnets() {
        let v = Cidr::parse("10.2.0.0/16").unwrap();
        assert_eq!(v.subnet(18, 1).to_string(), "10.2.64.0/18");
        assert_eq!(v.subnet(20, 13).to_string(), "10.2.208.0/20");
    }
}
