//! How plan values, user strings and the plan's shared documents reach the templates.

use super::*;

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
