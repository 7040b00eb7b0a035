//! Renderer tests on the plans of the shipped environments.

use super::*;
use crate::plan::{HealthCheck, MskReplicator, Plan, V};
use std::collections::BTreeSet;

const ENVIRONMENTS: [&str; 5] = ["development", "eu-production", "global", "production", "staging"];
const MODES: [CfnReferences; 2] = [CfnReferences::Parameters, CfnReferences::GetStackOutput];

fn plan_of(name: &str) -> Plan {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("environments")
        .join(format!("{name}.yaml"));
    let bytes = std::fs::read(&path).unwrap();
    let checked = crate::check::check(name, &path.to_string_lossy(), &bytes, &[]);
    assert!(!checked.has_errors(), "{name}: {:#?}", checked.diagnostics);
    checked.plan.unwrap()
}

/// (stack name, parsed template) of every stack.
fn templates(plan: &Plan, refs: CfnReferences) -> Vec<(String, Value)> {
    render(plan, refs)
        .into_iter()
        .zip(&plan.stacks)
        .map(|(f, s)| (s.name.clone(), serde_json::from_str(&f.contents).unwrap()))
        .collect()
}

fn resources_of_type<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .collect()
}

/// Every object anywhere below `v`, with the key it sits under.
fn walk<'a>(v: &'a Value, key: &str, f: &mut dyn FnMut(&str, &'a Value)) {
    f(key, v);
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, k, f)),
        Value::Array(a) => a.iter().for_each(|x| walk(x, key, f)),
        _ => {}
    }
}

#[test]
fn one_file_per_stack_in_plan_order_and_deterministic() {
    for env in ENVIRONMENTS {
        let plan = plan_of(env);
        for refs in MODES {
            let a = render(&plan, refs);
            let b = render(&plan_of(env), refs);
            assert_eq!(a, b, "{env}: same plan, same bytes");
            let paths: Vec<String> = a.iter().map(|f| f.path.clone()).collect();
            let expected: Vec<String> = plan
                .stacks
                .iter()
                .map(|s| format!("cloudformation/{}.template.json", s.name))
                .collect();
            assert_eq!(paths, expected);
            for f in &a {
                // CloudFormation takes a template body of at most 51,200 bytes in a request
                // (larger ones must go through S3).
                // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
                assert!(f.contents.len() <= 51_200, "{} has {} bytes", f.path, f.contents.len());
                assert!(
                    f.contents.ends_with("}\n") && !f.contents.ends_with("\n\n"),
                    "{}",
                    f.path
                );
                assert!(f.contents.starts_with("{\n  \""), "two-space indentation: {}", f.path);
                assert!(!f.executable);
            }
        }
    }
}

#[test]
fn every_reference_resolves_inside_its_template() {
    for env in ENVIRONMENTS {
        let plan = plan_of(env);
        for refs in MODES {
            for (name, t) in templates(&plan, refs) {
                let resources: BTreeSet<&String> = t["Resources"].as_object().unwrap().keys().collect();
                let params: BTreeSet<String> = t
                    .get("Parameters")
                    .and_then(|p| p.as_object())
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                let mut used_params = BTreeSet::new();
                walk(&t, "", &mut |key, v| {
                    if let Some(r) = v.get("Ref").and_then(|r| r.as_str()) {
                        if !r.starts_with("AWS::") {
                            assert!(
                                resources.contains(&r.to_string()) || params.contains(r),
                                "{name}: Ref {r} resolves to nothing"
                            );
                            used_params.insert(r.to_string());
                        }
                    }
                    if let Some(a) = v.get("Fn::GetAtt").and_then(|a| a.as_array()) {
                        let target = a[0].as_str().unwrap().to_string();
                        assert!(resources.contains(&target), "{name}: GetAtt {target}");
                    }
                    if key == "DependsOn" {
                        if let Some(d) = v.as_str() {
                            assert!(resources.contains(&d.to_string()), "{name}: DependsOn {d}");
                        }
                    }
                    if let Some(g) = v.get("Fn::GetStackOutput") {
                        let stack = g["StackName"].as_str().unwrap();
                        let source = plan.stack(stack).unwrap_or_else(|| panic!("{name}: no stack {stack}"));
                        assert_eq!(g["Region"], source.region.as_str(), "{name}: region of {stack}");
                        let output = g["OutputName"].as_str().unwrap();
                        assert!(
                            source.output(output).is_some(),
                            "{name}: {stack} has no output {output}"
                        );
                    }
                });
                for p in &params {
                    assert!(used_params.contains(p), "{name}: parameter {p} is never used");
                }
            }
        }
    }
}

