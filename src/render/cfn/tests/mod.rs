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
    // Two replicas, as a size AWS changes in place (not the create-only ReplicasPerNodeGroup).
    assert_eq!(rg["NumCacheClusters"], 3);
    assert!(rg.get("ReplicasPerNodeGroup").is_none() && rg.get("NumNodeGroups").is_none());
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

mod values;
