//! The check fails, naming what broke, when the output loses a rule or a statement the
//! application needs, or gains one that is too broad: each test breaks production's rendered
//! files in one place, in each backend, and reads the check's complaint.

use super::{check, want};
use crate::common::{render_env, File};
use serde_json::{json, Value};

fn production() -> Vec<File> {
    render_env("production")
}

fn edit_template(files: &mut [File], stack: &str, edit: impl FnOnce(&mut Value)) {
    let path = format!("cloudformation/genai-demo-production-{stack}.template.json");
    let f = files.iter_mut().find(|f| f.path == path).expect("template");
    let mut t: Value = serde_json::from_str(&f.contents).expect("JSON");
    edit(&mut t);
    f.contents = serde_json::to_string_pretty(&t).expect("JSON");
}

fn edit_tf(files: &mut [File], file: &str, edit: impl FnOnce(&str) -> String) {
    let f = files
        .iter_mut()
        .find(|f| f.path == format!("terraform/{file}"))
        .expect("file");
    let changed = edit(&f.contents);
    assert_ne!(changed, f.contents, "the edit changed nothing in {file}");
    f.contents = changed;
}

/// `text` without the block that starts with the line `start` (up to its closing `}` line).
fn without_block(text: &str, start: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| l.trim_end() == start).expect("block");
    let indent = lines[first].len() - lines[first].trim_start().len();
    let last = (first + 1..lines.len())
        .find(|&i| {
            let l = lines[i];
            l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
        })
        .expect("the block's end");
    let mut out: Vec<&str> = lines[..first].to_vec();
    out.extend(&lines[last + 1..]);
    out.join("\n") + "\n"
}

/// The check's complaints, which must be some and each mention all of `words`.
fn complaints(files: &[File], backend: &str, words: &[&str]) -> Vec<String> {
    let problems = check(files, &want("production"));
    let mine: Vec<String> = problems.into_iter().filter(|p| p.starts_with(backend)).collect();
    assert!(
        mine.iter().any(|p| words.iter().all(|w| p.contains(w))),
        "{backend}: no complaint mentions {words:?}:\n{}",
        mine.join("\n")
    );
    println!("{}", mine.join("\n"));
    mine
}