#[test]
fn get_stack_output_mode_has_no_parameters_fed_by_outputs() {
    for env in ENVIRONMENTS {
        let plan = plan_of(env);
        for (name, t) in templates(&plan, CfnReferences::GetStackOutput) {
            let stack = plan.stack(&name).unwrap();
            let params = t.get("Parameters").and_then(|p| p.as_object());
            for p in &stack.parameters {
                let fed = matches!(p.source, crate::plan::ParamSource::Output { .. });
                let present = params.is_some_and(|m| m.contains_key(&p.name));
                assert_eq!(present, !fed, "{name}: parameter {}", p.name);
            }
            let text = t.to_string();
            let wanted = stack
                .parameters
                .iter()
                .any(|p| matches!(p.source, crate::plan::ParamSource::Output { .. }));
            assert_eq!(text.contains("Fn::GetStackOutput"), wanted, "{name}");
        }
        // And the parameters mode has every parameter and no lookup.
        for (name, t) in templates(&plan, CfnReferences::Parameters) {
            let stack = plan.stack(&name).unwrap();
            let n = t.get("Parameters").and_then(|p| p.as_object()).map_or(0, |m| m.len());
            assert_eq!(n, stack.parameters.len(), "{name}");
            assert!(!t.to_string().contains("Fn::GetStackOutput"), "{name}");
        }
    }
}

#[test]
fn list_parameters_become_split_lookups() {
    let plan = plan_of("production");
    let (_, t) = templates(&plan, CfnReferences::GetStackOutput)
        .into_iter()
        .find(|(n, _)| n == "genai-demo-production-aurora-ap-northeast-2")
        .unwrap();
    let subnets = &t["Resources"]["SubnetGroup"]["Properties"]["SubnetIds"];
    let lookup = &subnets["Fn::Split"][1]["Fn::Join"][1][0]["Fn::GetStackOutput"];
    assert_eq!(subnets["Fn::Split"][0], ",");
    assert_eq!(lookup["StackName"], "genai-demo-production-network-ap-northeast-2");
    assert_eq!(lookup["OutputName"], "PrivateSubnetIds");
    assert_eq!(lookup["Region"], "ap-northeast-2");
    // A cross-region lookup names the other stack's region.
    let (_, p) = templates(&plan, CfnReferences::GetStackOutput)
        .into_iter()
        .find(|(n, _)| n == "genai-demo-production-peering-ap-northeast-1")
        .unwrap();
    let peer = &p["Resources"]["PeeringApne2"]["Properties"]["PeerVpcId"]["Fn::GetStackOutput"];
    assert_eq!(peer["Region"], "ap-northeast-2");
    assert_eq!(peer["OutputName"], "VpcId");
}

