//! MR003 on `storage.buckets`: each purpose becomes part of an S3 bucket name in every region,
//! so it must be what S3 allows there, and each is listed once.

use crate::finding::{Finding, RuleId};
use crate::model::Environment;

/// Lowercase letters and digits in runs joined by single hyphens: what S3 bucket names allow
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), without the
/// dots that break virtual-hosted TLS certificates.
fn purpose_ok(p: &str) -> bool {
    !p.is_empty()
        && p.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

pub fn check(env: &Environment, out: &mut Vec<Finding>) {
    let Some(st) = &env.storage else { return };
    for b in st.buckets.iter().filter(|b| b.given && !purpose_ok(&b.value)) {
        out.push(Finding::error(
            RuleId::MR003,
            b.path.clone(),
            format!(
                "`{}` cannot be part of an S3 bucket name (`<prefix>-<env>-<purpose>-<region>-<account>`)",
                b.value
            ),
            "use lowercase letters and digits, with single hyphens between them, such as `uploads` or `audit-exports`",
        ));
    }
    for b in &st.repeated {
        out.push(Finding::error(
            RuleId::MR003,
            b.path.clone(),
            format!("the bucket purpose `{}` is listed twice", b.value),
            "list each purpose once",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::purpose_ok;

    #[test]
    fn purposes() {
        for ok in ["app", "logs", "audit-exports", "v2"] {
            assert!(purpose_ok(ok), "{ok}");
        }
        for bad in ["", "App", "a--b", "-a", "a-", "a.b", "a_b", "café"] {
            assert!(!purpose_ok(bad), "{bad}");
        }
    }
}
