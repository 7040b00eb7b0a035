//! The Terraform templates: compiled into the binary, each under a constant id, loaded into one
//! minijinja environment that is built once. Undefined variables are errors, and every value a
//! template prints goes through the HCL formatter of `hcl.rs` (the auto-escape mode of `.tf.j2`
//! files), so user text always comes out as a quoted, escaped HCL string.

use super::hcl;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};
use std::sync::OnceLock;

macro_rules! templates {
    ($($id:ident => $file:literal),* $(,)?) => {
        $(pub const $id: &str = $file;)*
        /// Every template: (id, source).
        pub const ALL: &[(&str, &str)] = &[
            $(($file, include_str!(concat!("../../../templates/terraform/", $file))),)*
        ];
    };
}

templates! {
    VERSIONS => "versions.tf.j2",
    VARIABLES => "variables.tf.j2",
    PROVIDERS => "providers.tf.j2",
    OUTPUTS => "outputs.tf.j2",
    STACK_HEADER => "stack_header.tf.j2",
    HOSTED_ZONE => "hosted_zone.tf.j2",
    KMS_KEY => "kms_key.tf.j2",
    KMS_ALIAS => "kms_alias.tf.j2",
    VPC => "vpc.tf.j2",
    INTERNET_GATEWAY => "internet_gateway.tf.j2",
    GATEWAY_ATTACHMENT => "gateway_attachment.tf.j2",
    SUBNET => "subnet.tf.j2",
    EIP => "eip.tf.j2",
    NAT_GATEWAY => "nat_gateway.tf.j2",
    ROUTE_TABLE => "route_table.tf.j2",
    ROUTE => "route.tf.j2",
    ROUTE_TABLE_ASSOCIATION => "route_table_association.tf.j2",
    SECURITY_GROUP => "security_group.tf.j2",
    SECURITY_GROUP_INGRESS => "security_group_ingress.tf.j2",
    DEFAULT_SECURITY_GROUP => "default_security_group.tf.j2",
    LOG_GROUP => "log_group.tf.j2",
    IAM_ROLE => "iam_role.tf.j2",
    FLOW_LOG => "flow_log.tf.j2",
    PEERING_CONNECTION => "peering_connection.tf.j2",
    PEERING_ACCEPTER => "peering_accepter.tf.j2",
    KMS_REPLICA_KEY => "kms_replica_key.tf.j2",
    BUCKET => "bucket.tf.j2",
    BUCKET_POLICY => "bucket_policy.tf.j2",
    SSM_PARAMETER => "ssm_parameter.tf.j2",
    DB_SECRET => "db_secret.tf.j2",
    DB_PASSWORD => "db_password.tf.j2",
    CACHE_AUTH_SECRET => "cache_auth_secret.tf.j2",
    DB_SUBNET_GROUP => "db_subnet_group.tf.j2",
    DB_CLUSTER_PARAMETER_GROUP => "db_cluster_parameter_group.tf.j2",
    GLOBAL_CLUSTER => "global_cluster.tf.j2",
    DB_CLUSTER => "db_cluster.tf.j2",
    DB_INSTANCE => "db_instance.tf.j2",
    CACHE_SUBNET_GROUP => "cache_subnet_group.tf.j2",
    CACHE_PARAMETER_GROUP => "cache_parameter_group.tf.j2",
    REPLICATION_GROUP => "replication_group.tf.j2",
    GLOBAL_REPLICATION_GROUP => "global_replication_group.tf.j2",
    CACHE_USER => "cache_user.tf.j2",
    CACHE_USER_GROUP => "cache_user_group.tf.j2",
    MSK_CLUSTER => "msk_cluster.tf.j2",
    MSK_CLUSTER_POLICY => "msk_cluster_policy.tf.j2",
    MSK_REPLICATOR => "msk_replicator.tf.j2",
    EKS_CLUSTER => "eks_cluster.tf.j2",
    EKS_NODEGROUP => "eks_nodegroup.tf.j2",
    EKS_ADDON => "eks_addon.tf.j2",
    EKS_ACCESS_ENTRY => "eks_access_entry.tf.j2",
    EKS_POD_IDENTITY_ASSOCIATION => "eks_pod_identity_association.tf.j2",
    LOAD_BALANCER => "load_balancer.tf.j2",
    TARGET_GROUP => "target_group.tf.j2",
    LISTENER => "listener.tf.j2",
    CERTIFICATE => "certificate.tf.j2",
    WEB_ACL => "web_acl.tf.j2",
    WEB_ACL_ASSOCIATION => "web_acl_association.tf.j2",
    HEALTH_CHECK => "health_check.tf.j2",
    RECORD_SET => "record_set.tf.j2",
    TOPIC => "topic.tf.j2",
    TOPIC_POLICY => "topic_policy.tf.j2",
    EMAIL_SUBSCRIPTION => "email_subscription.tf.j2",
    ALARM => "alarm.tf.j2",
    DASHBOARD => "dashboard.tf.j2",
    BUDGET => "budget.tf.j2",
}