#[test]
fn secondary_replication_group_repeats_nothing_it_inherits() {
    let plan = plan_of("production");
    let all = templates(&plan, CfnReferences::Parameters);
    let (_, sec) = all
        .iter()
        .find(|(n, _)| n == "genai-demo-production-redis-ap-northeast-2")
        .unwrap();
    let rg = &sec["Resources"]["ReplicationGroup"]["Properties"];
    for inherited in [
        "Engine",
        "EngineVersion",
        "CacheNodeType",
        "CacheParameterGroupName",
        "NumNodeGroups",
        "ReplicasPerNodeGroup",
        "AutomaticFailoverEnabled",
        "AtRestEncryptionEnabled",
        "TransitEncryptionEnabled",
        "TransitEncryptionMode",
        "AuthToken",
        "UserGroupIds",
    ] {
        assert!(rg.get(inherited).is_none(), "secondary repeats {inherited}");
    }
    assert_eq!(
        rg["GlobalReplicationGroupId"],
        json!({ "Ref": "GlobalReplicationGroupId" })
    );
    assert_eq!(rg["NumCacheClusters"], 2);
    assert_eq!(rg["KmsKeyId"], json!({ "Ref": "KmsKeyArn" }));

    let (_, pri) = all
        .iter()
        .find(|(n, _)| n == "genai-demo-production-redis-ap-northeast-1")
        .unwrap();
    let rg = &pri["Resources"]["ReplicationGroup"]["Properties"];
    assert_eq!(rg["Engine"], "valkey");
    assert_eq!(rg["EngineVersion"], "8.0");
    assert_eq!(rg["CacheNodeType"], "cache.r7g.large");
    assert_eq!(rg["NumNodeGroups"], 1);
    assert_eq!(rg["ReplicasPerNodeGroup"], 2);
    assert_eq!(rg["AtRestEncryptionEnabled"], true);
    assert_eq!(rg["TransitEncryptionEnabled"], true);
    assert_eq!(rg["MultiAZEnabled"], true);
    assert_eq!(rg["AutomaticFailoverEnabled"], true);
    assert!(
        rg.get("UserGroupIds").is_none(),
        "a Global Datastore member gets no user group"
    );
    assert_eq!(
        rg["LogDeliveryConfigurations"][0]["DestinationDetails"]["CloudWatchLogsDetails"]["LogGroup"],
        json!({ "Ref": "SlowLogGroup" })
    );
    let grg = &pri["Resources"]["GlobalReplicationGroup"];
    assert_eq!(grg["DeletionPolicy"], "RetainExceptOnCreate");
    assert_eq!(grg["UpdateReplacePolicy"], "Retain");
    assert_eq!(
        grg["Properties"]["Members"],
        json!([{ "ReplicationGroupId": { "Ref": "ReplicationGroup" }, "ReplicationGroupRegion": { "Ref": "AWS::Region" }, "Role": "PRIMARY" }])
    );

    // Single region: no Global Datastore, so the RBAC user group is attached.
    let dev = templates(&plan_of("development"), CfnReferences::Parameters);
    let (_, t) = dev.iter().find(|(n, _)| n.contains("-redis-")).unwrap();
    let rg = &t["Resources"]["ReplicationGroup"]["Properties"];
    assert_eq!(rg["UserGroupIds"], json!([{ "Ref": "UserGroup" }]));
    assert_eq!(
        t["Resources"]["AppUser"]["Properties"]["AuthenticationMode"],
        json!({ "Type": "iam" })
    );
}

