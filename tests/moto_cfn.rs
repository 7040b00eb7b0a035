//! The production environment's CloudFormation stacks deploy on the moto mock server (SPEC
//! section 6), in plan order, each stack's parameters read from earlier stacks' outputs.
//!
//! moto's CloudFormation has no model for many types (RDS clusters, Secrets Manager, ElastiCache,
//! MSK, EKS, alarms, budgets, SNS subscriptions and topic policies, ARC Region switch plans) and
//! crashes on a `Ref` or `Fn::GetAtt` to a resource it skipped. So each template is first reduced
//! to what moto can create: those resources go, then, repeatedly, every resource that refers to a removed one or to
//! a parameter fed by one; outputs that referred to them get a placeholder value. What is removed
//! is printed. The cross-region peering stack cannot be created there (moto looks the peer VPC up
//! in its own region), so its template is checked instead, and the peering-routes stacks that
//! need its output are skipped too. A stack with a `create-pass` (the manifest's first pass of
//! a new stack) is created with those values and then updated with its final parameters, as
//! `deploy.sh` does. After the stacks, the test checks in moto what they made.
//!
//! The entry points (the `ingress` stacks) and Route 53: the hosted zone is made in moto first
//! and production rendered with moto's id for it (`route53.hosted-zone-id`). moto's
//! CloudFormation models load balancers, listeners, target groups, security groups and record
//! sets, but not ACM certificates or WAFv2 web ACLs and associations, so those go and with them
//! the HTTPS listener; it cannot give a load balancer's `CanonicalHostedZoneID`, which the test
//! reads from moto's API instead; and EKS creates the cluster security group that the nodes'
//! rule admits the load balancer to, so an empty group stands in for it. Each of these is
//! printed where it happens, with its reason.

use crate::common::moto::Moto;
use crate::common::{plan_of, plan_with, require_tool, shipped, tempdir};
use mrgen::plan::{
    pascal, Attr, Bucket, BucketEncryption, Certificate, HealthCheck, Kind, KmsAlias, Layer, Listener, ListenerAction,
    ListenerTls, ParamSource, PeeringConnection, Plan, RecordSet, RecordTarget, Routing, SecurityGroup, SsmParameter,
    Stack, Subnet, Vpc, V,
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
    // Nor for the certificate and the web ACL: moto/acm and moto/wafv2 define no
    // CloudFormationModel (no `cloudformation_type` in either package), so they are not in
    // moto.cloudformation.parsing.get_model_map() and its CloudFormation skips them. (moto's ACM
    // API does issue a requested certificate, after MOTO_ACM_VALIDATION_WAIT seconds, 60 by
    // default: moto/acm/models.py and moto/settings.py; nothing in CloudFormation calls it.)
    // With the certificate goes the HTTPS listener that names it: a listener whose certificate
    // moto skipped fails the whole create-stack with KeyError('CertificateArn') in
    // ELBv2Backend.convert_and_validate_certificates (moto/elbv2/models.py), an HTTP 500.
    "AWS::CertificateManager::Certificate",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::WebACLAssociation",
    // Nor for a bucket policy: moto/s3 defines a CloudFormationModel for AWS::S3::Bucket only.
    // Nothing refers to a policy, so it goes alone.
    "AWS::S3::BucketPolicy",
    // Nor for an ARC Region switch plan: moto 5.2.1 has no arc-region-switch backend at all (no
    // package under moto/, nothing routes the service; "ARCRegionSwitch" appears only among
    // the AWS managed IAM policies of moto/iam/aws_managed_policies.py).
    "AWS::ARCRegionSwitch::Plan",
];

/// Types moto 5.2.1's CloudFormation has no model for, for which one it models stands in:
/// (type, stand-in, properties the stand-in does not take, why). The stand-in keeps the logical
/// id, so what refers to the resource is created and checked rather than removed.
const MOTO_TYPE_STAND_INS: &[(&str, &str, &[&str], &str)] = &[(
    "AWS::KMS::ReplicaKey",
    "AWS::KMS::Key",
    &["PrimaryKeyArn"],
    "moto/kms defines CloudFormationModels for AWS::KMS::Key and AWS::KMS::Alias only; a key of the region with the replica's description and policy stands in, so that the bucket it encrypts and what reads the bucket are created (that a replica shares its primary's key material is not something moto could show)",
)];

/// Attributes moto 5.2.1 cannot give through `Fn::GetAtt` of a resource it does create:
/// (type, attribute, why). An output of one is given the resource's `Ref` instead, and the test
/// reads the attribute from moto's own API once the stack exists (`attribute_from_api`).
const MOTO_NO_ATTRIBUTE: &[(&str, &str, &str)] = &[
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "CanonicalHostedZoneID",
        "moto's FakeLoadBalancer.get_cfn_attribute raises NotImplementedError for it (moto/elbv2/models.py) and the output then holds the unresolved function as text",
    ),
    (
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "LoadBalancerFullName",
        "moto's FakeLoadBalancer.get_cfn_attribute raises NotImplementedError for it (moto/elbv2/models.py) and the output then holds the unresolved function as text",
    ),
];

