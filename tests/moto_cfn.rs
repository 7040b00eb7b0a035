//! The production environment's CloudFormation stacks deploy on the moto mock server (SPEC
//! section 6), in plan order, each stack's parameters read from earlier stacks' outputs.
//!
//! moto's CloudFormation has no model for many types (RDS clusters, Secrets Manager, ElastiCache,
//! MSK, EKS, alarms, budgets, SNS subscriptions and topic policies) and crashes on a `Ref` or
//! `Fn::GetAtt` to a resource it skipped. So each template is first reduced to what moto can
//! create: those resources go, then, repeatedly, every resource that refers to a removed one or to
//! a parameter fed by one; outputs that referred to them get a placeholder value. What is removed
//! is printed. The cross-region peering stack cannot be created there (moto looks the peer VPC up
//! in its own region), so its template is checked instead, and the peering-routes stacks that
//! need its output are skipped too. A stack with a `create-pass` (the manifest's first pass of
//! a new stack) is created with those values and then updated with its final parameters, as
//! `deploy.sh` does. After the stacks, the test checks in moto what they made.

use crate::common::moto::Moto;
use crate::common::{plan_of, require_tool, shipped, tempdir};
use mrgen::plan::{
    HealthCheck, Kind, KmsAlias, Layer, ParamSource, PeeringConnection, Plan, RecordSet, RecordTarget, SecurityGroup,
    Stack, Subnet, Vpc,
};
use mrgen::render::{cfn, CfnReferences};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Resource types moto 5.2.1's CloudFormation has no model for (it skips them, then crashes on a
/// reference to one): removed before `create-stack`, with everything that refers to them. (moto
/// does model `AWS::RDS::DBInstance` and `AWS::RDS::DBSubnetGroup`; the instances go because they
/// name the removed cluster.)
const MOTO_SKIPS: &[&str] = &[
    "AWS::RDS::GlobalCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBClusterParameterGroup",
    "AWS::SecretsManager::Secret",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::ElastiCache::ParameterGroup",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::GlobalReplicationGroup",
    "AWS::ElastiCache::User",
    "AWS::ElastiCache::UserGroup",
    "AWS::MSK::Cluster",
    "AWS::MSK::ClusterPolicy",
    "AWS::MSK::Replicator",
    "AWS::EKS::Cluster",
    "AWS::EKS::Nodegroup",
    // Nor for these (no `AWS::EKS::` type anywhere in moto 5.2.1's source; its EKS backend has
    // no add-on, access-entry or Pod Identity API at all: moto/eks/urls.py routes clusters, node
    // groups, Fargate profiles and tags only). They name the removed cluster anyway.
    "AWS::EKS::Addon",
    "AWS::EKS::AccessEntry",
    "AWS::EKS::PodIdentityAssociation",
    "AWS::CloudWatch::Alarm",
    "AWS::Budgets::Budget",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
];

/// Properties moto 5.2.1 cannot read although CloudFormation takes them: (type, property, why).
/// They are dropped (and the drop printed) rather than the resource, which the checks need.
const MOTO_CANNOT_READ: &[(&str, &str, &str)] = &[(
    "AWS::KMS::Key",
    "Tags",
    "moto reads KMS tags as TagKey/TagValue and fails with KeyError('TagKey') on CloudFormation's Key/Value",
)];

/// The value an output gets when what it named was removed.
const PLACEHOLDER: &str = "removed-for-moto";

/// How long one stack may take to reach CREATE_COMPLETE.
const STACK_TIMEOUT: Duration = Duration::from_secs(180);

