//! EKS rules: MR401 node group sizes, MR402 Kubernetes version support window (judged against
//! the compiled table's date, never the clock), and the MR003 shapes of `admin-principals` and
//! `workload`, whose values become access entries, a Pod Identity association and an IAM
//! database user.

use crate::aws::{self, eks};
use crate::finding::{Finding, RuleId};
use crate::model::Environment;

pub fn check(env: &Environment, out: &mut Vec<Finding>) {
    let Some(e) = &env.eks else { return };
    identity(env, e, out);
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

/// MR003: `admin-principals` are IAM role or user ARNs, each once (an access entry per principal);
/// `workload` names a Kubernetes namespace and service account and a PostgreSQL user.
fn identity(env: &Environment, e: &crate::model::env::Eks, out: &mut Vec<Finding>) {
    let base = env.section("eks");
    for (i, arn) in e.admin_principals.iter().enumerate() {
        let path = base.key("admin-principals").index(i);
        if !iam_principal_arn(arn) {
            out.push(Finding::error(
                RuleId::MR003,
                path,
                format!("`{arn}` is not the ARN of an IAM role or user"),
                "e.g. `arn:aws:iam::123456789012:role/platform-admin` (an access entry takes a role or user, not an assumed-role session)",
            ));
        } else if e.admin_principals[..i].contains(arn) {
            out.push(Finding::error(
                RuleId::MR003,
                path,
                format!("`{arn}` is listed twice: a principal has one access entry"),
                "remove the second one",
            ));
        }
    }
    let w = &e.workload;
    let wpath = base.key("workload");
    if !dns_label(&w.namespace) {
        out.push(Finding::error(
            RuleId::MR003,
            wpath.key("namespace"),
            format!("`{}` is not a Kubernetes namespace name", w.namespace),
            "use lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 (e.g. `app`)",
        ));
    }
    let sa = &w.service_account;
    if sa.len() > 253 || !sa.split('.').all(dns_label) {
        out.push(Finding::error(
            RuleId::MR003,
            wpath.key("service-account"),
            format!("`{sa}` is not a Kubernetes service account name"),
            "use lowercase letters, digits, `-` and `.`, at most 253 (e.g. `app`)",
        ));
    }
    let user = &w.database_user;
    if !pg_user(user) {
        out.push(Finding::error(
            RuleId::MR003,
            wpath.key("database-user"),
            format!("`{user}` is not a PostgreSQL user mrgen can grant IAM authentication to"),
            "use lowercase letters, digits and `_`, starting with a letter or `_`, at most 63, not starting with `pg_`, `rds` or `mrgen_` (e.g. `app`)",
        ));
    }
}

/// `arn:<partition>:iam::<12 digits>:role/<path/>name` or `…:user/…`. Names and paths use
/// letters, digits and `+=,.@_-` (IAM's `CreateRole`/`CreateUser` patterns).
fn iam_principal_arn(s: &str) -> bool {
    let f: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, iam, region, account, resource] = f.as_slice() else {
        return false;
    };
    let name_char = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    let Some((kind, rest)) = resource.split_once('/') else {
        return false;
    };
    *arn == "arn"
        && ["aws", "aws-cn", "aws-us-gov"].contains(partition)
        && *iam == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && (kind == "role" || kind == "user")
        && s.len() <= 2048
        && !rest.is_empty()
        && !rest.ends_with('/')
        && rest.split('/').all(|p| !p.is_empty() && p.chars().all(name_char))
}

/// An RFC 1123 label: what Kubernetes namespaces (and each dot-separated part of service
/// account names) must be.
fn dns_label(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| alnum(c) || c == '-')
        && s.starts_with(alnum)
        && s.ends_with(alnum)
}

/// A PostgreSQL user that needs no quoting (the IAM token names it exactly as written, and an
/// unquoted identifier is folded to lower case), and is not a reserved (`pg_`), RDS (`rds…`) or
/// mrgen (`mrgen_admin` is the master user) name.
fn pg_user(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with("pg_")
        && !s.starts_with("rds")
        && !s.starts_with("mrgen_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_arns() {
        assert!(iam_principal_arn("arn:aws:iam::123456789012:role/platform-admin"));
        assert!(iam_principal_arn("arn:aws:iam::123456789012:role/teams/ops/Admin+1"));
        assert!(iam_principal_arn("arn:aws:iam::123456789012:user/alice@example.com"));
        assert!(!iam_principal_arn(
            "arn:aws:sts::123456789012:assumed-role/admin/session"
        ));
        assert!(!iam_principal_arn("arn:aws:iam::12345678901:role/admin"));
        assert!(!iam_principal_arn("arn:aws:iam::123456789012:group/admins"));
        assert!(!iam_principal_arn("arn:aws:iam::123456789012:role/"));
        assert!(!iam_principal_arn("arn:aws:iam:us-east-1:123456789012:role/admin"));
        assert!(!iam_principal_arn("arn:aws:iam::123456789012:role/a b"));
    }

    #[test]
    fn kubernetes_and_postgres_names() {
        assert!(dns_label("app") && dns_label("team-a1"));
        assert!(!dns_label("App") && !dns_label("-app") && !dns_label("app-") && !dns_label(""));
        assert!(pg_user("app") && pg_user("_svc_1"));
        for bad in ["App", "1app", "pg_app", "rdsadmin", "mrgen_admin", "a-b", "a\"b"] {
            assert!(!pg_user(bad), "{bad}");
        }
    }
}
