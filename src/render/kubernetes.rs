//! `kubernetes/<region>/target-group-binding.yaml`: how the application's pods join the region's
//! load balancer. The AWS Load Balancer Controller registers the pods behind the application's
//! Service with the target group the `ingress` stack created, found by name, so nothing in the
//! file waits for deploy time. `targetGroupName` needs controller v2.11.0 or later
//! (kubernetes-sigs/aws-load-balancer-controller pull request 3903); the README gives the
//! `targetGroupARN` form for older ones. The controller itself is the application team's to
//! install.

use crate::plan::{Plan, TargetGroupBinding};
use crate::render::File;

/// The folder every file of this module goes to.
pub const FOLDER: &str = "kubernetes";

/// One binding file per region that has one.
pub fn render(plan: &Plan) -> Vec<File> {
    plan.bindings
        .iter()
        .map(|b| {
            File::new(
                format!("{FOLDER}/{}/target-group-binding.yaml", b.region),
                binding(plan, b),
            )
        })
        .collect()
}

/// A YAML scalar that says exactly `s`: a double-quoted string (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn binding(plan: &Plan, b: &TargetGroupBinding) -> String {
    format!(
        "# Rendered by mrgen for {env} in {region}: registers the pods behind the Service {service:?}\n\
         # (namespace {namespace:?}, port {port}) with the target group of the region's load balancer.\n\
         # Needs the AWS Load Balancer Controller v2.11.0 or later (targetGroupName); see the README.\n\
         apiVersion: elbv2.k8s.aws/v1beta1\n\
         kind: TargetGroupBinding\n\
         metadata:\n  name: {name}\n  namespace: {ns}\n\
         spec:\n  serviceRef:\n    name: {svc}\n    port: {port}\n  targetGroupName: {tg}\n  targetType: ip\n",
        env = plan.environment,
        region = b.region,
        service = b.service,
        namespace = b.namespace,
        port = b.port,
        name = quoted(&b.service),
        ns = quoted(&b.namespace),
        svc = quoted(&b.service),
        tg = quoted(&b.target_group),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_yaml_scalars() {
        assert_eq!(quoted("app"), "\"app\"");
        assert_eq!(quoted("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
