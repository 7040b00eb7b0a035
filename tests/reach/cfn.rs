//! The CloudFormation side: `manifest.json` says which stack is in which region and which output
//! feeds each parameter; the templates say the rest. Intrinsic functions are evaluated to
//! symbolic text (see `mod.rs`).

use super::{
    Association, BucketFact, Facts, LoadBalancer, Names, NodeGroup, Role, Rule, Secret, Source, Statement, Store,
    StoreKind, Target, ACCOUNT, SECRET_SUFFIX,
};
use crate::common::File;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

struct Stack {
    region: String,
    template: Value,
    /// Parameter → (stack, output), or a literal.
    params: BTreeMap<String, Value>,
}

struct Cfn {
    stacks: BTreeMap<String, Stack>,
}

impl Cfn {
    fn new(files: &[File]) -> Cfn {
        let find = |p: &str| files.iter().find(|f| f.path == p).map(|f| f.contents.clone());
        let manifest: Value = serde_json::from_str(&find("manifest.json").expect("manifest.json")).expect("manifest");
        let mut stacks = BTreeMap::new();
        for s in manifest["stacks"].as_array().expect("stacks") {
            let name = s["name"].as_str().expect("name").to_string();
            let template: Value = serde_json::from_str(
                &find(s["template"].as_str().expect("template")).unwrap_or_else(|| panic!("{name}: no template")),
            )
            .expect("template JSON");
            let params = s["parameters"]
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            stacks.insert(
                name,
                Stack {
                    region: s["region"].as_str().expect("region").to_string(),
                    template,
                    params,
                },
            );
        }
        Cfn { stacks }
    }

    fn resource(&self, stack: &str, id: &str) -> Option<&Value> {
        self.stacks.get(stack)?.template["Resources"].get(id)
    }

    fn prop(&self, stack: &str, id: &str, name: &str) -> Value {
        let v = self
            .resource(stack, id)
            .map(|r| r["Properties"][name].clone())
            .unwrap_or(Value::Null);
        self.eval(stack, &v)
    }

    fn text(&self, stack: &str, id: &str, name: &str) -> String {
        self.prop(stack, id, name).as_str().unwrap_or("").to_string()
    }

    /// `Ref` of a pseudo parameter, a parameter (followed through the manifest) or a resource.
    fn reference(&self, stack: &str, id: &str) -> Value {
        let region = self.stacks[stack].region.clone();
        match id {
            "AWS::AccountId" => return json!(ACCOUNT),
            "AWS::Region" => return json!(region),
            "AWS::Partition" => return json!("aws"),
            "AWS::URLSuffix" => return json!("amazonaws.com"),
            "AWS::StackName" => return json!(stack),
            _ => {}
        }
        if let Some(source) = self.stacks[stack].params.get(id) {
            return match source {
                Value::Object(o) => {
                    let from = o["stack"].as_str().unwrap_or("");
                    let output = o["output"].as_str().unwrap_or("");
                    match self.stacks.get(from) {
                        Some(s) => self.eval(from, &s.template["Outputs"][output]["Value"]),
                        None => json!(format!("{{missing|{from}|{output}}}")),
                    }
                }
                literal => literal.clone(),
            };
        }
        let Some(r) = self.resource(stack, id) else {
            return json!(format!("{{unknown|{stack}|{id}}}"));
        };
        let at = format!("{stack}|{id}");
        json!(match r["Type"].as_str().unwrap_or("") {
            "AWS::MSK::Cluster" => format!(
                "arn:aws:kafka:{region}:{ACCOUNT}:cluster/{}/{{uuid|{at}}}",
                self.text(stack, id, "ClusterName")
            ),
            "AWS::SecretsManager::Secret" => format!(
                "arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{}-{SECRET_SUFFIX}",
                self.text(stack, id, "Name")
            ),
            "AWS::EKS::Cluster" => self.text(stack, id, "Name"),
            "AWS::EC2::SecurityGroup" => format!("{{sg|{at}}}"),
            "AWS::EC2::VPC" => format!("{{vpc|{at}}}"),
            "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => format!("{{keyid|{at}}}"),
            "AWS::S3::Bucket" => self.text(stack, id, "BucketName"),
            "AWS::ElastiCache::ReplicationGroup" => self.text(stack, id, "ReplicationGroupId"),
            "AWS::ElastiCache::UserGroup" => self.text(stack, id, "UserGroupId"),
            "AWS::ElastiCache::User" => self.text(stack, id, "UserId"),
            "AWS::IAM::Role" => self.text(stack, id, "RoleName"),
            _ => format!("{{ref|{at}}}"),
        })
    }

