//! The Terraform backend, checked with real Terraform (SPEC section 6): every shipped environment
//! renders a module that `terraform fmt -check` leaves alone and that `terraform init` (from the
//! machine's local provider mirror) and `terraform validate` accept; hostile free text comes out
//! as literal strings; every plan resource appears under its name and nothing else does.
//! Snapshots of every environment's module are under `snapshots/` (`terraform-<env>.snap`).

use crate::common::{in_ci, plan_of, require_tool, shipped, tempdir, write_files};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use mrgen::plan::Backends;
use mrgen::render::tf;
use mrgen::render::File;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

pub const ENVIRONMENTS: &[&str] = &["development", "eu-production", "global", "production", "staging"];

pub fn rendered(name: &str) -> Vec<File> {
    render_text(name, &shipped(name))
}

pub fn render_text(name: &str, text: &str) -> Vec<File> {
    tf::try_render(&plan_of(name, text), tf::Layout::Single).expect("render")
}

/// The root of the local provider mirror: the folder that holds `registry.terraform.io`.
fn mirror_root() -> Option<PathBuf> {
    let holds = |p: &Path| p.join("registry.terraform.io/hashicorp/aws").is_dir();
    let known = [
        "/opt/tf-plugins",
        "/usr/share/terraform/plugins",
        "/usr/local/share/terraform/plugins",
    ];
    if let Some(p) = known.iter().map(PathBuf::from).find(|p| holds(p)) {
        return Some(p);
    }
    let out = Command::new("find")
        .args(["/", "-name", "terraform-provider-aws_*", "-not", "-path", "/proc/*"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next()?;
    Path::new(first)
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "registry.terraform.io"))
        .and_then(|a| a.parent())
        .map(Path::to_path_buf)
}

/// The provider cache every test shares (also apply.sh's, through `TF_PLUGIN_CACHE_DIR`).
pub fn plugin_cache() -> PathBuf {
    std::env::temp_dir().join("mrgen-tf-cli").join("plugin-cache")
}

/// The Terraform CLI config every test uses: the local mirror, and one plugin cache shared by
/// all modules. `None` (after printing why) when the mirror is missing outside CI.
pub fn cli_config() -> Option<PathBuf> {
    static CONFIG: OnceLock<Option<PathBuf>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let Some(mirror) = mirror_root() else {
                if in_ci() {
                    panic!("the hashicorp/aws provider mirror is missing, and CI=true forbids skipping");
                }
                println!("skipped terraform tests: no local hashicorp/aws provider mirror");
                return None;
            };
            let dir = std::env::temp_dir().join("mrgen-tf-cli");
            let cache = plugin_cache();
            std::fs::create_dir_all(&cache).expect("plugin cache");
            let text = format!(
                // Without a lock file in a fresh module, `init` would install into the cache again
                // (replacing the package that other modules' validate reads at that moment);
                // this lets it take the cached package instead.
                "provider_installation {{\n  filesystem_mirror {{\n    path = {:?}\n  }}\n}}\nplugin_cache_dir = {:?}\nplugin_cache_may_break_dependency_lock_file = true\n",
                mirror.display().to_string(),
                cache.display().to_string()
            );
            // Named after what it says, so that test processes share one file instead of leaving
            // one each; written beside it and renamed into place, so that none reads half a file.
            let digest = {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                text.hash(&mut h);
                h.finish()
            };
            let config = dir.join(format!("cli-{digest:016x}.tfrc"));
            let partial = dir.join(format!("cli-{digest:016x}.tfrc.{}", std::process::id()));
            std::fs::write(&partial, text).expect("cli config");
            std::fs::rename(&partial, &config).expect("cli config");
            Some(config)
        })
        .clone()
}