#[test]
fn a_missing_rule_for_the_nodes_is_named() {
    let mut files = production();
    edit_template(&mut files, "eks-ap-northeast-2", |t| {
        t["Resources"]
            .as_object_mut()
            .expect("Resources")
            .remove("DatabaseFromNodes");
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-2", "Aurora", "5432", "not admitted"],
    );

    let mut files = production();
    edit_tf(&mut files, "eks.tf", |t| {
        without_block(
            t,
            r#"resource "aws_vpc_security_group_ingress_rule" "eks_kafka_from_nodes_apne1" {"#,
        )
    });
    complaints(&files, "Terraform", &["ap-northeast-1", "MSK", "9098", "not admitted"]);
}

#[test]
fn a_missing_peer_rule_is_named() {
    let mut files = production();
    edit_template(&mut files, "network-ap-northeast-1", |t| {
        t["Resources"]["CacheSecurityGroup"]["Properties"]
            .as_object_mut()
            .expect("Properties")
            .remove("SecurityGroupIngress");
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-1", "cache", "ap-northeast-2", "6379", "does not admit"],
    );

    let mut files = production();
    edit_tf(&mut files, "network.tf", |t| {
        without_block(
            t,
            r#"resource "aws_vpc_security_group_ingress_rule" "network_database_security_group_apne2" {"#,
        )
    });
    complaints(
        &files,
        "Terraform",
        &["ap-northeast-2", "Aurora", "10.2.0.0/16", "5432"],
    );
}

#[test]
fn kafka_across_the_peering_is_too_broad() {
    let mut files = production();
    edit_template(&mut files, "network-ap-northeast-1", |t| {
        let p = &mut t["Resources"]["KafkaSecurityGroup"]["Properties"];
        p["SecurityGroupIngress"] = json!([{
            "CidrIp": "10.3.0.0/16", "Description": "x", "FromPort": 9098, "IpProtocol": "tcp", "ToPort": 9098
        }]);
    });
    complaints(&files, "CloudFormation", &["Kafka does not cross"]);

    let mut files = production();
    edit_tf(&mut files, "network.tf", |t| {
        t.replacen(
            "      description                  = \"Redis/Valkey from the peered VPC of ap-northeast-2\"\n      from_port                    = 6379\n      to_port                      = 6379",
            "      description                  = \"Redis/Valkey from the peered VPC of ap-northeast-2\"\n      from_port                    = 22\n      to_port                      = 6379",
            1,
        )
    });
    complaints(&files, "Terraform", &["10.3.0.0/16", "22-6379", "only 5432 and 6379"]);
}

#[test]
fn a_missing_statement_is_named() {
    let mut files = production();
    edit_template(&mut files, "eks-ap-northeast-1", |t| {
        let statements = t["Resources"]["AppRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array_mut()
            .expect("statements");
        statements.retain(|s| s["Sid"] != "DatabaseConnect");
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-1", "does not allow rds-db:connect", "/app"],
    );

    let mut files = production();
    edit_tf(&mut files, "eks.tf", |t| {
        // The topics statement of ap-northeast-2: its first line after `{` names it.
        let lines: Vec<&str> = t.lines().collect();
        let role = lines
            .iter()
            .position(|l| l.starts_with(r#"resource "aws_iam_role_policy" "eks_app_role_apne2""#))
            .expect("the role policy");
        let sid = (role..lines.len())
            .find(|&i| lines[i].contains(r#"Sid"#) && lines[i].contains(r#""KafkaTopics""#))
            .expect("Sid");
        let open = (0..sid).rev().find(|&i| lines[i].trim() == "{").expect("{");
        let close = (sid..lines.len()).find(|&i| lines[i].trim() == "},").expect("},");
        let mut out: Vec<&str> = lines[..open].to_vec();
        out.extend(&lines[close + 1..]);
        out.join("\n") + "\n"
    });
    complaints(
        &files,
        "Terraform",
        &["ap-northeast-2", "does not allow kafka-cluster:ReadData", ":topic/"],
    );
}

#[test]
fn a_statement_on_everything_is_too_broad() {
    let mut files = production();
    edit_template(&mut files, "eks-ap-northeast-2", |t| {
        let s = &mut t["Resources"]["AppRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0];
        s["Resource"] = json!("*");
    });
    complaints(&files, "CloudFormation", &["ap-northeast-2", "on `*`"]);
    complaints(
        &files,
        "CloudFormation",
        &["another region's Kafka cluster", "too broad"],
    );

    let mut files = production();
    edit_tf(&mut files, "eks.tf", |t| t.replacen("redis-auth-??????\"", "*\"", 1));
    complaints(
        &files,
        "Terraform",
        &[
            "ap-northeast-1",
            "aurora-master",
            "a secret other than the cache's AUTH secret",
        ],
    );
}

#[test]
fn nodes_with_a_launch_template_of_their_own_groups_are_named() {
    let mut files = production();
    edit_template(&mut files, "eks-ap-northeast-1", |t| {
        let r = t["Resources"].as_object_mut().expect("Resources");
        r.insert(
            "NodeTemplate".into(),
            json!({"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"SecurityGroupIds": [{"Ref": "AppSecurityGroupId"}]}}}),
        );
        r["NodeGroup"]["Properties"]["LaunchTemplate"] = json!({"Id": {"Ref": "NodeTemplate"}});
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-1", "NodeGroup", "not admitted"],
    );
}

#[test]
fn the_wrong_service_account_is_named() {
    let mut files = production();
    edit_tf(&mut files, "eks.tf", |t| {
        t.replacen("service_account = \"app\"", "service_account = \"other\"", 1)
    });
    complaints(
        &files,
        "Terraform",
        &["no Pod Identity association for service account app/app"],
    );
}

#[test]
fn a_load_balancer_the_pods_do_not_admit_is_named() {
    let mut files = production();
    edit_template(&mut files, "ingress-ap-northeast-1", |t| {
        t["Resources"]
            .as_object_mut()
            .expect("Resources")
            .remove("NodesFromLoadBalancer");
    });
    complaints(&files, "CloudFormation", &["ap-northeast-1", "do not admit", "8080"]);

    let mut files = production();
    edit_tf(&mut files, "ingress.tf", |t| {
        without_block(
            t,
            r#"resource "aws_vpc_security_group_egress_rule" "ingress_lb_security_group_apne2" {"#,
        )
    });
    complaints(&files, "Terraform", &["ap-northeast-2", "may send", "8080"]);
}

#[test]
fn a_target_group_of_instances_or_another_port_is_named() {
    let mut files = production();
    edit_template(&mut files, "ingress-ap-northeast-2", |t| {
        t["Resources"]["TargetGroup"]["Properties"]["Port"] = json!(80);
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-2", "no IP target group on 8080"],
    );

    let mut files = production();
    edit_tf(&mut files, "ingress.tf", |t| {
        t.replacen(r#"target_type = "ip""#, r#"target_type = "instance""#, 1)
    });
    complaints(&files, "Terraform", &["ap-northeast-1", "no IP target group on 8080"]);
}

/// The DNS check's complaints about `files` in `backend`, which must be some and one of them
/// mention all of `words`.
fn dns_complaints(files: &[File], backend: &str, words: &[&str]) {
    let want = want("production");
    let problems = match backend {
        "CloudFormation" => super::dns_names(&super::cfn::names(files), &want),
        _ => super::dns_names(&super::tf::names(files), &want),
    };
    println!("{}", problems.join("\n"));
    assert!(
        problems.iter().any(|p| words.iter().all(|w| p.contains(w))),
        "{backend}: no complaint mentions {words:?}:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_name_the_certificate_does_not_cover_is_named() {
    let mut files = production();
    edit_template(&mut files, "ingress-ap-northeast-2", |t| {
        let sans = t["Resources"]["Certificate"]["Properties"]["SubjectAlternativeNames"]
            .as_array_mut()
            .expect("names");
        sans.retain(|n| n != "api.example.com");
    });
    dns_complaints(
        &files,
        "CloudFormation",
        &["`api.example.com` leads to ap-northeast-2", "does not cover"],
    );

    let mut files = production();
    edit_tf(&mut files, "ingress.tf", |t| {
        t.replacen(r#""www.example.com", "#, "", 1)
    });
    dns_complaints(&files, "Terraform", &["`www.example.com` leads to", "does not cover"]);
}

#[test]
fn a_record_that_leads_nowhere_the_output_creates_is_named() {
    let mut files = production();
    edit_tf(&mut files, "dns.tf", |t| {
        t.replacen(
            "aws_lb.ingress_load_balancer_apne1.dns_name",
            r#""lb.elsewhere.example.net""#,
            1,
        )
    });
    dns_complaints(
        &files,
        "Terraform",
        &["ap-northeast-1.example.com", "not a load balancer"],
    );

    let mut files = production();
    edit_template(&mut files, "dns-us-east-1", |t| {
        let p = &mut t["Resources"]["Record0Apne1"]["Properties"];
        let o = p.as_object_mut().expect("properties");
        o.remove("AliasTarget");
        o.insert("Type".into(), json!("CNAME"));
        o.insert("TTL".into(), json!("60"));
        o.insert("ResourceRecords".into(), json!(["api-apne1.example.com"]));
    });
    dns_complaints(
        &files,
        "CloudFormation",
        &["`api.example.com` is a CNAME to `api-apne1.example.com`"],
    );
}

#[test]
fn a_bucket_the_role_cannot_write_or_a_key_it_cannot_use_is_named() {
    // Without the read-write statement: the application cannot use its region's bucket.
    let mut files = production();
    edit_template(&mut files, "eks-ap-northeast-2", |t| {
        let statements = t["Resources"]["AppRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array_mut()
            .expect("statements");
        statements.retain(|s| s["Sid"] != "BucketsReadWrite");
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-2", "does not allow s3:PutObject", "-app-apne2-"],
    );

    // The bucket encrypted with another key than the one the role may use.
    let mut files = production();
    edit_tf(&mut files, "storage.tf", |t| {
        t.replacen(
            "kms_master_key_id = aws_kms_key.network_multi_region_key_apne1.arn",
            "kms_master_key_id = aws_kms_key.network_kms_key_apne1.arn",
            1,
        )
    });
    complaints(
        &files,
        "Terraform",
        &[
            "ap-northeast-1",
            "does not allow kms:GenerateDataKey",
            "network_kms_key",
        ],
    );
}

#[test]
fn a_role_that_reaches_another_regions_bucket_is_too_broad() {
    let mut files = production();
    edit_template(&mut files, "eks-ap-northeast-1", |t| {
        let statements = t["Resources"]["AppRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array_mut()
            .expect("statements");
        statements.push(json!({
            "Sid": "Everything",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::genai-demo-production-*",
        }));
    });
    complaints(
        &files,
        "CloudFormation",
        &["ap-northeast-1", "s3:PutObject", "-app-apne2-", "too broad"],
    );
}
