//! EKS rules: MR401 node group sizes, MR402 Kubernetes version support window (judged against
//! the compiled table's date, never the clock).

use crate::aws::{self, eks};
use crate::finding::{Finding, RuleId};
use crate::model::Environment;

pub fn check(env: &Environment, out: &mut Vec<Finding>) {
    let Some(e) = &env.eks else { return };
    for r in &env.regions {
        let (min, max, desired) = (&r.eks_min, &r.eks_max, &r.eks_desired);
        if min.value > max.value {
            let path = if min.given || !max.given {
                min.path.clone()
            } else {
                max.path.clone()
            };
            out.push(Finding::error(
                RuleId::MR401,
                path,
                format!(
                    "EKS node group in {}: min {} is above max {}",
                    r.code, min.value, max.value
                ),
                format!("make `eks-min-nodes` at most `eks-max-nodes` (e.g. max {})", min.value),
            ));
        } else if desired.value < min.value || desired.value > max.value {
            out.push(Finding::error(
                RuleId::MR401,
                desired.path.clone(),
                format!(
                    "EKS node group in {}: desired {} is outside [min {}, max {}]",
                    r.code, desired.value, min.value, max.value
                ),
                format!("set `eks-desired-nodes` between {} and {}", min.value, max.value),
            ));
        }
    }
    let v = &e.version;
    let supported = eks::supported_versions(aws::TABLES_AS_OF).join(", ");
    match eks::support(&v.value, aws::TABLES_AS_OF) {
        eks::Support::Standard => {}
        eks::Support::Extended { ends } => out.push(Finding::warning(
            RuleId::MR402,
            v.path.clone(),
            format!(
                "EKS {} is in extended support only (extra cost), which ends on {ends}",
                v.value
            ),
            format!("upgrade to a version in standard support: {supported}"),
        )),
        eks::Support::Ended { ended } => out.push(Finding::error(
            RuleId::MR402,
            v.path.clone(),
            format!(
                "EKS {} is past extended support (ended {ended}); AWS no longer offers it",
                v.value
            ),
            format!("use a version in standard support: {supported}"),
        )),
        eks::Support::Unknown => out.push(Finding::error(
            RuleId::MR402,
            v.path.clone(),
            format!(
                "EKS does not offer Kubernetes `{}` (as of the tables of {})",
                v.value,
                aws::TABLES_AS_OF
            ),
            format!("use a version in standard support: {supported}"),
        )),
    }
}