/// The logical ids and parameter names a piece of a template refers to: `Ref`, `Fn::GetAtt`,
/// `DependsOn` and the `${…}` of `Fn::Sub`.
fn references(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    ("Fn::GetAtt", Value::Array(a)) => {
                        if let Some(Value::String(s)) = a.first() {
                            out.insert(s.clone());
                        }
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        out.insert(s.split('.').next().unwrap_or("").to_string());
                    }
                    ("DependsOn", Value::String(s)) => {
                        out.insert(s.clone());
                    }
                    ("DependsOn", Value::Array(a)) => {
                        out.extend(a.iter().filter_map(|d| d.as_str().map(String::from)));
                    }
                    ("Fn::Sub", sub) => {
                        let text = match sub {
                            Value::String(s) => Some(s.as_str()),
                            Value::Array(a) => a.first().and_then(|s| s.as_str()),
                            _ => None,
                        };
                        let mut rest = text.unwrap_or("");
                        while let Some(start) = rest.find("${") {
                            let after = &rest[start + 2..];
                            let Some(end) = after.find('}') else { break };
                            let name = &after[..end];
                            if !name.starts_with('!') {
                                out.insert(name.split('.').next().unwrap_or("").to_string());
                            }
                            rest = &after[end..];
                        }
                    }
                    _ => {}
                }
                references(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

/// Replaces every `{"Fn::Select": [n, {"Fn::GetAZs": ""}]}` with the n-th of `zones`, what
/// CloudFormation does at deploy time; returns how many it replaced.
fn pick_azs(v: &mut Value, zones: &[String]) -> usize {
    if let Some([Value::Number(n), getazs]) = v.get("Fn::Select").and_then(|s| s.as_array()).map(|a| a.as_slice()) {
        if getazs == &json!({ "Fn::GetAZs": "" }) {
            let n = n.as_u64().unwrap_or(0) as usize;
            let zone = zones
                .get(n)
                .unwrap_or_else(|| panic!("moto offers no zone number {n}: {zones:?}"));
            *v = json!(zone);
            return 1;
        }
    }
    match v {
        Value::Object(m) => m.values_mut().map(|x| pick_azs(x, zones)).sum(),
        Value::Array(a) => a.iter_mut().map(|x| pick_azs(x, zones)).sum(),
        _ => 0,
    }
}

/// What reducing one template removed.
#[derive(Default)]
struct Reduction {
    /// logical id → why.
    removed: BTreeMap<String, String>,
    /// outputs given the placeholder.
    placeholders: Vec<String>,
    /// moto workarounds that change a kept resource, one line each.
    changes: Vec<String>,
}

/// Reduces a template in place to what moto can create. `dead` holds the (stack, output) pairs
/// whose value is a placeholder; this stack's placeholdered outputs are added to it.
fn reduce(template: &mut Value, stack: &Stack, zones: &[String], dead: &mut BTreeSet<(String, String)>) -> Reduction {
    let mut red = Reduction::default();
    let dead_params: BTreeSet<String> = stack
        .parameters
        .iter()
        .filter(|p| match &p.source {
            ParamSource::Output { stack, output } => dead.contains(&(stack.clone(), output.clone())),
            ParamSource::Literal(_) => false,
        })
        .map(|p| p.name.clone())
        .collect();
    // moto 5.2.1 resolves `Fn::GetAZs ""` to us-east-1a..d whatever the stack's region (and
    // its own EC2 then refuses them in another region); on AWS it lists the region's zones for
    // the account. So the zones moto's EC2 offers in the region are put in, as AWS would.
    let picked = pick_azs(&mut template["Resources"], zones);
    if picked > 0 {
        red.changes.push(format!(
            "{picked} x Fn::Select/Fn::GetAZs \"\": zones of {} put in ({}), since moto resolves \"\" to us-east-1's",
            stack.region,
            zones.join(", ")
        ));
    }
    let resources = template["Resources"].as_object_mut().expect("Resources");
    for (id, r) in resources.iter_mut() {
        for (ty, prop, why) in MOTO_CANNOT_READ {
            if r["Type"] == *ty {
                if let Some(props) = r.get_mut("Properties").and_then(|p| p.as_object_mut()) {
                    if props.remove(*prop).is_some() {
                        red.changes.push(format!("{id}: {prop} dropped: {why}"));
                    }
                }
            }
        }
    }
    for (id, r) in resources.iter() {
        let ty = r["Type"].as_str().unwrap_or("");
        if MOTO_SKIPS.contains(&ty) {
            red.removed
                .insert(id.clone(), format!("{ty}: moto has no model for it"));
        }
    }
    loop {
        let mut more = Vec::new();
        for (id, r) in resources.iter() {
            if red.removed.contains_key(id) {
                continue;
            }
            let mut refs = BTreeSet::new();
            references(r, &mut refs);
            if let Some(x) = refs.iter().find(|x| red.removed.contains_key(*x)) {
                more.push((id.clone(), format!("refers to removed {x}")));
            } else if let Some(p) = refs.iter().find(|x| dead_params.contains(*x)) {
                more.push((id.clone(), format!("uses parameter {p}, fed by a removed resource")));
            }
        }
        if more.is_empty() {
            break;
        }
        red.removed.extend(more);
    }
    resources.retain(|id, _| !red.removed.contains_key(id));
    if resources.is_empty() {
        // A template needs a resource; this one has no effect on moto (or anywhere).
        resources.insert(
            "MotoPlaceholder".into(),
            json!({ "Type": "AWS::CloudFormation::WaitConditionHandle" }),
        );
    }
    if let Some(outputs) = template.get_mut("Outputs").and_then(|o| o.as_object_mut()) {
        for (name, o) in outputs.iter_mut() {
            let mut refs = BTreeSet::new();
            references(&o["Value"], &mut refs);
            if refs
                .iter()
                .any(|x| red.removed.contains_key(x) || dead_params.contains(x))
            {
                o["Value"] = json!(PLACEHOLDER);
                red.placeholders.push(name.clone());
                dead.insert((stack.name.clone(), name.clone()));
            }
        }
    }
    red
}

/// Polls describe-stacks until the stack is `done` (CREATE_COMPLETE, UPDATE_COMPLETE); panics
/// with its events otherwise.
fn wait_for(moto: &Moto, stack: &Stack, done: &str) -> Value {
    let deadline = Instant::now() + STACK_TIMEOUT;
    loop {
        let d = moto.ok(
            &stack.region,
            &["cloudformation", "describe-stacks", "--stack-name", &stack.name],
        );
        let s = d["Stacks"][0].clone();
        let status = s["StackStatus"].as_str().unwrap_or("").to_string();
        if status == done {
            return s;
        }
        if status.contains("FAILED") || status.contains("ROLLBACK") || Instant::now() > deadline {
            let events = moto
                .aws(
                    &stack.region,
                    &["cloudformation", "describe-stack-events", "--stack-name", &stack.name],
                )
                .unwrap_or_else(|e| json!(e));
            panic!(
                "{} ended {status}: {}\nevents: {events:#}\nmoto log:\n{}",
                stack.name,
                s["StackStatusReason"],
                std::fs::read_to_string(&moto.log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The outputs of a created stack: name → value.
fn outputs_of(described: &Value) -> BTreeMap<String, String> {
    described["Outputs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| {
            Some((
                o["OutputKey"].as_str()?.to_string(),
                o["OutputValue"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Checks the peering stack's template, which moto cannot create: one connection per
/// secondary, to that secondary's region, to the VPC its network stack outputs.
fn check_peering_template(
    plan: &Plan,
    stack: &Stack,
    template: &Value,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) {
    let mut connections = 0;
    for r in &stack.resources {
        let Kind::PeeringConnection(PeeringConnection { peer_region, .. }) = &r.kind else {
            continue;
        };
        connections += 1;
        let logical = mrgen::plan::pascal(&r.id);
        let res = &template["Resources"][&logical];
        assert_eq!(res["Type"], "AWS::EC2::VPCPeeringConnection", "{logical}");
        let p = &res["Properties"];
        assert_eq!(p["PeerRegion"], peer_region.as_str(), "{logical}: PeerRegion");
        let param = p["PeerVpcId"]["Ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{logical}: PeerVpcId is not a parameter"));
        assert!(
            template["Parameters"].get(param).is_some(),
            "{logical}: no template parameter {param}"
        );
        let source = stack.parameter(param).map(|p| p.source.clone());
        let peer_network = plan
            .stacks
            .iter()
            .find(|s| s.layer == Layer::Network && &s.region == peer_region)
            .expect("the peer's network stack");
        assert_eq!(
            source,
            Some(ParamSource::Output {
                stack: peer_network.name.clone(),
                output: "VpcId".into()
            }),
            "{logical}: PeerVpcId must come from the secondary's network stack"
        );
        let peer_vpc = &outputs[&peer_network.name]["VpcId"];
        assert!(peer_vpc.starts_with("vpc-"), "the secondary's VpcId output: {peer_vpc}");
        assert_eq!(p["VpcId"]["Ref"], "VpcId", "{logical}: own VPC");
        println!(
            "  {logical}: PeerRegion {peer_region}, PeerVpcId from {}.VpcId ({peer_vpc})",
            peer_network.name
        );
    }
    assert_eq!(
        connections,
        plan.regions.len() - 1,
        "one peering connection per secondary"
    );
}

/// What the created stacks must have made, read back from moto.
fn check_resources(moto: &Moto, plan: &Plan, outputs: &BTreeMap<String, BTreeMap<String, String>>) {
    for net in plan.stacks.iter().filter(|s| s.layer == Layer::Network) {
        let region = net.region.as_str();
        let out = &outputs[&net.name];
        let vpc_id = &out["VpcId"];
        let cidr = net
            .resources
            .iter()
            .find_map(|r| match &r.kind {
                Kind::Vpc(Vpc { cidr, .. }) => Some(cidr.clone()),
                _ => None,
            })
            .expect("a VPC in the network stack");
        let vpcs = moto.ok(region, &["ec2", "describe-vpcs", "--vpc-ids", vpc_id]);
        assert_eq!(vpcs["Vpcs"][0]["CidrBlock"], cidr.as_str(), "{region}: VPC CIDR");

        let subnets = moto.ok(
            region,
            &[
                "ec2",
                "describe-subnets",
                "--filters",
                &format!("Name=vpc-id,Values={vpc_id}"),
            ],
        );
        let subnets = subnets["Subnets"].as_array().cloned().unwrap_or_default();
        let want: BTreeSet<String> = net
            .resources
            .iter()
            .filter_map(|r| match &r.kind {
                Kind::Subnet(Subnet { cidr, .. }) => Some(cidr.clone()),
                _ => None,
            })
            .collect();
        let got: BTreeSet<String> = subnets
            .iter()
            .filter_map(|s| s["CidrBlock"].as_str().map(String::from))
            .collect();
        assert_eq!(got, want, "{region}: subnet CIDRs");
        let azs: BTreeSet<&str> = subnets.iter().filter_map(|s| s["AvailabilityZone"].as_str()).collect();
        assert_eq!(azs.len(), 3, "{region}: subnets in three AZs, got {azs:?}");
        assert!(azs.iter().all(|az| az.starts_with(region)), "{region}: AZs {azs:?}");
        let private: Vec<&str> = out["PrivateSubnetIds"].split(',').collect();
        assert_eq!(private.len(), 3, "{region}: PrivateSubnetIds output");
        for id in &private {
            assert!(
                subnets.iter().any(|s| s["SubnetId"] == *id),
                "{region}: {id} is not in the VPC"
            );
        }

        let groups = moto.ok(
            region,
            &[
                "ec2",
                "describe-security-groups",
                "--filters",
                &format!("Name=vpc-id,Values={vpc_id}"),
            ],
        );
        let groups = groups["SecurityGroups"].as_array().cloned().unwrap_or_default();
        for r in &net.resources {
            let Kind::SecurityGroup(SecurityGroup { name, ingress, .. }) = &r.kind else {
                continue;
            };
            let g = groups
                .iter()
                .find(|g| g["GroupName"] == name.as_str())
                .unwrap_or_else(|| panic!("{region}: security group {name} missing"));
            let ports: BTreeSet<i64> = g["IpPermissions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["FromPort"].as_i64())
                .collect();
            for rule in ingress {
                assert!(
                    ports.contains(&i64::from(rule.port)),
                    "{region}: {name} lacks ingress {}",
                    rule.port
                );
            }
            for p in g["IpPermissions"].as_array().into_iter().flatten() {
                for range in p["IpRanges"].as_array().into_iter().flatten() {
                    assert_ne!(range["CidrIp"], "0.0.0.0/0", "{region}: {name} is open to the world");
                }
            }
        }
        for (output, group) in [
            ("AppSecurityGroupId", "app"),
            ("DatabaseSecurityGroupId", "database"),
            ("CacheSecurityGroupId", "cache"),
            ("KafkaSecurityGroupId", "kafka"),
        ] {
            let id = &out[output];
            assert!(
                groups.iter().any(|g| g["GroupId"] == id.as_str()),
                "{region}: {group} group {id} not found"
            );
        }

        // `describe-key` would run moto's key-policy check, which fails (HTTP 500) on a policy
        // CloudFormation gave as a JSON object; `list-keys` and `list-aliases` do not.
        let key = &out["KmsKeyArn"];
        let keys = moto.ok(region, &["kms", "list-keys"]);
        let key_id = keys["Keys"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|k| k["KeyArn"] == key.as_str())
            .and_then(|k| k["KeyId"].as_str())
            .unwrap_or_else(|| panic!("{region}: KMS key {key} not found"))
            .to_string();
        let aliases = moto.ok(region, &["kms", "list-aliases"]);
        let alias = net
            .resources
            .iter()
            .find_map(|r| match &r.kind {
                Kind::KmsAlias(KmsAlias { name, .. }) => Some(name.clone()),
                _ => None,
            })
            .expect("a KMS alias");
        assert!(
            aliases["Aliases"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| a["AliasName"] == alias.as_str() && a["TargetKeyId"] == key_id.as_str()),
            "{region}: alias {alias} does not name the key"
        );
        println!(
            "  {region}: VPC {vpc_id} {cidr}, {} subnets in {azs:?}, security groups and KMS key present",
            subnets.len()
        );
    }

    let Some(dns) = plan.stacks.iter().find(|s| s.layer == Layer::Dns) else {
        panic!("production renders Route 53");
    };
    let checks = moto.ok(&dns.region, &["route53", "list-health-checks"]);
    let checks = checks["HealthChecks"].as_array().cloned().unwrap_or_default();
    let mut n_checks = 0;
    for r in &dns.resources {
        let Kind::HealthCheck(HealthCheck {
            fqdn,
            port,
            path,
            https,
            interval,
            threshold,
            ..
        }) = &r.kind
        else {
            continue;
        };
        n_checks += 1;
        let c = checks
            .iter()
            .find(|c| c["HealthCheckConfig"]["FullyQualifiedDomainName"] == fqdn.as_str())
            .unwrap_or_else(|| panic!("no health check for {fqdn}"));
        let cfg = &c["HealthCheckConfig"];
        assert_eq!(cfg["Type"], if *https { "HTTPS" } else { "HTTP" }, "{fqdn}");
        assert_eq!(cfg["Port"], *port, "{fqdn}");
        assert_eq!(cfg["ResourcePath"], path.as_str(), "{fqdn}");
        assert_eq!(cfg["RequestInterval"], *interval, "{fqdn}");
        assert_eq!(cfg["FailureThreshold"], *threshold, "{fqdn}");
    }
    assert_eq!(checks.len(), n_checks, "health checks in moto");

    let mut records_checked = 0;
    let zones: BTreeSet<String> = dns
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::RecordSet(RecordSet { zone, .. }) => Some(zone.name.clone()),
            _ => None,
        })
        .collect();
    for zone in zones {
        let zone_id = hosted_zone_id(moto, &zone).unwrap_or_else(|| panic!("no hosted zone {zone}"));
        let sets = moto.ok(
            &dns.region,
            &["route53", "list-resource-record-sets", "--hosted-zone-id", &zone_id],
        );
        let sets = sets["ResourceRecordSets"].as_array().cloned().unwrap_or_default();
        for r in &dns.resources {
            let Kind::RecordSet(RecordSet { zone: z, spec }) = &r.kind else {
                continue;
            };
            if z.name != zone {
                continue;
            }
            let name = format!("{}.", spec.name);
            let got = sets
                .iter()
                .find(|s| s["Name"] == name.as_str() && s["SetIdentifier"].as_str() == spec.set_identifier.as_deref())
                .unwrap_or_else(|| panic!("no record {name} / {:?}", spec.set_identifier));
            match &spec.target {
                RecordTarget::Cname { host, ttl } => {
                    assert_eq!(got["Type"], "CNAME", "{name}");
                    assert_eq!(got["TTL"], *ttl, "{name}");
                    assert_eq!(got["ResourceRecords"][0]["Value"], host.as_str(), "{name}");
                }
                RecordTarget::Alias { evaluate_health, .. } => {
                    assert_eq!(got["Type"], "A", "{name}");
                    assert_eq!(got["AliasTarget"]["EvaluateTargetHealth"], *evaluate_health, "{name}");
                }
            }
            assert_eq!(
                got["HealthCheckId"].as_str().is_some_and(|h| !h.is_empty()),
                spec.health_check.is_some(),
                "{name}: health check"
            );
            match &spec.routing {
                mrgen::plan::Routing::Simple => assert!(got.get("SetIdentifier").is_none(), "{name}"),
                mrgen::plan::Routing::Failover { primary } => {
                    assert_eq!(
                        got["Failover"],
                        if *primary { "PRIMARY" } else { "SECONDARY" },
                        "{name}"
                    )
                }
                mrgen::plan::Routing::Latency { region } => assert_eq!(got["Region"], region.as_str(), "{name}"),
                mrgen::plan::Routing::Weighted { weight } => assert_eq!(got["Weight"], *weight, "{name}"),
                mrgen::plan::Routing::Geolocation {
                    continent,
                    country,
                    subdivision,
                } => {
                    let g = &got["GeoLocation"];
                    assert_eq!(g["ContinentCode"].as_str(), continent.as_deref(), "{name}");
                    assert_eq!(g["CountryCode"].as_str(), country.as_deref(), "{name}");
                    assert_eq!(g["SubdivisionCode"].as_str(), subdivision.as_deref(), "{name}");
                }
            }
            records_checked += 1;
        }
    }
    assert!(records_checked > 0, "no records checked");
    println!("  Route 53: {n_checks} health checks and {records_checked} records with their routing policies");
}

/// The availability zones moto's EC2 offers in a region, in its order.
fn zones_of(moto: &Moto, region: &str) -> Vec<String> {
    let z = moto.ok(region, &["ec2", "describe-availability-zones"]);
    z["AvailabilityZones"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["ZoneName"].as_str().map(String::from))
        .collect()
}

fn hosted_zone_id(moto: &Moto, zone: &str) -> Option<String> {
    let zones = moto.ok(
        "us-east-1",
        &["route53", "list-hosted-zones-by-name", "--dns-name", zone],
    );
    zones["HostedZones"]
        .as_array()?
        .iter()
        .find(|z| z["Name"] == format!("{zone}."))
        .and_then(|z| z["Id"].as_str())
        .map(|id| id.trim_start_matches("/hostedzone/").to_string())
}

#[test]
fn production_stacks_deploy_on_moto() {
    let test = "moto_cfn::production_stacks_deploy_on_moto";
    let Some(server) = require_tool("moto_server", test) else {
        return;
    };
    let Some(aws) = require_tool("aws", test) else { return };
    let plan = plan_of("production", &shipped("production"));
    let files = cfn::render(&plan, CfnReferences::Parameters);
    let dir = tempdir("moto-cfn");
    let moto = Moto::start(&server, aws, dir.join("moto.log"));
    println!("moto_server at {}", moto.endpoint);

    // The hosted zones are looked up by name, not created (SPEC section 5): make them first.
    let zones: BTreeSet<String> = plan
        .stacks
        .iter()
        .flat_map(|s| &s.resources)
        .filter_map(|r| match &r.kind {
            Kind::RecordSet(RecordSet { zone, .. }) => Some(zone.name.clone()),
            _ => None,
        })
        .collect();
    for zone in &zones {
        moto.create_zone(zone);
    }

    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut dead: BTreeSet<(String, String)> = BTreeSet::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut created = 0;
    for (stack, file) in plan.stacks.iter().zip(&files) {
        let mut template: Value = serde_json::from_str(&file.contents).expect("template JSON");
        println!("{} ({})", stack.name, stack.region);
        if stack.layer == Layer::Peering {
            println!("  not created: moto looks a cross-region peer VPC up in its own region (SPEC section 6); checking the template");
            check_peering_template(&plan, stack, &template, &outputs);
            skipped.push(stack.name.clone());
            for o in &stack.outputs {
                dead.insert((stack.name.clone(), o.name.clone()));
            }
            continue;
        }
        let feeds_from_skipped: Vec<&String> = stack
            .parameters
            .iter()
            .filter_map(|p| match &p.source {
                ParamSource::Output { stack: s, .. } if skipped.contains(s) => Some(s),
                _ => None,
            })
            .collect();
        if let Some(s) = feeds_from_skipped.first() {
            println!("  not created: its parameters come from {s}, which moto cannot create");
            skipped.push(stack.name.clone());
            continue;
        }
        let zones = zones_of(&moto, &stack.region);
        let red = reduce(&mut template, stack, &zones, &mut dead);
        for (id, why) in &red.removed {
            println!("  removed {id}: {why}");
        }
        for c in &red.changes {
            println!("  changed {c}");
        }
        for o in &red.placeholders {
            println!("  output {o}: placeholder");
        }
        let kept = template["Resources"].as_object().map_or(0, |m| m.len());
        println!("  creating with {kept} resources");

        // The manifest's passes: a stack with a `create-pass` is created with those values,
        // then updated with its final parameters, as `deploy.sh` does with a new stack.
        let first_pass = stack.create_pass();
        let mut passes = Vec::new();
        if !first_pass.is_empty() {
            passes.push(("create-stack", "CREATE_COMPLETE", first_pass.clone()));
            passes.push(("update-stack", "UPDATE_COMPLETE", Vec::new()));
        } else {
            passes.push(("create-stack", "CREATE_COMPLETE", Vec::new()));
        }
        let mut described = Value::Null;
        for (n, (op, done, overrides)) in passes.iter().enumerate() {
            let mut params = Vec::new();
            for p in stack
                .parameters
                .iter()
                .filter(|p| template["Parameters"].get(&p.name).is_some())
            {
                let value = match &p.source {
                    ParamSource::Literal(v) => overrides
                        .iter()
                        .find(|(k, _)| *k == p.name)
                        .map_or(v.clone(), |(_, first)| first.to_string()),
                    ParamSource::Output { stack: s, output } => {
                        outputs.get(s).and_then(|o| o.get(output)).cloned().unwrap_or_else(|| {
                            panic!("{}: {} needs {s}.{output}, which is not there", stack.name, p.name)
                        })
                    }
                };
                params.push(json!({ "ParameterKey": p.name, "ParameterValue": value }));
            }
            let tpath = dir.join(format!("{}.json", stack.name));
            std::fs::write(&tpath, serde_json::to_string_pretty(&template).expect("JSON")).expect("write template");
            let ppath = dir.join(format!("{}.parameters-{n}.json", stack.name));
            std::fs::write(&ppath, Value::Array(params.clone()).to_string()).expect("write parameters");
            let mut args: Vec<String> = vec![
                "cloudformation".into(),
                op.to_string(),
                "--stack-name".into(),
                stack.name.clone(),
                "--template-body".into(),
                format!("file://{}", tpath.display()),
                "--capabilities".into(),
                "CAPABILITY_NAMED_IAM".into(),
            ];
            if !stack.parameters.is_empty() {
                args.push("--parameters".into());
                args.push(format!("file://{}", ppath.display()));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            moto.ok(&stack.region, &args);
            described = wait_for(&moto, stack, done);
            if !overrides.is_empty() {
                println!("  {done} with {overrides:?} (the first pass)");
            }
            // moto holds this pass's values of the parameters that differ between the passes
            // (it shows list parameters in its own way, so those are not compared).
            for want in params
                .iter()
                .filter(|w| first_pass.iter().any(|(k, _)| w["ParameterKey"] == *k))
            {
                let got = described["Parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|g| g["ParameterKey"] == want["ParameterKey"])
                    .map(|g| g["ParameterValue"].clone());
                assert_eq!(got.as_ref(), Some(&want["ParameterValue"]), "{}: {op}", stack.name);
            }
        }
        let got = outputs_of(&described);
        for o in stack
            .outputs
            .iter()
            .filter(|o| o.backends != mrgen::plan::Backends::TerraformOnly)
        {
            assert!(
                got.contains_key(&o.name),
                "{}: output {} missing in moto",
                stack.name,
                o.name
            );
        }
        println!(
            "  {}, {} outputs",
            described["StackStatus"].as_str().unwrap_or(""),
            got.len()
        );
        outputs.insert(stack.name.clone(), got);
        created += 1;
    }
    println!(
        "created {created} stacks; skipped {}: {}",
        skipped.len(),
        skipped.join(", ")
    );
    assert_eq!(created + skipped.len(), plan.stacks.len());
    assert!(
        skipped.iter().all(|s| s.contains("-peering-")),
        "only the peering stacks may be skipped: {skipped:?}"
    );

    println!("checking what the stacks made:");
    check_resources(&moto, &plan, &outputs);
}

#[test]
fn reduction_removes_dependants_and_placeholders_outputs() {
    let plan = plan_of("production", &shipped("production"));
    let files = cfn::render(&plan, CfnReferences::Parameters);
    let mut dead = BTreeSet::new();
    let mut by_name = BTreeMap::new();
    for (stack, file) in plan.stacks.iter().zip(&files) {
        let mut t: Value = serde_json::from_str(&file.contents).unwrap();
        let zones: Vec<String> = ["a", "c", "d"].iter().map(|l| format!("{}{l}", stack.region)).collect();
        let red = reduce(&mut t, stack, &zones, &mut dead);
        by_name.insert(stack.name.clone(), (red, t));
    }
    // The aurora primary keeps what moto models and loses the cluster, its instances and secret.
    let (red, t) = &by_name["genai-demo-production-aurora-ap-northeast-1"];
    for gone in [
        "Cluster",
        "GlobalCluster",
        "MasterSecret",
        "Instance1",
        "ClusterParameterGroup",
    ] {
        assert!(red.removed.contains_key(gone), "{gone} kept");
    }
    assert!(t["Resources"].get("SubnetGroup").is_some());
    assert_eq!(t["Outputs"]["ClusterArn"]["Value"], PLACEHOLDER);
    // The secondary redis stack's parameter comes from a removed resource: nothing refers to it
    // after the replication group went, and the outputs are placeholders.
    let (red, t) = &by_name["genai-demo-production-redis-ap-northeast-2"];
    assert!(red.removed.contains_key("ReplicationGroup"));
    assert_eq!(t["Outputs"]["PrimaryEndpoint"]["Value"], PLACEHOLDER);
    assert!(dead.contains(&(
        "genai-demo-production-redis-ap-northeast-1".to_string(),
        "GlobalReplicationGroupId".to_string()
    )));
    // The replicator role uses parameters fed by removed MSK clusters, so it goes too.
    let (red, t) = &by_name["genai-demo-production-msk-replication-ap-northeast-2"];
    assert!(red.removed["ReplicatorRole"].contains("parameter"), "{:?}", red.removed);
    assert!(t["Resources"].get("MotoPlaceholder").is_some());
    // The network stack is untouched.
    let (red, _) = &by_name["genai-demo-production-network-ap-northeast-1"];
    assert!(red.removed.is_empty() && red.placeholders.is_empty());
    // Sub references count.
    let mut refs = BTreeSet::new();
    references(
        &json!({ "Fn::Sub": "arn:${AWS::Partition}:x:${Foo.Arn}/${!Literal}" }),
        &mut refs,
    );
    assert_eq!(refs, BTreeSet::from(["AWS::Partition".to_string(), "Foo".to_string()]));
}