/// Outputs that name something AWS creates by itself, which moto cannot give because it skipped
/// the resource that makes it: (output, why). The test makes a stand-in in moto and feeds its id
/// to the later stacks instead of a placeholder, so that what refers to it is created and
/// checked.
const MOTO_STAND_INS: &[(&str, &str)] = &[(
    "ClusterSecurityGroupId",
    "EKS creates the cluster security group with the cluster, and moto has no AWS::EKS::Cluster model: an empty group in the region's VPC stands in for it",
)];

/// Properties moto 5.2.1 cannot read although CloudFormation takes them: (type, property, why).
/// They are dropped (and the drop printed) rather than the resource, which the checks need.
const MOTO_CANNOT_READ: &[(&str, &str, &str)] = &[
    (
        "AWS::KMS::Key",
        "Tags",
        "moto reads KMS tags as TagKey/TagValue and fails with KeyError('TagKey') on CloudFormation's Key/Value",
    ),
    (
        "AWS::SSM::Parameter",
        "Tags",
        "moto reads a parameter's Tags as a list of Key/Value and fails with TypeError on CloudFormation's map of tags (SSMBackend.put_parameter in moto/ssm/models.py)",
    ),
];

/// Types moto 5.2.1 cannot update in place: (type, why). A stack holding one is created with its
/// first pass only (the manifest's `create-pass`), and the second pass is printed as not run.
const MOTO_NO_UPDATE: &[(&str, &str)] = &[(
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "moto's FakeLoadBalancer has no update_from_cloudformation_json (moto/elbv2/models.py), so moto's parse_and_update_resource (moto/cloudformation/parsing.py) drops the load balancer from the stack on an update, and describe-stacks then fails on the outputs that read it",
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

/// Every `Fn::GetAtt` in a piece of a template: (logical id, attribute).
fn get_atts(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Fn::GetAtt", Value::Array(a)) => {
                        if let [Value::String(id), Value::String(attr)] = a.as_slice() {
                            out.push((id.clone(), attr.clone()));
                        }
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        if let Some((id, attr)) = s.split_once('.') {
                            out.push((id.to_string(), attr.to_string()));
                        }
                    }
                    _ => {}
                }
                get_atts(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| get_atts(x, out)),
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
    /// outputs of an attribute moto cannot give (`MOTO_NO_ATTRIBUTE`): (output, type,
    /// attribute); the output holds the resource's `Ref` until the test reads the attribute.
    from_api: Vec<(String, String, String)>,
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
        for (ty, stand_in, drop, why) in MOTO_TYPE_STAND_INS {
            if r["Type"] == *ty {
                r["Type"] = json!(stand_in);
                if let Some(props) = r.get_mut("Properties").and_then(|p| p.as_object_mut()) {
                    for prop in drop.iter() {
                        props.remove(*prop);
                    }
                }
                red.changes
                    .push(format!("{id}: {ty} replaced by a {stand_in} without {drop:?}: {why}"));
            }
        }
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
    // A `DependsOn` on a skipped resource only orders the two (a bucket that logs into the logs
    // bucket waits for that bucket's policy): it is dropped, not the resource that waits.
    for (id, r) in resources.iter_mut() {
        let Some(deps) = r.get("DependsOn").cloned() else {
            continue;
        };
        let list: Vec<Value> = match deps {
            Value::Array(a) => a,
            one => vec![one],
        };
        let (gone, kept): (Vec<Value>, Vec<Value>) = list
            .into_iter()
            .partition(|d| d.as_str().is_some_and(|x| red.removed.contains_key(x)));
        if gone.is_empty() {
            continue;
        }
        let m = r.as_object_mut().expect("a resource");
        if kept.is_empty() {
            m.remove("DependsOn");
        } else {
            m.insert("DependsOn".into(), Value::Array(kept));
        }
        red.changes.push(format!(
            "{id}: DependsOn {gone:?} dropped (moto skips them; they only order)"
        ));
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
    // What moto cannot give through `Fn::GetAtt`: (logical id, attribute) of a kept resource.
    let types: BTreeMap<String, String> = resources
        .iter()
        .map(|(id, r)| (id.clone(), r["Type"].as_str().unwrap_or("").to_string()))
        .collect();
    let unreadable = |id: &str, attr: &str| {
        MOTO_NO_ATTRIBUTE
            .iter()
            .find(|(ty, a, _)| types.get(id).is_some_and(|t| t == ty) && *a == attr)
    };
    for (id, r) in resources.iter() {
        let mut atts = Vec::new();
        get_atts(r, &mut atts);
        if let Some((of, attr)) = atts.iter().find(|(of, attr)| unreadable(of, attr).is_some()) {
            panic!(
                "{}: {id} reads {of}.{attr}, which moto cannot give (only outputs are worked around)",
                stack.name
            );
        }
    }
    if resources.is_empty() {
        // A template needs a resource; this one has no effect on moto (or anywhere).
        resources.insert(
            "MotoPlaceholder".into(),
            json!({ "Type": "AWS::CloudFormation::WaitConditionHandle" }),
        );
    }
    if let Some(outputs) = template.get_mut("Outputs").and_then(|o| o.as_object_mut()) {
        for (name, o) in outputs.iter_mut() {
            let mut atts = Vec::new();
            get_atts(&o["Value"], &mut atts);
            // Only an output that is the attribute itself (not text built around it).
            if let ([(id, attr)], true) = (atts.as_slice(), o["Value"].get("Fn::GetAtt").is_some()) {
                if let Some((ty, _, why)) = unreadable(id, attr) {
                    red.changes.push(format!(
                        "output {name}: Fn::GetAtt {id}.{attr} replaced by Ref {id}, {attr} read from moto's API after the create: {why}"
                    ));
                    red.from_api.push((name.clone(), ty.to_string(), attr.clone()));
                    o["Value"] = json!({ "Ref": id });
                    continue;
                }
            }
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
        // CloudFormation gave as a JSON object; `list-keys` and `list-aliases` do not. Each alias
        // names its key: the region's, and in the primary region the multi-Region key too.
        let keys = moto.ok(region, &["kms", "list-keys"]);
        let aliases = moto.ok(region, &["kms", "list-aliases"]);
        let mut named = 0;
        for r in &net.resources {
            let Kind::KmsAlias(KmsAlias { name: alias, key }) = &r.kind else {
                continue;
            };
            let V::Ref(key) = key else {
                panic!("{region}: alias {alias} names {key:?}, not a key of its stack")
            };
            // The key's ARN, from the output that gives it.
            let arn = net
                .outputs
                .iter()
                .find(|o| o.value == V::attr(key, Attr::Arn))
                .map(|o| &out[&o.name])
                .unwrap_or_else(|| panic!("{region}: no output gives the ARN of {key}"));
            let key_id = keys["Keys"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|k| k["KeyArn"] == arn.as_str())
                .and_then(|k| k["KeyId"].as_str())
                .unwrap_or_else(|| panic!("{region}: KMS key {arn} not found"))
                .to_string();
            assert!(
                aliases["Aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| a["AliasName"] == alias.as_str() && a["TargetKeyId"] == key_id.as_str()),
                "{region}: alias {alias} does not name {key}"
            );
            named += 1;
        }
        assert!(named > 0, "{region}: the network stack has a KMS alias");
        println!(
            "  {region}: VPC {vpc_id} {cidr}, {} subnets in {azs:?}, security groups and KMS key present",
            subnets.len()
        );
    }
}

/// What of a bucket moto 5.2.1's CloudFormation does not apply, so the checks on moto cannot see
/// it (cfn-lint, checkov and the snapshots read it in the templates): it reads only `BucketName`,
/// `BucketEncryption` and `Tags` (FakeBucket.create_from_cloudformation_json in
/// moto/s3/models.py).
const MOTO_IGNORES_ON_BUCKETS: &str = "versioning, the public access block, ownership controls, the lifecycle rules, access logging and replication: moto's CloudFormation reads only a bucket's name, default encryption and tags";

/// The storage stacks' buckets exist under their names with their default encryption (the
/// region's copy of the multi-Region key, or SSE-S3 for the logs bucket), and each bucket's
/// Parameter Store parameter holds its name.
fn check_storage(moto: &Moto, plan: &Plan, outputs: &BTreeMap<String, BTreeMap<String, String>>) {
    let mut checked = 0;
    for st in plan.stacks.iter().filter(|s| s.layer == Layer::Storage) {
        let region = st.region.as_str();
        let out = &outputs[&st.name];
        // The output that gives a resource by `Ref`: a bucket's name.
        let named = |id: &str| {
            st.outputs
                .iter()
                .find(|o| o.value == V::Ref(id.to_string()))
                .map(|o| out[&o.name].clone())
                .unwrap_or_else(|| panic!("{}: no output names {id}", st.name))
        };
        for r in &st.resources {
            if let Kind::Bucket(Bucket { encryption, .. }) = &r.kind {
                let name = named(&r.id);
                let got = moto.ok(region, &["s3api", "get-bucket-encryption", "--bucket", &name]);
                let rule = &got["ServerSideEncryptionConfiguration"]["Rules"][0];
                let default = &rule["ApplyServerSideEncryptionByDefault"];
                match encryption {
                    BucketEncryption::Kms(_) => {
                        assert_eq!(default["SSEAlgorithm"], "aws:kms", "{region}: {name}: {got:#}");
                        // The region's copy: the primary key itself, which the primary's
                        // network stack gives, or the region's replica.
                        let key = match out.get("StorageKeyArn") {
                            Some(k) => k.clone(),
                            None => {
                                let net = plan
                                    .stacks
                                    .iter()
                                    .find(|s| s.layer == Layer::Network && s.region == region)
                                    .expect("the region's network stack");
                                outputs[&net.name]["MultiRegionKeyArn"].clone()
                            }
                        };
                        assert_eq!(
                            default["KMSMasterKeyID"],
                            key.as_str(),
                            "{region}: {name} is encrypted with the region's copy of the multi-Region key"
                        );
                    }
                    BucketEncryption::S3Managed => {
                        assert_eq!(default["SSEAlgorithm"], "AES256", "{region}: {name}: {got:#}")
                    }
                }
                checked += 1;
            } else if let Kind::SsmParameter(SsmParameter { name, value, .. }) = &r.kind {
                let V::Ref(bucket) = value else {
                    panic!("{}: parameter {name} holds {value:?}, not a bucket's name", st.name)
                };
                let got = moto.ok(region, &["ssm", "get-parameter", "--name", name]);
                assert_eq!(got["Parameter"]["Value"], named(bucket).as_str(), "{region}: {name}");
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "production has storage");
    println!("  storage: {checked} buckets and parameters present, each bucket under its key; not applied by moto: {MOTO_IGNORES_ON_BUCKETS}");
}

/// What of the entry point moto 5.2.1's CloudFormation does not apply, so the checks on moto
/// cannot see it (cfn-lint, checkov and the snapshots read it in the templates): of a load
/// balancer it reads only `Name`, `Scheme`, `SecurityGroups` and `Subnets`
/// (FakeLoadBalancer.create_from_cloudformation_json in moto/elbv2/models.py), so `Type` falls
/// back to moto's default and `LoadBalancerAttributes` are never set; of a security group only
/// `GroupName`, `GroupDescription`, `VpcId`, `Tags` and `SecurityGroupIngress`
/// (SecurityGroup.create_from_cloudformation_json in moto/ec2/models/security_groups.py), so the
/// group keeps EC2's default egress to anywhere instead of its `SecurityGroupEgress`.
const MOTO_IGNORES_ON_INGRESS: &str = "the load balancer's Type (moto's default is application) and LoadBalancerAttributes (deletion protection, dropping invalid header fields), and the load balancer group's SecurityGroupEgress (moto keeps EC2's default egress): moto's CloudFormation does not read them";

/// The network stack of a region.
fn network_of<'a>(plan: &'a Plan, region: &str) -> &'a Stack {
    plan.stacks
        .iter()
        .find(|s| s.layer == Layer::Network && s.region == region)
        .unwrap_or_else(|| panic!("no network stack in {region}"))
}

/// The one resource of a kind in a stack.
fn only<'a, T>(stack: &'a Stack, what: &str, pick: impl Fn(&'a Kind) -> Option<&'a T>) -> &'a T {
    let found: Vec<&T> = stack.resources.iter().filter_map(|r| pick(&r.kind)).collect();
    match found.as_slice() {
        [one] => one,
        other => panic!("{}: {} {what}, not one", stack.name, other.len()),
    }
}

/// A load balancer as moto describes it, by ARN.
fn load_balancer(moto: &Moto, region: &str, arn: &str) -> Value {
    let d = moto.ok(
        region,
        &["elbv2", "describe-load-balancers", "--load-balancer-arns", arn],
    );
    d["LoadBalancers"][0].clone()
}

/// The value of an attribute moto cannot give through `Fn::GetAtt` (`MOTO_NO_ATTRIBUTE`), read
/// from its API; `physical` is the resource's `Ref`.
fn attribute_from_api(moto: &Moto, region: &str, ty: &str, attr: &str, physical: &str) -> String {
    match (ty, attr) {
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "CanonicalHostedZoneID") => load_balancer(moto, region, physical)
            ["CanonicalHostedZoneId"]
            .as_str()
            .unwrap_or_else(|| panic!("{physical}: no CanonicalHostedZoneId in moto"))
            .to_string(),
        // AWS's definition: the part of the ARN after `loadbalancer/` (`app/<name>/<id>`).
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName") => {
            let arn = load_balancer(moto, region, physical)["LoadBalancerArn"]
                .as_str()
                .unwrap_or_else(|| panic!("{physical}: no LoadBalancerArn in moto"))
                .to_string();
            arn.split_once(":loadbalancer/")
                .unwrap_or_else(|| panic!("{arn}: not a load balancer ARN"))
                .1
                .to_string()
        }
        _ => panic!("no way to read {ty}.{attr} from moto"),
    }
}