#[test]
fn master_password_is_a_dynamic_reference_and_never_literal() {
    let plan = plan_of("production");
    for refs in MODES {
        for (name, t) in templates(&plan, refs) {
            walk(&t, "", &mut |key, v| {
                let k = key.to_ascii_lowercase();
                if k.contains("password") && !matches!(key, "MasterUserPassword" | "PasswordLength") {
                    panic!("{name}: {key} = {v}");
                }
                if key == "MasterUserPassword" {
                    // Only the dynamic reference, never a string.
                    assert!(v.get("Fn::Join").is_some(), "{name}: {v}");
                }
            });
            for (_, c) in resources_of_type(&t, "AWS::RDS::DBCluster") {
                let p = &c["Properties"];
                if p.get("GlobalClusterIdentifier").is_some() && p.get("SourceRegion").is_some() {
                    // Secondary.
                    assert!(p.get("MasterUsername").is_none(), "{name}");
                    assert!(p.get("MasterUserPassword").is_none(), "{name}");
                    assert!(p.get("DatabaseName").is_none(), "{name}");
                    assert_eq!(p["EnableGlobalWriteForwarding"], true, "{name}");
                } else {
                    assert_eq!(
                        p["MasterUserPassword"],
                        json!({ "Fn::Join": ["", ["{{resolve:secretsmanager:", { "Ref": "MasterSecret" }, ":SecretString:password}}"]] })
                    );
                    assert_eq!(p["MasterUsername"], "mrgen_admin");
                }
                assert_eq!(p["StorageEncrypted"], true);
                // On, except on the first pass of a new stack (a rollback could not delete it).
                assert_eq!(p["DeletionProtection"], json!({ "Ref": "DeletionProtection" }));
                assert_eq!(t["Parameters"]["DeletionProtection"]["Default"], "false");
                assert_eq!(
                    plan.stack(&name)
                        .unwrap()
                        .parameter("DeletionProtection")
                        .map(|p| &p.source),
                    Some(&crate::plan::ParamSource::Literal("true".into()))
                );
                assert_eq!(p["EnableCloudwatchLogsExports"], json!(["postgresql"]));
            }
            for (_, s) in resources_of_type(&t, "AWS::SecretsManager::Secret") {
                if !s["Properties"]["Name"].as_str().unwrap().ends_with("/aurora-master") {
                    continue;
                }
                let g = &s["Properties"]["GenerateSecretString"];
                assert_eq!(g["GenerateStringKey"], "password");
                assert_eq!(g["SecretStringTemplate"], r#"{"username":"mrgen_admin"}"#);
                assert_eq!(s["Properties"]["ReplicaRegions"][0]["Region"], "ap-northeast-2");
            }
            for (_, i) in resources_of_type(&t, "AWS::RDS::DBInstance") {
                assert_eq!(i["Properties"]["PubliclyAccessible"], false);
                assert_eq!(i["Properties"]["MonitoringInterval"], 60);
            }
        }
    }
}

#[test]
fn secure_defaults_hold_everywhere() {
    for env in ENVIRONMENTS {
        let plan = plan_of(env);
        for (name, t) in templates(&plan, CfnReferences::Parameters) {
            for (id, sg) in resources_of_type(&t, "AWS::EC2::SecurityGroup") {
                let p = &sg["Properties"];
                assert!(
                    p["SecurityGroupEgress"].as_array().is_some_and(|e| !e.is_empty()),
                    "{name} {id}"
                );
                for rule in p["SecurityGroupIngress"].as_array().into_iter().flatten() {
                    // The one exception (SPEC section 5): the public load balancer's own group,
                    // on 443 and on 80, which only redirects.
                    let public_lb = name.contains("-ingress-") && id == "LbSecurityGroup";
                    if rule["CidrIp"] == "0.0.0.0/0" {
                        assert!(public_lb, "{name} {id}");
                        assert!(rule["FromPort"] == 443 || rule["FromPort"] == 80, "{name} {id}");
                        assert_eq!(rule["FromPort"], rule["ToPort"], "{name} {id}");
                    }
                }
            }
            for (id, r) in resources_of_type(&t, "AWS::EC2::SecurityGroupIngress") {
                assert_ne!(r["Properties"]["CidrIp"], "0.0.0.0/0", "{name} {id}");
            }
            for (id, lg) in resources_of_type(&t, "AWS::Logs::LogGroup") {
                assert!(lg["Properties"].get("KmsKeyId").is_some(), "{name} {id}");
            }
            for (_, c) in resources_of_type(&t, "AWS::EKS::Cluster") {
                let p = &c["Properties"];
                assert_eq!(p["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
                assert_eq!(p["ResourcesVpcConfig"]["EndpointPrivateAccess"], true);
                assert_eq!(
                    p["Logging"]["ClusterLogging"]["EnabledTypes"].as_array().unwrap().len(),
                    5
                );
                assert_eq!(p["EncryptionConfig"][0]["Resources"], json!(["secrets"]));
            }
            for (_, c) in resources_of_type(&t, "AWS::MSK::Cluster") {
                let p = &c["Properties"];
                assert_eq!(p["EncryptionInfo"]["EncryptionInTransit"]["ClientBroker"], "TLS");
                assert_eq!(p["EncryptionInfo"]["EncryptionInTransit"]["InCluster"], true);
                assert_eq!(p["ClientAuthentication"]["Sasl"]["Iam"]["Enabled"], true);
                assert_eq!(p["LoggingInfo"]["BrokerLogs"]["CloudWatchLogs"]["Enabled"], true);
                assert_eq!(c["DeletionPolicy"], "RetainExceptOnCreate");
                assert_eq!(c["UpdateReplacePolicy"], "Retain");
                // Every cluster can become a replication source: multi-VPC connectivity on,
                // except on the first pass of a new stack (MSK refuses it at create).
                assert_eq!(
                    p["BrokerNodeGroupInfo"]["ConnectivityInfo"]["VpcConnectivity"]["ClientAuthentication"]["Sasl"]
                        ["Iam"]["Enabled"],
                    json!({ "Ref": "MultiVpcConnectivity" })
                );
                assert_eq!(
                    plan.stack(&name)
                        .unwrap()
                        .parameter("MultiVpcConnectivity")
                        .map(|p| (&p.source, &p.on_create)),
                    Some((
                        &crate::plan::ParamSource::Literal("true".into()),
                        &Some("false".to_string())
                    ))
                );
            }
            for (_, k) in resources_of_type(&t, "AWS::KMS::Key") {
                assert_eq!(k["DeletionPolicy"], "RetainExceptOnCreate");
                let root = &k["Properties"]["KeyPolicy"]["Statement"][0]["Principal"]["AWS"];
                assert_eq!(
                    *root,
                    json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":root"]] })
                );
            }
            assert!(!t.to_string().contains("Fn::Sub"), "{name}: no template uses Fn::Sub");
        }
    }
}