    fn get_att(&self, stack: &str, id: &str, attr: &str) -> Value {
        let region = self.stacks[stack].region.clone();
        let at = format!("{stack}|{id}");
        let ty = self
            .resource(stack, id)
            .and_then(|r| r["Type"].as_str())
            .unwrap_or("")
            .to_string();
        json!(match (ty.as_str(), attr) {
            ("AWS::EC2::SecurityGroup", "GroupId") => format!("{{sg|{at}}}"),
            ("AWS::ElasticLoadBalancingV2::LoadBalancer", "DNSName") => format!("{{lb-dns|{region}|{at}}}"),
            ("AWS::EKS::Cluster", "ClusterSecurityGroupId") => format!("{{sg|{at}|cluster}}"),
            ("AWS::EKS::Cluster", "Arn") => format!(
                "arn:aws:eks:{region}:{ACCOUNT}:cluster/{}",
                self.text(stack, id, "Name")
            ),
            ("AWS::KMS::Key" | "AWS::KMS::ReplicaKey", "Arn") => {
                format!("arn:aws:kms:{region}:{ACCOUNT}:key/{{keyid|{at}}}")
            }
            ("AWS::S3::Bucket", "Arn") => format!("arn:aws:s3:::{}", self.text(stack, id, "BucketName")),
            ("AWS::RDS::DBCluster", "DBClusterResourceId") => format!("{{resid|{at}}}"),
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{ACCOUNT}:role/{}", self.text(stack, id, "RoleName")),
            ("AWS::EC2::VPC", "CidrBlock") => self.text(stack, id, "CidrBlock"),
            _ => format!("{{att|{at}|{attr}}}"),
        })
    }

    /// A template value with every intrinsic function evaluated.
    fn eval(&self, stack: &str, v: &Value) -> Value {
        let Value::Object(m) = v else {
            return match v {
                Value::Array(a) => Value::Array(a.iter().map(|x| self.eval(stack, x)).collect()),
                other => other.clone(),
            };
        };
        let arg = |k: &str| m.get(k).filter(|_| m.len() == 1);
        let as_text = |x: Value| match x {
            Value::String(s) => s,
            other => other.to_string(),
        };
        if let Some(Value::String(id)) = arg("Ref") {
            return self.reference(stack, id);
        }
        if let Some(a) = arg("Fn::GetAtt") {
            let (id, attr) = match a {
                Value::Array(x) => (
                    x[0].as_str().unwrap_or("").to_string(),
                    x[1].as_str().unwrap_or("").to_string(),
                ),
                Value::String(s) => {
                    let (i, at) = s.split_once('.').unwrap_or((s, ""));
                    (i.to_string(), at.to_string())
                }
                _ => (String::new(), String::new()),
            };
            return self.get_att(stack, &id, &attr);
        }
        if let Some(Value::Array(a)) = arg("Fn::Join") {
            let sep = a[0].as_str().unwrap_or("");
            let parts = match self.eval(stack, &a[1]) {
                Value::Array(p) => p,
                other => vec![other],
            };
            return json!(parts.into_iter().map(as_text).collect::<Vec<_>>().join(sep));
        }
        if let Some(Value::Array(a)) = arg("Fn::Split") {
            let sep = a[0].as_str().unwrap_or("");
            let whole = as_text(self.eval(stack, &a[1]));
            return json!(whole.split(sep).collect::<Vec<_>>());
        }
        if let Some(Value::Array(a)) = arg("Fn::Select") {
            let i = a[0].as_u64().unwrap_or(0) as usize;
            return match self.eval(stack, &a[1]) {
                Value::Array(items) => items.get(i).cloned().unwrap_or(json!("{select-out-of-range}")),
                other => json!(format!("{{select|{other}}}")),
            };
        }
        if arg("Fn::GetAZs").is_some() {
            return json!(["{az0}", "{az1}", "{az2}"]);
        }
        Value::Object(m.iter().map(|(k, x)| (k.clone(), self.eval(stack, x))).collect())
    }