/// The auto-escape mode of `.tf.j2` templates.
const HCL: &str = "hcl";

/// Builds the environment (once per process; see [`env`]).
pub fn build() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax.trim_blocks(true).lstrip_blocks(true).keep_trailing_newline(true);
    env.set_syntax(syntax.build()?);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".tf.j2") {
            AutoEscape::Custom(std::borrow::Cow::Borrowed(HCL))
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        if !matches!(state.auto_escape(), AutoEscape::Custom(mode) if mode == HCL) {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "Terraform templates must be .tf.j2 files (HCL escaping)",
            ));
        }
        let mut s = String::new();
        hcl::write_value(&mut s, value)?;
        out.write_str(&s).map_err(Error::from)
    });
    // `|safe` would print text as code: the one way around the escaper. It is refused here as
    // well as by a test that reads the templates.
    env.add_filter("safe", |_v: Value| -> Result<Value, Error> {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            "`safe` is not allowed in Terraform templates",
        ))
    });
    // A comment line: the text through the same escaper, without quotes (a newline in it
    // cannot end the comment).
    env.add_filter("comment", |v: String| -> Value {
        let mut s = String::new();
        hcl::escape_into(&mut s, &v);
        Value::from_safe_string(s)
    });
    for (id, source) in ALL {
        env.add_template(id, source)?;
    }
    Ok(env)
}

static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();

/// The environment, built on first use.
pub fn env() -> Result<&'static Environment<'static>, String> {
    ENV.get_or_init(|| build().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| e.clone())
}

/// Renders template `id` with `ctx`.
pub fn render(id: &str, ctx: Value) -> Result<String, String> {
    let env = env()?;
    let t = env.get_template(id).map_err(|e| format!("{e:#}"))?;
    t.render(ctx).map_err(|e| format!("template {id}: {e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_loads() {
        let env = build().unwrap();
        for (id, _) in ALL {
            env.get_template(id).unwrap();
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/terraform");
        let on_disk = std::fs::read_dir(dir).unwrap().count();
        assert_eq!(on_disk, ALL.len(), "every file in templates/terraform/ has an id");
    }

    #[test]
    fn no_template_uses_safe() {
        for (id, source) in ALL {
            let squashed: String = source.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(!squashed.contains("|safe"), "{id} uses |safe");
            assert!(!squashed.contains("safe("), "{id} uses safe()");
        }
    }

    #[test]
    fn safe_is_refused_and_undefined_is_an_error() {
        let mut env = build().unwrap();
        env.add_template("x.tf.j2", "{{ v|safe }}").unwrap();
        env.add_template("y.tf.j2", "{{ nope }}").unwrap();
        let ctx = hcl::Obj::new().set("v", hcl::text("a")).value();
        assert!(env.get_template("x.tf.j2").unwrap().render(ctx.clone()).is_err());
        assert!(env.get_template("y.tf.j2").unwrap().render(ctx).is_err());
    }

    #[test]
    fn text_is_escaped_code_is_not() {
        let mut env = build().unwrap();
        env.add_template("z.tf.j2", "a = {{ t }}\nb = {{ c }}\n").unwrap();
        let ctx = hcl::Obj::new()
            .set("t", hcl::text("${x}\"\n"))
            .set("c", hcl::code("aws_vpc.v.id"))
            .value();
        let out = env.get_template("z.tf.j2").unwrap().render(ctx).unwrap();
        assert_eq!(out, "a = \"$${x}\\\"\\n\"\nb = aws_vpc.v.id\n");
    }

    #[test]
    fn a_comment_cannot_be_left() {
        let mut env = build().unwrap();
        env.add_template("c.tf.j2", "# {{ d|comment }}\n").unwrap();
        let ctx = hcl::Obj::new()
            .set("d", hcl::text("x\nresource \"a\" \"b\" {}"))
            .value();
        let out = env.get_template("c.tf.j2").unwrap().render(ctx).unwrap();
        assert_eq!(out.lines().count(), 1, "{out}");
    }
}