pub struct Tf {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `terraform -chdir=<dir> <args>` with the test CLI config.
pub fn terraform(dir: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Tf {
    let config = cli_config().expect("cli config");
    let mut c = Command::new("terraform");
    c.arg(format!("-chdir={}", dir.display()))
        .args(args)
        .env("TF_CLI_CONFIG_FILE", config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_LOG");
    for (k, v) in extra_env {
        c.env(k, v);
    }
    let out = c.output().expect("run terraform");
    Tf {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `terraform init`: one at a time, since the plugin cache is shared (between the tests of this
/// process by a mutex, and with other test processes on the machine by a file lock).
pub fn init(dir: &Path) {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let lock_path = std::env::temp_dir().join("mrgen-tf-cli").join("init.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .expect("init lock");
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).expect("flock");
    let r = terraform(dir, &["init", "-input=false", "-no-color"], &[]);
    assert_eq!(
        r.code,
        0,
        "terraform init in {}:\n{}\n{}",
        dir.display(),
        r.stdout,
        r.stderr
    );
}

/// fmt -check, init and validate of one rendered module; returns a one-line summary.
fn fmt_init_validate(label: &str, files: &[File]) -> String {
    let dir = tempdir(label);
    write_files(&dir, files);
    let module = dir.join("terraform");
    let fmt = terraform(&module, &["fmt", "-check", "-recursive", "-diff", "-no-color"], &[]);
    assert_eq!(
        fmt.code, 0,
        "{label}: terraform fmt would change:\n{}\n{}",
        fmt.stdout, fmt.stderr
    );
    init(&module);
    let v = terraform(&module, &["validate", "-no-color"], &[]);
    assert_eq!(v.code, 0, "{label}: terraform validate:\n{}\n{}", v.stdout, v.stderr);
    let warnings = v.stdout.matches("Warning:").count() + v.stderr.matches("Warning:").count();
    assert_eq!(
        warnings, 0,
        "{label}: terraform validate warns:\n{}\n{}",
        v.stdout, v.stderr
    );
    let _ = std::fs::remove_dir_all(module.parent().expect("parent"));
    format!("{label}: fmt clean, init and validate pass ({} files)", files.len())
}

fn have_terraform(test: &str) -> bool {
    require_tool("terraform", test).is_some() && cli_config().is_some()
}

#[test]
fn every_environment_is_fmt_clean_and_validates() {
    if !have_terraform("every_environment_is_fmt_clean_and_validates") {
        return;
    }
    for env in ENVIRONMENTS {
        println!("{}", fmt_init_validate(env, &rendered(env)));
    }
}

/// `production` with one MSK topic pattern replaced by `topic` (YAML single-quoted).
fn with_topic(topic: &str) -> String {
    let text = shipped("production");
    assert!(!topic.contains('\''));
    let out = text.replace("    - customer-events\n", &format!("    - '{topic}'\n"));
    assert_ne!(out, text, "the production file lists customer-events");
    out
}

const HOSTILE: &[&str] = &[
    r#"x"} resource "aws_iam_user" "y" { name = "${file("/etc/passwd")}"#,
    r#"a\b%{ if true }c%{ endif }$${d}\\"\n"#,
];

/// Every string in `topics_to_replicate` of every replicator, read back by an HCL parser.
fn replicated_topics(files: &[File]) -> Vec<String> {
    let msk = files.iter().find(|f| f.path == "terraform/msk.tf").expect("msk.tf");
    let body: Body = hcl_edit::parser::parse_body(&msk.contents).expect("msk.tf parses");
    let mut out = Vec::new();
    for block in body.get_blocks("resource") {
        if block.labels.first().map(|l| l.as_str()) != Some("aws_msk_replicator") {
            continue;
        }
        for info in block.body.get_blocks("replication_info_list") {
            for topic in info.body.get_blocks("topic_replication") {
                let attr = topic.body.get_attribute("topics_to_replicate").expect("topics");
                let Expression::Array(items) = &attr.value else {
                    panic!("topics_to_replicate is not a list: {:?}", attr.value)
                };
                for item in items.iter() {
                    match item {
                        Expression::String(s) => out.push(s.value().to_string()),
                        other => panic!("a topic is not a literal string: {other:?}"),
                    }
                }
            }
        }
    }
    out
}

pub fn all_blocks(files: &[File]) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for f in files {
        let body = hcl_edit::parser::parse_body(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
        for s in body.iter() {
            match s {
                Structure::Block(b) => out.push((
                    b.ident.as_str().to_string(),
                    b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                )),
                Structure::Attribute(a) => panic!("{}: top-level attribute {}", f.path, a.key.as_str()),
            }
        }
    }
    out
}

#[test]
fn hostile_topic_patterns_stay_literal() {
    let run_tf = have_terraform("hostile_topic_patterns_stay_literal");
    for (i, topic) in HOSTILE.iter().enumerate() {
        let files = render_text("production", &with_topic(topic));
        let topics = replicated_topics(&files);
        assert!(topics.iter().any(|t| t == topic), "{topic:?} read back as {topics:?}");
        for (kind, labels) in all_blocks(&files) {
            assert!(
                !labels.iter().any(|l| l == "aws_iam_user"),
                "the input smuggled in a {kind} {labels:?}"
            );
        }
        if run_tf {
            println!("{}", fmt_init_validate(&format!("hostile-{i}"), &files));
        }
    }
}

/// Name → (the plan resource's type, its companions' types and reasons).
pub type Expected = BTreeMap<String, (&'static str, &'static [(&'static str, &'static str)])>;

/// The blocks of one module hold exactly the `expected` resources (each once, under its name)
/// and their declared companions, and nothing else.
pub fn check_parity(label: &str, blocks: &[(String, Vec<String>)], expected: &Expected) {
    let mut seen = BTreeSet::new();
    for (kind, labels) in blocks {
        match kind.as_str() {
            "resource" | "ephemeral" => {
                let (ty, name) = (&labels[0], &labels[1]);
                let Some((primary, companions)) = expected.get(name) else {
                    panic!("{label}: {kind} {ty}.{name} is not in the plan")
                };
                if ty == primary {
                    assert!(seen.insert(name.clone()), "{label}: {ty}.{name} twice");
                    assert_eq!(kind == "ephemeral", ty == "aws_secretsmanager_random_password");
                } else {
                    assert!(
                        companions.iter().any(|(t, _)| t == ty),
                        "{label}: {ty}.{name} is neither the plan resource's type ({primary}) nor a declared companion"
                    );
                }
            }
            "data" | "output" | "provider" | "terraform" | "variable" => {}
            other => panic!("{label}: unexpected top-level block {other} {labels:?}"),
        }
    }
    let missing: Vec<_> = expected.keys().filter(|n| !seen.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "{label}: plan resources missing from Terraform: {missing:?}"
    );
}

#[test]
fn parity_with_the_plan() {
    for env in ENVIRONMENTS {
        let plan = plan_of(env, &shipped(env));
        let files = rendered(env);
        let blocks = all_blocks(&files);
        let mut expected = Expected::new();
        for s in &plan.stacks {
            for r in &s.resources {
                let name = tf::resource_name(s, &r.id);
                match r.backends {
                    Backends::CloudFormationOnly => {
                        assert!(
                            !blocks.iter().any(|(_, l)| l.get(1) == Some(&name)),
                            "{env}: CloudFormation-only {name} rendered"
                        );
                    }
                    Backends::Both | Backends::TerraformOnly => {
                        let ty = tf::tf_type(&r.kind);
                        assert!(
                            expected.insert(name.clone(), (ty, tf::companions(&r.kind))).is_none(),
                            "{env}: two plan resources are named {name}"
                        );
                    }
                }
            }
        }
        check_parity(env, &blocks, &expected);
    }
}

#[test]
fn files_layout_and_determinism() {
    for env in ENVIRONMENTS {
        let a = rendered(env);
        let b = rendered(env);
        assert_eq!(a, b, "{env}: rendering is deterministic");
        for f in &a {
            assert!(
                f.path.starts_with("terraform/") && f.path.ends_with(".tf"),
                "{}",
                f.path
            );
            assert!(
                f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"),
                "{}",
                f.path
            );
            assert!(!f.contents.contains(" \n"), "{}: trailing spaces", f.path);
            assert!(!f.contents.contains("backend \""), "{}: no backend block", f.path);
        }
        let names: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        for must in [
            "terraform/versions.tf",
            "terraform/providers.tf",
            "terraform/network.tf",
        ] {
            assert!(names.contains(&must), "{env}: {names:?}");
        }
    }
    let dev: Vec<String> = rendered("development").into_iter().map(|f| f.path).collect();
    assert!(!dev.contains(&"terraform/peering.tf".to_string()), "{dev:?}");
    assert!(!dev.contains(&"terraform/dns.tf".to_string()), "{dev:?}");
}

#[test]
fn providers_per_region_with_default_tags() {
    let files = rendered("production");
    let p = &files
        .iter()
        .find(|f| f.path == "terraform/providers.tf")
        .unwrap()
        .contents;
    for alias in ["ap_northeast_1", "ap_northeast_2", "us_east_1"] {
        assert!(p.contains(&format!("alias  = \"{alias}\"")), "{p}");
    }
    assert!(p.contains("\"app.kubernetes.io/part-of\" = \"genai-demo\""), "{p}");
    let g = rendered("global");
    let p = &g.iter().find(|f| f.path == "terraform/providers.tf").unwrap().contents;
    assert_eq!(p.matches("alias  = \"us_east_1\"").count(), 1, "{p}");
}

#[test]
fn no_password_literal_and_no_open_ingress() {
    let (mut open_groups, mut open_rules) = (0, 0);
    for env in ENVIRONMENTS {
        for f in rendered(env) {
            assert!(!f.contents.contains("master_password "), "{env} {}", f.path);
            assert!(!f.contents.contains("secret_string "), "{env} {}", f.path);
            assert!(!f.contents.contains("prevent_destroy"), "{env} {}", f.path);
            // Ingress from anywhere only in a public load balancer's group, on 443 and 80 (SPEC
            // section 5), with the checkov suppression that says so.
            let body = hcl_edit::parser::parse_body(&f.contents).unwrap();
            for b in body.get_blocks("resource") {
                let text = b.body.to_string();
                if b.labels[0].as_str() != "aws_vpc_security_group_ingress_rule" || !text.contains("0.0.0.0/0") {
                    continue;
                }
                assert_eq!(f.path, "terraform/ingress.tf", "{env}: open ingress {text}");
                assert!(text.contains("#checkov:skip=CKV_AWS_260:"), "{env}: {text}");
                let Some(Expression::Object(rules)) = b.body.get_attribute("for_each").map(|a| &a.value) else {
                    panic!("{env}: the rules of a group are one for_each: {text}")
                };
                for (key, rule) in rules.iter() {
                    let Expression::Object(rule) = rule.expr() else {
                        panic!("{env}: rule {key:?}")
                    };
                    let field = |name: &str| {
                        rule.iter()
                            .find(|(k, _)| k.as_ident().is_some_and(|i| i.as_str() == name))
                            .map(|(_, v)| v.expr().to_string().trim().to_string())
                            .unwrap_or_default()
                    };
                    if field("cidr_ipv4") == "\"0.0.0.0/0\"" {
                        let (from, to) = (field("from_port"), field("to_port"));
                        assert!(
                            from == to && (from == "443" || from == "80"),
                            "{env}: open on {from}-{to}: {text}"
                        );
                        open_rules += 1;
                    }
                }
                open_groups += 1;
            }
        }
    }
    assert!(open_groups >= 2, "the load balancers' groups were found");
    assert_eq!(open_rules, 2 * open_groups, "443 and 80 in each, read back");
}

// --- the escaper, read back by an HCL parser -------------------------------------------------

fn read_back(literal: &str) -> String {
    match hcl_edit::parser::parse_expr(literal).unwrap_or_else(|e| panic!("{literal}: {e}")) {
        Expression::String(s) => s.value().to_string(),
        other => panic!("{literal} is not a literal string: {other:?}"),
    }
}

#[test]
fn escaper_reads_back_as_the_input() {
    let cases = [
        "",
        "plain",
        r#"x"} resource "aws_iam_user" "y" { name = "${file("/etc/passwd")}"#,
        "${a}",
        "$${a}",
        "$$${a}",
        "%{if}",
        "%%{if}",
        "$",
        "%",
        "{",
        "a$",
        r"\",
        r"\\",
        r#"\""#,
        "tab\there\nnew\rcr",
        "\u{0}\u{1}\u{8}\u{c}\u{1b}\u{7f}\u{9f}",
        "ünïcödé ✓ 日本",
        "orders\\..*",
    ];
    for c in cases {
        assert_eq!(read_back(&tf::quote(c)), c, "{:?} → {}", c, tf::quote(c));
    }
    // A property check over pseudo-random strings of the characters that matter.
    let alphabet: Vec<char> = "ab$%{}\\\"\n\r\t\u{0}\u{8}\u{c}\u{7f}é ".chars().collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..5000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 12) as usize;
        let mut s = String::new();
        let mut x = seed;
        for _ in 0..len {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            s.push(alphabet[((x >> 33) as usize) % alphabet.len()]);
        }
        let q = tf::quote(&s);
        assert_eq!(read_back(&q), s, "{s:?} → {q}");
    }
}

/// checkov's CKV2_AWS_76 looks at the web ACL on a load balancer: its suppression is on a load
/// balancer that has one, and on no other.
#[test]
fn the_log4j_suppression_follows_the_web_acl() {
    for (waf, expected) in [("true", 2), ("false", 0)] {
        let plan = crate::common::plan_with("production", &[&format!("genai-demo:ingress.waf={waf}")]);
        let files = tf::try_render(&plan, tf::Layout::Single).expect("render");
        let ingress = files
            .iter()
            .find(|f| f.path == "terraform/ingress.tf")
            .expect("ingress.tf");
        assert_eq!(
            ingress.contents.matches("#checkov:skip=CKV2_AWS_76:").count(),
            expected,
            "waf {waf}"
        );
        assert_eq!(
            ingress
                .contents
                .matches("resource \"aws_wafv2_web_acl_association\"")
                .count(),
            expected,
            "waf {waf}"
        );
    }
}