#[test]
fn user_strings_stay_literal_json_strings() {
    let hostile = r#"x"} resource "aws_iam_user" "y" { name = "${file("/etc/passwd")}"#;
    let mut plan = plan_of("production");
    for s in &mut plan.stacks {
        for r in &mut s.resources {
            if let Kind::MskReplicator(MskReplicator { replication, .. }) = &mut r.kind {
                replication.topics.push(hostile.to_string());
            }
            if let Kind::HealthCheck(HealthCheck { path, .. }) = &mut r.kind {
                *path = format!("/health?q={hostile}");
            }
        }
    }
    plan.tags.push(("Team".into(), "${AWS::AccountId} \\ \"".into()));
    let all = templates(&plan, CfnReferences::Parameters);
    let (_, repl) = all.iter().find(|(n, _)| n.contains("-msk-replication-")).unwrap();
    let topics = &repl["Resources"]["ReplicatorFromApne1"]["Properties"]["ReplicationInfoList"][0]["TopicReplication"]
        ["TopicsToReplicate"];
    assert_eq!(
        topics,
        &json!(["orders\\..*", "payments\\..*", "customer-events", hostile])
    );
    let (_, dns) = all.iter().find(|(n, _)| n.contains("-dns-")).unwrap();
    assert_eq!(
        dns["Resources"]["HealthCheckApne1"]["Properties"]["HealthCheckConfig"]["ResourcePath"],
        format!("/health?q={hostile}")
    );
    for (name, t) in &all {
        assert!(!t.to_string().contains("Fn::Sub"), "{name}");
        let tag = t["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|r| r["Properties"]["Tags"].as_array())
            .flatten()
            .find(|tag| tag["Key"] == "Team");
        if let Some(tag) = tag {
            assert_eq!(tag["Value"], "${AWS::AccountId} \\ \"");
        }
    }
}

#[test]
fn route53_records_carry_their_policies() {
    let plan = plan_of("production");
    let all = templates(&plan, CfnReferences::Parameters);
    let (_, dns) = all.iter().find(|(n, _)| n.contains("-dns-")).unwrap();
    let records = resources_of_type(dns, "AWS::Route53::RecordSet");
    let mut failover = Vec::new();
    let mut entry_points = 0;
    for (_, r) in &records {
        let p = &r["Properties"];
        // Pinned to the zone by id, aliases to the regions' load balancers, with no TTL.
        assert_eq!(p["HostedZoneId"], "Z0123456789ABCDEFGHIJ");
        assert!(p.get("HostedZoneName").is_none());
        assert_eq!(p["Type"], "A");
        assert!(p.get("TTL").is_none());
        let dns_name = p["AliasTarget"]["DNSName"]["Ref"].as_str().unwrap();
        assert!(dns_name.starts_with("LoadBalancerDnsName"), "{dns_name}");
        if p.get("SetIdentifier").is_none() {
            // An entry point's own name: simple, no health check.
            entry_points += 1;
            assert!(p.get("HealthCheckId").is_none());
            continue;
        }
        assert_eq!(p["AliasTarget"]["EvaluateTargetHealth"], true);
        assert!(p["HealthCheckId"]["Ref"].as_str().unwrap().starts_with("HealthCheck"));
        if let Some(f) = p.get("Failover") {
            failover.push((p["Name"].clone(), f.clone()));
        }
    }
    failover.sort_by_key(|(_, f)| f.to_string());
    assert_eq!(
        failover,
        vec![
            (json!("api.example.com."), json!("PRIMARY")),
            (json!("api.example.com."), json!("SECONDARY"))
        ]
    );
    assert!(records
        .iter()
        .any(|(_, r)| r["Properties"]["GeoLocation"] == json!({ "CountryCode": "*" })));
    assert!(records
        .iter()
        .any(|(_, r)| r["Properties"]["GeoLocation"] == json!({ "ContinentCode": "OC" })));
    assert!(records.iter().any(|(_, r)| r["Properties"]["Weight"] == 10));
    assert!(records
        .iter()
        .any(|(_, r)| r["Properties"]["Region"] == "ap-northeast-2"));
    assert_eq!(entry_points, plan.regions.len());
    for (_, h) in resources_of_type(dns, "AWS::Route53::HealthCheck") {
        let c = &h["Properties"]["HealthCheckConfig"];
        assert_eq!(c["Type"], "HTTPS");
        assert_eq!(c["EnableSNI"], true);
        assert_eq!(c["RequestInterval"], 10);
        assert_eq!(c["FailureThreshold"], 3);
        assert_eq!(c["ResourcePath"], "/health");
    }
}

#[test]
fn terraform_only_resources_are_not_rendered() {
    let plan = plan_of("production");
    let all = templates(&plan, CfnReferences::Parameters);
    for (stack, (_, t)) in plan.stacks.iter().zip(&all) {
        for r in &stack.resources {
            let present = t["Resources"].get(pascal(&r.id)).is_some();
            assert_eq!(
                present,
                r.backends != Backends::TerraformOnly,
                "{} {}",
                stack.name,
                r.id
            );
        }
    }
}

#[test]
fn values_become_intrinsic_functions() {
    let plan = plan_of("production");
    let stack = plan
        .stacks
        .iter()
        .find(|s| s.name.contains("network-ap-northeast-1"))
        .unwrap();
    let ctx = Ctx::new(&plan, stack, CfnReferences::Parameters);
    assert_eq!(
        ctx.v(&V::AzIndex(2)),
        json!({ "Fn::Select": [2, { "Fn::GetAZs": "" }] })
    );
    assert_eq!(ctx.v(&V::AccountId), json!({ "Ref": "AWS::AccountId" }));
    assert_eq!(ctx.v(&V::Region), json!({ "Ref": "AWS::Region" }));
    assert_eq!(ctx.v(&V::r("private_subnet_a")), json!({ "Ref": "PrivateSubnetA" }));
    assert_eq!(
        ctx.v(&V::attr("app_security_group", crate::plan::Attr::GroupId)),
        json!({ "Fn::GetAtt": ["AppSecurityGroup", "GroupId"] })
    );
    assert_eq!(ctx.v(&V::Join(vec![V::s("a"), V::s("b")])), json!("ab"));
    assert_eq!(
        ctx.v(&V::Join(vec![V::s("arn:"), V::AccountId, V::s(":x"), V::s("y")])),
        json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::AccountId" }, ":xy"]] })
    );
    assert_eq!(
        ctx.v(&V::Select(1, Box::new(V::p("Ids")))),
        json!({ "Fn::Select": [1, { "Ref": "Ids" }] })
    );
}

#[test]
fn rbac_users_fit_their_group() {
    // The disabled `default` user has no password, which a `valkey` user group refuses: users
    // and group take engine `redis`, which a Valkey cache accepts.
    for env in ["development", "production"] {
        let plan = plan_of(env);
        for (name, t) in templates(&plan, CfnReferences::Parameters) {
            for (id, u) in resources_of_type(&t, "AWS::ElastiCache::User") {
                let p = &u["Properties"];
                assert_eq!(p["Engine"], "redis", "{name} {id}");
                let mode = &p["AuthenticationMode"]["Type"];
                if p["UserName"] == "default" {
                    assert_eq!(*mode, "no-password-required", "{name} {id}");
                    assert!(p["AccessString"].as_str().unwrap().starts_with("off"));
                } else {
                    assert_eq!(*mode, "iam", "{name} {id}");
                    assert_eq!(p["UserId"], p["UserName"], "IAM users need id = name");
                }
            }
            for (id, g) in resources_of_type(&t, "AWS::ElastiCache::UserGroup") {
                assert_eq!(g["Properties"]["Engine"], "redis", "{name} {id}");
            }
        }
    }
}

#[test]
fn checkov_suppressions_are_explained_and_listed_in_the_readme() {
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut seen = BTreeSet::new();
    for env in ENVIRONMENTS {
        for (name, t) in templates(&plan_of(env), CfnReferences::Parameters) {
            for (id, r) in t["Resources"].as_object().unwrap() {
                for skip in r["Metadata"]["checkov"]["skip"].as_array().into_iter().flatten() {
                    let check = skip["id"].as_str().unwrap();
                    assert!(skip["comment"].as_str().unwrap().len() > 40, "{name} {id} {check}");
                    // Each where its reason holds: the load balancers' access logs, and port 80
                    // from anywhere on the public load balancer's group alone.
                    match check {
                        "CKV_AWS_91" => assert_eq!(r["Type"], "AWS::ElasticLoadBalancingV2::LoadBalancer"),
                        // The logs bucket alone logs nowhere.
                        "CKV_AWS_18" => {
                            assert_eq!(r["Type"], "AWS::S3::Bucket", "{name} {id}");
                            assert!(r["Properties"].get("LoggingConfiguration").is_none(), "{name} {id}");
                        }
                        "CKV_AWS_260" => {
                            assert!(name.contains("-ingress-") && id == "LbSecurityGroup", "{name} {id}");
                            let redirect = resources_of_type(&t, "AWS::ElasticLoadBalancingV2::Listener")
                                .into_iter()
                                .any(|(_, l)| {
                                    l["Properties"]["Port"] == 80
                                        && l["Properties"]["DefaultActions"][0]["Type"] == "redirect"
                                });
                            assert!(redirect, "{name}: port 80 serves only a redirect to HTTPS");
                        }
                        _ => {}
                    }
                    seen.insert(check.to_string());
                }
            }
        }
    }
    // Global Datastore secondaries: encryption at rest, in transit, AUTH (inherited); the
    // load balancers' access logs (no logs bucket yet) and their groups' port 80 (a redirect);
    // the logs buckets' own access logs.
    assert_eq!(
        seen,
        BTreeSet::from(
            [
                "CKV_AWS_29",
                "CKV_AWS_30",
                "CKV_AWS_31",
                "CKV_AWS_91",
                "CKV_AWS_260",
                "CKV_AWS_18"
            ]
            .map(String::from)
        )
    );
    for check in &seen {
        assert!(
            readme.lines().any(|l| l.starts_with('|') && l.contains(check.as_str())),
            "README does not list {check}"
        );
    }
}

/// The dashboard's body is JSON text: a plain string when nothing in it comes from another
/// stack, else `Fn::Join` of text around the references (parameters, or the outputs they name);
/// read with each reference as a string, it is the plan's widgets.
#[test]
fn the_dashboard_body_is_json_text_joined_around_references() {
    let (mut plain, mut joined) = (0, 0);
    for env in ENVIRONMENTS {
        let plan = plan_of(env);
        for refs in MODES {
            for (name, t) in templates(&plan, refs) {
                for (id, d) in resources_of_type(&t, "AWS::CloudWatch::Dashboard") {
                    let body = &d["Properties"]["DashboardBody"];
                    let text = match body.as_str() {
                        Some(s) => {
                            plain += 1;
                            s.to_string()
                        }
                        None => {
                            joined += 1;
                            assert_eq!(body["Fn::Join"][0], "", "{name} {id}");
                            let parts = body["Fn::Join"][1].as_array().unwrap();
                            parts
                                .iter()
                                .map(|p| match p.as_str() {
                                    Some(s) => s.to_string(),
                                    None => {
                                        let reference = p.get("Ref").or(p.get("Fn::GetStackOutput"));
                                        assert!(reference.is_some(), "{name} {id}: {p}");
                                        "a-reference".to_string()
                                    }
                                })
                                .collect()
                        }
                    };
                    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} {id}: {e}: {text}"));
                    let widgets = doc["widgets"].as_array().unwrap();
                    let planned = plan
                        .stack(&name)
                        .unwrap()
                        .resources
                        .iter()
                        .find_map(|r| {
                            if let crate::plan::Kind::Dashboard(d) = &r.kind {
                                Some(d.widgets.len())
                            } else {
                                None
                            }
                        })
                        .unwrap();
                    assert_eq!(widgets.len(), planned, "{name} {id}");
                    assert!(widgets.iter().all(|w| w["properties"].is_object()), "{name} {id}");
                    // Objects are written with sorted keys, as Terraform's jsonencode writes them.
                    assert!(text.starts_with(r#"{"widgets":[{"height":"#), "{name} {id}");
                }
            }
        }
    }
    assert!(plain > 0 && joined > 0, "{plain} plain, {joined} joined");
}

/// The replicators' settings are the plan's `Replication`, in both backends: a starting
/// position set there (as the runbook's replicator back has) reaches CloudFormation and Terraform.
#[test]
fn a_replicators_settings_come_from_the_plan_in_both_backends() {
    let mut plan = plan_of("production");
    let mut seen = 0;
    for s in &mut plan.stacks {
        for r in &mut s.resources {
            if let Kind::MskReplicator(MskReplicator { replication, .. }) = &mut r.kind {
                replication.starting_position = Some("EARLIEST");
                replication.identical_topic_names = false;
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 1);
    let cfn: Vec<_> = templates(&plan, CfnReferences::Parameters)
        .into_iter()
        .flat_map(|(_, t)| {
            resources_of_type(&t, "AWS::MSK::Replicator")
                .into_iter()
                .map(|(_, r)| r["Properties"]["ReplicationInfoList"][0]["TopicReplication"].clone())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(cfn.len(), 1);
    assert_eq!(cfn[0]["StartingPosition"], serde_json::json!({"Type": "EARLIEST"}));
    assert_eq!(
        cfn[0]["TopicNameConfiguration"]["Type"],
        "PREFIXED_WITH_SOURCE_CLUSTER_ALIAS"
    );
    let tf: String = crate::render::tf::render(&plan, crate::render::tf::Layout::Single)
        .into_iter()
        .map(|f| f.contents)
        .collect();
    assert!(
        tf.contains("starting_position {\n        type = \"EARLIEST\"\n      }"),
        "no starting position in Terraform"
    );
    assert!(tf.contains("type = \"PREFIXED_WITH_SOURCE_CLUSTER_ALIAS\""));
}