/// Makes the stand-in (`MOTO_STAND_INS`) for an output of `stack` in moto; returns its id.
fn stand_in(
    moto: &Moto,
    plan: &Plan,
    stack: &Stack,
    output: &str,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    match output {
        "ClusterSecurityGroupId" => {
            let vpc = &outputs[&network_of(plan, &stack.region).name]["VpcId"];
            let g = moto.ok(
                &stack.region,
                &[
                    "ec2",
                    "create-security-group",
                    "--group-name",
                    &format!("{}-cluster-stand-in", stack.name),
                    "--description",
                    "Stands in for the EKS cluster security group",
                    "--vpc-id",
                    vpc,
                ],
            );
            g["GroupId"].as_str().expect("the stand-in's id").to_string()
        }
        other => panic!("no stand-in for {other}"),
    }
}

/// The rules of a security group as moto holds them (`IpPermissions` or
/// `IpPermissionsEgress`): (protocol, from port, to port, CIDR or source group id).
fn rules_of(permissions: &Value) -> BTreeSet<(String, i64, i64, String)> {
    let mut out = BTreeSet::new();
    for p in permissions.as_array().into_iter().flatten() {
        let head = (
            p["IpProtocol"].as_str().unwrap_or("").to_string(),
            p["FromPort"].as_i64().unwrap_or(-1),
            p["ToPort"].as_i64().unwrap_or(-1),
        );
        let peers = p["IpRanges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["CidrIp"].as_str())
            .chain(
                p["Ipv6Ranges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["CidrIpv6"].as_str()),
            )
            .chain(
                p["UserIdGroupPairs"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g["GroupId"].as_str()),
            );
        for peer in peers {
            out.insert((head.0.clone(), head.1, head.2, peer.to_string()));
        }
    }
    out
}

/// One tcp rule as `rules_of` gives it.
fn tcp(port: i64, peer: &str) -> (String, i64, i64, String) {
    ("tcp".to_string(), port, port, peer.to_string())
}

/// The entry points moto made, region by region: the load balancer (internet-facing, in the
/// public subnets, behind its own group), its listeners and target group, and the security
/// group rules around it: the world reaches the load balancer's group on 443 and 80 and no
/// other group of the VPC on anything, and the EKS cluster security group admits the load
/// balancer's group on the application's port.
fn check_ingress(
    moto: &Moto,
    plan: &Plan,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
    removed: &BTreeMap<String, BTreeMap<String, String>>,
) {
    let mut regions = 0;
    for ing in plan.stacks.iter().filter(|s| s.layer == Layer::Ingress) {
        regions += 1;
        let region = ing.region.as_str();
        let out = &outputs[&ing.name];
        let net = network_of(plan, region);
        let net_out = &outputs[&net.name];
        let gone = &removed[&ing.name];
        let lb_plan = only(ing, "load balancer", |k| match k {
            Kind::LoadBalancer(x) => Some(x),
            _ => None,
        });
        let sg_plan = only(ing, "security group", |k| match k {
            Kind::SecurityGroup(x) => Some(x),
            _ => None,
        });
        let tg_plan = only(ing, "target group", |k| match k {
            Kind::TargetGroup(x) => Some(x),
            _ => None,
        });

        let lb = load_balancer(moto, region, &out["LoadBalancerArn"]);
        assert_eq!(
            lb["LoadBalancerName"],
            lb_plan.name.as_str(),
            "{region}: load balancer name"
        );
        assert_eq!(lb["Scheme"], "internet-facing", "{region}: scheme");
        assert_eq!(
            lb["VpcId"],
            net_out["VpcId"].as_str(),
            "{region}: the load balancer's VPC"
        );
        assert_eq!(
            lb["DNSName"],
            out["LoadBalancerDnsName"].as_str(),
            "{region}: DNS name output"
        );
        let subnets: BTreeSet<&str> = lb["AvailabilityZones"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|z| z["SubnetId"].as_str())
            .collect();
        let public: BTreeSet<&str> = net_out["PublicSubnetIds"].split(',').collect();
        assert_eq!(
            subnets, public,
            "{region}: the load balancer sits in the public subnets"
        );
        assert_eq!(public.len(), 3, "{region}: one public subnet per AZ");

        let groups = moto.ok(
            region,
            &[
                "ec2",
                "describe-security-groups",
                "--filters",
                &format!("Name=vpc-id,Values={}", net_out["VpcId"]),
            ],
        );
        let groups = groups["SecurityGroups"].as_array().cloned().unwrap_or_default();
        let lb_sg = groups
            .iter()
            .find(|g| g["GroupName"] == sg_plan.name.as_str())
            .unwrap_or_else(|| panic!("{region}: no group {}", sg_plan.name));
        let lb_sg_id = lb_sg["GroupId"].as_str().expect("group id");
        assert_eq!(
            lb["SecurityGroups"],
            json!([lb_sg_id]),
            "{region}: the load balancer's groups"
        );
        let world = "0.0.0.0/0";
        assert_eq!(
            rules_of(&lb_sg["IpPermissions"]),
            BTreeSet::from([tcp(443, world), tcp(80, world)]),
            "{region}: the load balancer's group admits 443 and 80 from anywhere, nothing else"
        );
        for g in &groups {
            for (_, from, to, peer) in rules_of(&g["IpPermissions"]) {
                if peer == world || peer == "::/0" {
                    assert!(
                        g["GroupId"] == lb_sg_id && from == to && [80, 443].contains(&from),
                        "{region}: {} admits {peer} on {from}-{to}: only the load balancer's group may, on 443 and 80",
                        g["GroupName"]
                    );
                }
            }
        }

        let eks = plan
            .stacks
            .iter()
            .find(|s| s.layer == Layer::Eks && s.region == region)
            .expect("production has EKS");
        let cluster_sg = &outputs[&eks.name]["ClusterSecurityGroupId"];
        let cluster = groups
            .iter()
            .find(|g| g["GroupId"] == cluster_sg.as_str())
            .unwrap_or_else(|| panic!("{region}: the cluster security group {cluster_sg} is not in the VPC"));
        assert!(
            !gone.contains_key("NodesFromLoadBalancer"),
            "{region}: the nodes' rule was not created: {gone:?}"
        );
        assert_eq!(
            rules_of(&cluster["IpPermissions"]),
            BTreeSet::from([tcp(tg_plan.port, lb_sg_id)]),
            "{region}: the cluster security group admits the load balancer's group on the application's port"
        );

        let tgs = moto.ok(
            region,
            &[
                "elbv2",
                "describe-target-groups",
                "--target-group-arns",
                &out["TargetGroupArn"],
            ],
        );
        let tg = &tgs["TargetGroups"][0];
        assert_eq!(
            tg["TargetGroupName"],
            tg_plan.name.as_str(),
            "{region}: target group name"
        );
        assert_eq!(tg["TargetType"], "ip", "{region}: IP targets (the pods)");
        assert_eq!(tg["Protocol"], "HTTP", "{region}: target group protocol");
        assert_eq!(tg["Port"], tg_plan.port, "{region}: the application's port");
        assert_eq!(
            tg["HealthCheckPath"],
            tg_plan.health_check_path.as_str(),
            "{region}: health check path"
        );
        assert_eq!(tg["VpcId"], net_out["VpcId"].as_str(), "{region}: target group VPC");

        let listeners = moto.ok(
            region,
            &[
                "elbv2",
                "describe-listeners",
                "--load-balancer-arn",
                &out["LoadBalancerArn"],
            ],
        );
        let listeners = listeners["Listeners"].as_array().cloned().unwrap_or_default();
        let mut kept = Vec::new();
        for r in &ing.resources {
            let Kind::Listener(Listener { port, tls, action, .. }) = &r.kind else {
                continue;
            };
            let logical = pascal(&r.id);
            let here = listeners.iter().find(|l| l["Port"] == *port);
            if let Some(why) = gone.get(&logical) {
                println!("  {region}: listener {logical} on {port} not on moto: {why}");
                assert!(
                    here.is_none(),
                    "{region}: {logical} was removed, yet moto has a listener on {port}"
                );
                continue;
            }
            let l = here.unwrap_or_else(|| panic!("{region}: no listener on {port}"));
            match tls {
                None => assert_eq!(l["Protocol"], "HTTP", "{region}: {logical}"),
                Some(ListenerTls { policy, .. }) => {
                    assert_eq!(l["Protocol"], "HTTPS", "{region}: {logical}");
                    assert_eq!(l["SslPolicy"], policy.as_str(), "{region}: {logical} TLS policy");
                }
            }
            let a = &l["DefaultActions"][0];
            match action {
                ListenerAction::RedirectToHttps => {
                    assert_eq!(a["Type"], "redirect", "{region}: {logical}");
                    assert_eq!(
                        a["RedirectConfig"],
                        json!({ "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301" }),
                        "{region}: {logical} redirects to HTTPS"
                    );
                }
                ListenerAction::Forward(_) => {
                    assert_eq!(a["Type"], "forward", "{region}: {logical}");
                    assert_eq!(
                        a["TargetGroupArn"],
                        out["TargetGroupArn"].as_str(),
                        "{region}: {logical}"
                    );
                }
            }
            kept.push(format!("{logical} ({port})"));
        }
        assert!(!kept.is_empty(), "{region}: no listener to check");
        assert_eq!(listeners.len(), kept.len(), "{region}: listeners in moto");
        println!(
            "  {region}: load balancer {} internet-facing in {} public subnets behind {lb_sg_id} (443 and 80 from anywhere, the only group of the VPC open to it); listeners {}; target group ip:{} {}; cluster group {cluster_sg} admits {lb_sg_id} on {}; not checked on moto: {MOTO_IGNORES_ON_INGRESS}",
            lb_plan.name,
            public.len(),
            kept.join(", "),
            tg_plan.port,
            tg_plan.health_check_path,
            tg_plan.port,
        );
    }
    assert!(regions > 0, "production renders ingress");
}

/// Route 53 as moto holds it: a health check per region, which probes the region's entry point;
/// each entry point an alias to its region's load balancer; the routing records with their
/// policies, aliases to the load balancers of their regions; nothing else in the zone.
fn check_dns(moto: &Moto, plan: &Plan, outputs: &BTreeMap<String, BTreeMap<String, String>>) {
    let Some(dns) = plan.stacks.iter().find(|s| s.layer == Layer::Dns) else {
        panic!("production renders Route 53");
    };
    let checks = moto.ok(&dns.region, &["route53", "list-health-checks"]);
    let checks = checks["HealthChecks"].as_array().cloned().unwrap_or_default();
    let mut probed = Vec::new();
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
        probed.push((r.id.trim_start_matches("health_check_").to_string(), fqdn.clone()));
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
    assert_eq!(checks.len(), probed.len(), "health checks in moto");

    // The load balancer an alias record's parameter leads to: (its region, as moto describes it).
    let target_of = |v: &V| -> (String, Value) {
        let V::Param(p) = v else {
            panic!("an alias target that is not a parameter: {v:?}")
        };
        let Some(ParamSource::Output { stack, .. }) = dns.parameter(p).map(|x| &x.source) else {
            panic!("{p} is not fed by a stack");
        };
        let producer = plan
            .stacks
            .iter()
            .find(|s| &s.name == stack)
            .expect("the producing stack");
        assert_eq!(producer.layer, Layer::Ingress, "{p} comes from {stack}");
        let lb = load_balancer(moto, &producer.region, &outputs[stack]["LoadBalancerArn"]);
        (producer.region.clone(), lb)
    };

    let mut records = 0;
    let mut entry_points = BTreeMap::new();
    let zone_ids: BTreeSet<String> = dns
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::RecordSet(RecordSet { zone, .. }) => Some(zone.id.clone().expect("the zone by id")),
            _ => None,
        })
        .collect();
    for zone_id in zone_ids {
        let sets = moto.ok(
            &dns.region,
            &["route53", "list-resource-record-sets", "--hosted-zone-id", &zone_id],
        );
        let sets = sets["ResourceRecordSets"].as_array().cloned().unwrap_or_default();
        let mut in_zone = 0;
        for r in &dns.resources {
            let Kind::RecordSet(RecordSet { zone, spec }) = &r.kind else {
                continue;
            };
            if zone.id.as_deref() != Some(zone_id.as_str()) {
                continue;
            }
            in_zone += 1;
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
                RecordTarget::Alias {
                    dns_name,
                    zone_id: lb_zone,
                    evaluate_health,
                } => {
                    assert_eq!(got["Type"], "A", "{name}");
                    // An alias takes its target's TTL; moto shows 0 for a record given none
                    // (RecordSet's `ttl` defaults to 0 in moto/route53/models.py).
                    assert!(
                        got.get("TTL").is_none_or(|t| t == 0),
                        "{name}: an alias takes its target's TTL, got {}",
                        got["TTL"]
                    );
                    let alias = &got["AliasTarget"];
                    assert_eq!(alias["EvaluateTargetHealth"], *evaluate_health, "{name}");
                    let (region, lb) = target_of(dns_name);
                    assert_eq!(
                        target_of(lb_zone).0,
                        region,
                        "{name}: DNS name and zone of one load balancer"
                    );
                    assert_eq!(
                        alias["DNSName"], lb["DNSName"],
                        "{name}: alias to the load balancer of {region}"
                    );
                    assert_eq!(
                        alias["HostedZoneId"], lb["CanonicalHostedZoneId"],
                        "{name}: the load balancer's zone"
                    );
                    if spec.routing == Routing::Simple {
                        entry_points.insert(spec.name.clone(), region);
                    }
                }
            }
            assert_eq!(
                got["HealthCheckId"].as_str().is_some_and(|h| !h.is_empty()),
                spec.health_check.is_some(),
                "{name}: health check"
            );
            match &spec.routing {
                Routing::Simple => assert!(got.get("SetIdentifier").is_none(), "{name}"),
                Routing::Failover { primary } => {
                    assert_eq!(
                        got["Failover"],
                        if *primary { "PRIMARY" } else { "SECONDARY" },
                        "{name}"
                    )
                }
                Routing::Latency { region } => assert_eq!(got["Region"], region.as_str(), "{name}"),
                Routing::Weighted { weight } => assert_eq!(got["Weight"], *weight, "{name}"),
                Routing::Geolocation {
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
            records += 1;
        }
        let extra: Vec<&Value> = sets
            .iter()
            .filter(|s| s["Type"] != "SOA" && s["Type"] != "NS")
            .collect();
        assert_eq!(extra.len(), in_zone, "{zone_id}: records beside the plan's: {extra:#?}");
    }
    // Every name a health check probes is an entry point: an alias to that region's load
    // balancer.
    for (short, fqdn) in &probed {
        let region = entry_points
            .get(fqdn)
            .unwrap_or_else(|| panic!("the health check of {short} probes {fqdn}, which is no entry point"));
        assert_eq!(&mrgen::naming::short_code(region), short, "{fqdn} leads to {region}");
    }
    assert!(records > 0, "no records checked");
    println!(
        "  Route 53: {} health checks, each on its region's entry point ({}); {records} records with their routing policies, aliases to the load balancers' DNS names and zones",
        probed.len(),
        entry_points.keys().cloned().collect::<Vec<_>>().join(", ")
    );
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

#[test]
fn production_stacks_deploy_on_moto() {
    let test = "moto_cfn::production_stacks_deploy_on_moto";
    let Some(server) = require_tool("moto_server", test) else {
        return;
    };
    let Some(aws) = require_tool("aws", test) else { return };
    let dir = tempdir("moto-cfn");
    let moto = Moto::start(&server, aws, dir.join("moto.log"));
    println!("moto_server at {}", moto.endpoint);

    // The hosted zone is looked up, never created (SPEC section 5), by the id that
    // `route53.hosted-zone-id` gives (the certificates' DNS validation needs it). moto makes up
    // its own zone ids, so the zone is made first and production rendered with moto's id.
    let shipped_plan = plan_of("production", &shipped("production"));
    let zones: BTreeSet<String> = shipped_plan
        .stacks
        .iter()
        .flat_map(|s| &s.resources)
        .filter_map(|r| match &r.kind {
            Kind::RecordSet(RecordSet { zone, .. }) => Some(zone.name.clone()),
            Kind::Certificate(Certificate { zone, .. }) => Some(zone.name.clone()),
            _ => None,
        })
        .collect();
    let zone = match Vec::from_iter(zones).as_slice() {
        [zone] => zone.clone(),
        other => panic!("production uses one hosted zone, not {other:?}"),
    };
    let zone_id = moto.create_zone_id(&zone);
    println!("hosted zone {zone}: {zone_id}, moto's id, given as route53.hosted-zone-id");
    let plan = plan_with("production", &[&format!("genai-demo:route53.hosted-zone-id={zone_id}")]);
    let files = cfn::render(&plan, CfnReferences::Parameters);

    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut removed: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
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
        let no_update = MOTO_NO_UPDATE.iter().find(|(ty, _)| {
            template["Resources"]
                .as_object()
                .is_some_and(|m| m.values().any(|r| r["Type"] == *ty))
        });
        if !first_pass.is_empty() {
            passes.push(("create-stack", "CREATE_COMPLETE", first_pass.clone()));
            match no_update {
                Some((ty, why)) => {
                    println!("  second pass (the final values, after {first_pass:?}) not run on moto: {ty}: {why}")
                }
                None => passes.push(("update-stack", "UPDATE_COMPLETE", Vec::new())),
            }
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
        let mut got = outputs_of(&described);
        for (output, ty, attr) in &red.from_api {
            let value = attribute_from_api(&moto, &stack.region, ty, attr, &got[output]);
            println!("  output {output}: {attr} {value}, from moto's API");
            got.insert(output.clone(), value);
        }
        for (output, why) in MOTO_STAND_INS {
            if red.placeholders.iter().any(|o| o == output) {
                let id = stand_in(&moto, &plan, stack, output, &outputs);
                println!("  output {output}: stand-in {id}: {why}");
                got.insert(output.to_string(), id);
                dead.remove(&(stack.name.clone(), output.to_string()));
            }
        }
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
        removed.insert(stack.name.clone(), red.removed);
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
    check_storage(&moto, &plan, &outputs);
    check_ingress(&moto, &plan, &outputs, &removed);
    check_dns(&moto, &plan, &outputs);
    check_recovery(&moto, &plan, &removed);
}

/// The recovery stacks: moto has no ARC Region switch, and the execution role names the Aurora
/// and EKS clusters moto does not make, so those go (printed above); the approval role names
/// only the plans by name, and moto's IAM holds it with its trust and policy.
fn check_recovery(moto: &Moto, plan: &Plan, removed: &BTreeMap<String, BTreeMap<String, String>>) {
    let Some(stack) = plan
        .stacks
        .iter()
        .find(|s| s.layer == Layer::Recovery && s.region == "us-east-1")
    else {
        return;
    };
    let gone = &removed[&stack.name];
    assert!(
        gone.contains_key("ExecutionRole") && gone.keys().any(|k| k.starts_with("Plan")),
        "{gone:?}"
    );
    let Kind::IamRole(approval) = &stack.resource("approval_role").expect("the approval role").kind else {
        panic!("the approval role is not a role")
    };
    let role = moto.ok("us-east-1", &["iam", "get-role", "--role-name", &approval.name]);
    let trust = role["Role"]["AssumeRolePolicyDocument"].to_string();
    assert!(trust.contains(":root") && trust.contains("sts:AssumeRole"), "{trust}");
    let policy = moto.ok(
        "us-east-1",
        &[
            "iam",
            "get-role-policy",
            "--role-name",
            &approval.name,
            "--policy-name",
            &approval.name,
        ],
    );
    let document = policy["PolicyDocument"].to_string();
    assert!(
        document.contains("arc-region-switch:ApprovePlanExecutionStep") && document.contains(":plan/"),
        "{document}"
    );
    println!(
        "  us-east-1: approval role {} present (the plans and the execution role: see the reductions)",
        approval.name
    );
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
    // The entry point keeps its load balancer, target group, group and redirect; the
    // certificate and web ACL go, and with them the HTTPS listener and the association. Without
    // a stand-in (the deploying test makes one), the nodes' rule goes with the cluster's group.
    let (red, t) = &by_name["genai-demo-production-ingress-ap-northeast-1"];
    for gone in [
        "Certificate",
        "HttpsListener",
        "WebAcl",
        "WebAclAssociation",
        "NodesFromLoadBalancer",
    ] {
        assert!(red.removed.contains_key(gone), "{gone} kept");
    }
    assert!(red.removed["HttpsListener"].contains("Certificate"));
    for kept in ["LoadBalancer", "LbSecurityGroup", "TargetGroup", "HttpListener"] {
        assert!(t["Resources"].get(kept).is_some(), "{kept} removed");
    }
    assert_eq!(
        t["Outputs"]["LoadBalancerZoneId"]["Value"],
        json!({ "Ref": "LoadBalancer" })
    );
    assert_eq!(
        t["Outputs"]["LoadBalancerFullName"]["Value"],
        json!({ "Ref": "LoadBalancer" })
    );
    let lb = "AWS::ElasticLoadBalancingV2::LoadBalancer".to_string();
    assert_eq!(
        red.from_api,
        [
            (
                "LoadBalancerFullName".to_string(),
                lb.clone(),
                "LoadBalancerFullName".to_string()
            ),
            (
                "LoadBalancerZoneId".to_string(),
                lb,
                "CanonicalHostedZoneID".to_string()
            )
        ]
    );
    assert!(red.placeholders.is_empty(), "{:?}", red.placeholders);
    // Route 53 keeps every record and health check: its parameters are the load balancers'.
    let (red, _) = &by_name["genai-demo-production-dns-us-east-1"];
    assert!(
        red.removed.is_empty() && red.placeholders.is_empty(),
        "{:?}",
        red.removed
    );
    // Sub references count.
    let mut refs = BTreeSet::new();
    references(
        &json!({ "Fn::Sub": "arn:${AWS::Partition}:x:${Foo.Arn}/${!Literal}" }),
        &mut refs,
    );
    assert_eq!(refs, BTreeSet::from(["AWS::Partition".to_string(), "Foo".to_string()]));
}