    /// Logical ids a value refers to with `Ref` or `Fn::GetAtt`.
    fn refs(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("Ref", Value::String(s)) => {
                            out.insert(s.clone());
                        }
                        ("Fn::GetAtt", Value::Array(a)) => {
                            if let Some(s) = a.first().and_then(|s| s.as_str()) {
                                out.insert(s.to_string());
                            }
                        }
                        _ => Cfn::refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| Cfn::refs(x, out)),
            _ => {}
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// The statements of an evaluated policy document.
pub fn statements(doc: &Value) -> Vec<Statement> {
    let list = match &doc["Statement"] {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    list.iter()
        .map(|s| Statement {
            effect: s["Effect"].as_str().unwrap_or("").to_string(),
            actions: strings(&s["Action"]),
            resources: strings(&s["Resource"]),
            services: strings(&s["Principal"]["Service"]),
        })
        .collect()
}

fn port(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(-99)
}

fn rule(cfn: &Cfn, stack: &str, group: String, r: &Value, at: String) -> Rule {
    let r = cfn.eval(stack, r);
    // An ingress rule's source, or an egress rule's destination.
    let peer = r["SourceSecurityGroupId"]
        .as_str()
        .or(r["DestinationSecurityGroupId"].as_str());
    let source = match (peer, &r["CidrIp"]) {
        (Some(g), _) => Source::Group(g.to_string()),
        (_, Value::String(c)) => Source::Cidr(c.clone()),
        _ => Source::Cidr("{none}".into()),
    };
    Rule {
        group,
        protocol: r["IpProtocol"].as_str().unwrap_or("").to_string(),
        from: port(&r["FromPort"]),
        to: port(&r["ToPort"]),
        source,
        at,
    }
}

pub fn facts(files: &[File]) -> Facts {
    let cfn = Cfn::new(files);
    let mut f = Facts {
        backend: "CloudFormation",
        ..Facts::default()
    };
    // Clusters by name: node groups name theirs.
    let mut clusters: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut auth_secrets: BTreeSet<(String, String)> = BTreeSet::new();
    for (name, s) in &cfn.stacks {
        for (id, r) in s.template["Resources"].as_object().into_iter().flatten() {
            match r["Type"].as_str().unwrap_or("") {
                "AWS::EC2::VPC" => {
                    let vpc = cfn.reference(name, id).as_str().unwrap_or("").to_string();
                    f.vpcs.insert(vpc, (s.region.clone(), cfn.text(name, id, "CidrBlock")));
                }
                "AWS::EKS::Cluster" => {
                    clusters.insert(cfn.text(name, id, "Name"), (name.clone(), id.clone()));
                    let sg = cfn.get_att(name, id, "ClusterSecurityGroupId");
                    f.group_region
                        .insert(sg.as_str().unwrap_or("").to_string(), s.region.clone());
                }
                "AWS::ElastiCache::ReplicationGroup" => {
                    let mut refs = BTreeSet::new();
                    Cfn::refs(&r["Properties"]["AuthToken"], &mut refs);
                    auth_secrets.extend(refs.into_iter().map(|x| (name.clone(), x)));
                }
                _ => {}
            }
        }
    }
    for (name, s) in &cfn.stacks {
        let region = &s.region;
        for (id, r) in s.template["Resources"].as_object().into_iter().flatten() {
            let at = format!("{name} {id}");
            match r["Type"].as_str().unwrap_or("") {
                "AWS::EC2::SecurityGroup" => {
                    let sg = cfn.reference(name, id).as_str().unwrap_or("").to_string();
                    f.group_region.insert(sg.clone(), region.clone());
                    for (i, x) in r["Properties"]["SecurityGroupIngress"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        f.rules
                            .push(rule(&cfn, name, sg.clone(), x, format!("{at} ingress {i}")));
                    }
                    for (i, x) in r["Properties"]["SecurityGroupEgress"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        f.egress
                            .push(rule(&cfn, name, sg.clone(), x, format!("{at} egress {i}")));
                    }
                }
                "AWS::EC2::SecurityGroupIngress" => {
                    let group = cfn.text(name, id, "GroupId");
                    f.rules.push(rule(&cfn, name, group, &r["Properties"], at));
                }
                "AWS::EC2::SecurityGroupEgress" => {
                    let group = cfn.text(name, id, "GroupId");
                    f.egress.push(rule(&cfn, name, group, &r["Properties"], at));
                }
                "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                    let me = cfn.reference(name, id);
                    let resources = s.template["Resources"].as_object().cloned().unwrap_or_default();
                    let mut targets = Vec::new();
                    for (lid, l) in &resources {
                        if l["Type"] != "AWS::ElasticLoadBalancingV2::Listener"
                            || cfn.prop(name, lid, "LoadBalancerArn") != me
                        {
                            continue;
                        }
                        for action in cfn.prop(name, lid, "DefaultActions").as_array().into_iter().flatten() {
                            if action["Type"] != "forward" {
                                continue;
                            }
                            for (tid, t) in &resources {
                                if t["Type"] == "AWS::ElasticLoadBalancingV2::TargetGroup"
                                    && cfn.reference(name, tid) == action["TargetGroupArn"]
                                {
                                    targets
                                        .push((port(&cfn.prop(name, tid, "Port")), cfn.text(name, tid, "TargetType")));
                                }
                            }
                        }
                    }
                    f.load_balancers.push(LoadBalancer {
                        region: region.clone(),
                        at,
                        groups: strings(&cfn.prop(name, id, "SecurityGroups")),
                        targets,
                    });
                }
                "AWS::EC2::VPCPeeringConnection" => {
                    let region_of = |p: &str| f.vpcs.get(&cfn.text(name, id, p)).map(|(r, _)| r.clone());
                    match (region_of("VpcId"), region_of("PeerVpcId")) {
                        (Some(a), Some(b)) => f.peerings.push((a, b)),
                        other => panic!("{at}: peered VPCs not found: {other:?}"),
                    }
                }
                "AWS::RDS::DBCluster" => {
                    f.stores.push(Store {
                        region: region.clone(),
                        kind: StoreKind::Aurora,
                        groups: strings(&cfn.prop(name, id, "VpcSecurityGroupIds")),
                        at,
                    });
                    let rid = cfn.get_att(name, id, "DBClusterResourceId");
                    f.db_resource_ids
                        .insert(region.clone(), rid.as_str().unwrap_or("").to_string());
                }
                "AWS::ElastiCache::ReplicationGroup" => {
                    f.stores.push(Store {
                        region: region.clone(),
                        kind: StoreKind::Cache,
                        groups: strings(&cfn.prop(name, id, "SecurityGroupIds")),
                        at: at.clone(),
                    });
                    for ug in strings(&cfn.prop(name, id, "UserGroupIds")) {
                        let group_arn = format!(
                            "arn:aws:elasticache:{region}:{ACCOUNT}:replicationgroup:{}",
                            cfn.text(name, id, "ReplicationGroupId")
                        );
                        let resources = s.template["Resources"].as_object().cloned().unwrap_or_default();
                        for (uid, u) in &resources {
                            if u["Type"] != "AWS::ElastiCache::UserGroup" || cfn.text(name, uid, "UserGroupId") != ug {
                                continue;
                            }
                            for user in strings(&cfn.prop(name, uid, "UserIds")) {
                                let iam = resources.iter().any(|(xid, x)| {
                                    x["Type"] == "AWS::ElastiCache::User"
                                        && cfn.text(name, xid, "UserId") == user
                                        && x["Properties"]["AuthenticationMode"]["Type"] == "iam"
                                });
                                if iam {
                                    f.cache_iam.insert(
                                        region.clone(),
                                        (
                                            group_arn.clone(),
                                            format!("arn:aws:elasticache:{region}:{ACCOUNT}:user:{user}"),
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
                "AWS::MSK::Cluster" => {
                    f.stores.push(Store {
                        region: region.clone(),
                        kind: StoreKind::Kafka,
                        groups: strings(&cfn.prop(name, id, "BrokerNodeGroupInfo")["SecurityGroups"]),
                        at,
                    });
                    let arn = cfn.reference(name, id);
                    f.kafka.insert(region.clone(), arn.as_str().unwrap_or("").to_string());
                }
                "AWS::EKS::Nodegroup" => {
                    let cluster = cfn.text(name, id, "ClusterName");
                    let groups = match (&r["Properties"]["LaunchTemplate"], clusters.get(&cluster)) {
                        // A launch template that sets groups puts them on the nodes instead.
                        (Value::Object(lt), _) => {
                            let lt_id = lt.get("Id").or(lt.get("Name")).cloned().unwrap_or_default();
                            let mut refs = BTreeSet::new();
                            Cfn::refs(&lt_id, &mut refs);
                            refs.iter()
                                .flat_map(|x| strings(&cfn.prop(name, x, "LaunchTemplateData")["SecurityGroupIds"]))
                                .collect()
                        }
                        (_, Some((cs, cid))) => strings(&cfn.get_att(cs, cid, "ClusterSecurityGroupId")),
                        (_, None) => Vec::new(),
                    };
                    f.nodes.push(NodeGroup {
                        region: region.clone(),
                        at,
                        groups,
                    });
                }
                "AWS::IAM::Role" => {
                    let arn = cfn.get_att(name, id, "Arn").as_str().unwrap_or("").to_string();
                    let mut role = Role {
                        at: at.clone(),
                        trust: statements(&cfn.prop(name, id, "AssumeRolePolicyDocument")),
                        policy: Vec::new(),
                        managed: strings(&cfn.prop(name, id, "ManagedPolicyArns")),
                    };
                    for p in cfn.prop(name, id, "Policies").as_array().into_iter().flatten() {
                        role.policy.extend(statements(&p["PolicyDocument"]));
                    }
                    f.roles.insert(arn, role);
                }
                "AWS::S3::Bucket" => {
                    let default = &cfn.prop(name, id, "BucketEncryption")["ServerSideEncryptionConfiguration"][0]
                        ["ServerSideEncryptionByDefault"];
                    f.buckets.push(BucketFact {
                        region: region.clone(),
                        name: cfn.reference(name, id).as_str().unwrap_or("").to_string(),
                        key: default["KMSMasterKeyID"].as_str().map(str::to_string),
                    });
                }
                "AWS::EKS::PodIdentityAssociation" => f.associations.push(Association {
                    region: region.clone(),
                    namespace: cfn.text(name, id, "Namespace"),
                    service_account: cfn.text(name, id, "ServiceAccount"),
                    role: cfn.text(name, id, "RoleArn"),
                }),
                "AWS::SecretsManager::Secret" => {
                    let secret_name = cfn.text(name, id, "Name");
                    let arn_in =
                        |r: &str| format!("arn:aws:secretsmanager:{r}:{ACCOUNT}:secret:{secret_name}-{SECRET_SUFFIX}");
                    let key = |v: &Value| match v {
                        Value::String(k) => k.clone(),
                        _ => format!("{{aws/secretsmanager|{region}}}"),
                    };
                    let mut arns = BTreeMap::new();
                    arns.insert(region.clone(), (arn_in(region), key(&cfn.prop(name, id, "KmsKeyId"))));
                    for rr in cfn.prop(name, id, "ReplicaRegions").as_array().into_iter().flatten() {
                        let rg = rr["Region"].as_str().unwrap_or("").to_string();
                        arns.insert(rg.clone(), (arn_in(&rg), key(&rr["KmsKeyId"])));
                    }
                    f.secrets.push(Secret {
                        at,
                        arns,
                        auth: auth_secrets.contains(&(name.clone(), id.clone())),
                    });
                }
                _ => {}
            }
        }
    }
    f
}

/// The DNS names of the templates: records (the `{lb-dns|region|…}` symbol of a load
/// balancer's DNS name says which region's), health checks, and the certificate on each region's
/// HTTPS listener.
pub fn names(files: &[File]) -> Names {
    let cfn = Cfn::new(files);
    let mut n = Names {
        backend: "CloudFormation",
        ..Names::default()
    };
    for (name, s) in &cfn.stacks {
        for (id, r) in s.template["Resources"].as_object().into_iter().flatten() {
            match r["Type"].as_str().unwrap_or("") {
                "AWS::Route53::RecordSet" => {
                    let record = cfn.text(name, id, "Name").trim_end_matches('.').to_string();
                    let alias = cfn.prop(name, id, "AliasTarget");
                    let target = match (&alias["DNSName"], cfn.prop(name, id, "ResourceRecords")) {
                        (Value::String(d), _) => match d
                            .strip_prefix("{lb-dns|")
                            .and_then(|x| x.strip_suffix('}'))
                            .and_then(|x| x.split_once('|'))
                        {
                            Some((region, at)) if cfn.load_balancer(at) => Target::LoadBalancer(region.to_string()),
                            _ => Target::Other(d.clone()),
                        },
                        (_, Value::Array(hosts)) if hosts.len() == 1 && cfn.text(name, id, "Type") == "CNAME" => {
                            Target::Host(hosts[0].as_str().unwrap_or("").trim_end_matches('.').to_string())
                        }
                        (_, other) => Target::Other(other.to_string()),
                    };
                    n.records.push((record, target));
                }
                "AWS::Route53::HealthCheck" => n.health_checks.push(
                    cfn.prop(name, id, "HealthCheckConfig")["FullyQualifiedDomainName"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                ),
                "AWS::ElasticLoadBalancingV2::Listener" if cfn.text(name, id, "Protocol") == "HTTPS" => {
                    for c in cfn.prop(name, id, "Certificates").as_array().into_iter().flatten() {
                        // `Ref` of a certificate of this stack: `{ref|stack|id}`.
                        let Some(cert) = c["CertificateArn"]
                            .as_str()
                            .and_then(|x| x.strip_prefix(&format!("{{ref|{name}|")))
                            .and_then(|x| x.strip_suffix('}'))
                        else {
                            continue;
                        };
                        let mut covered = vec![cfn.text(name, cert, "DomainName")];
                        covered.extend(strings(&cfn.prop(name, cert, "SubjectAlternativeNames")));
                        n.certificates.entry(s.region.clone()).or_default().extend(covered);
                    }
                }
                _ => {}
            }
        }
    }
    n
}

impl Cfn {
    /// `stack|id` names a load balancer of the output.
    fn load_balancer(&self, at: &str) -> bool {
        let (stack, id) = at.split_once('|').unwrap_or(("", ""));
        self.resource(stack, id)
            .is_some_and(|r| r["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer")
    }
}
