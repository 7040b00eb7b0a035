//! A `moto_server` on 127.0.0.1 and a free port for the tests that deploy rendered output
//! (`moto_cfn`, `moto_tf`), killed when dropped (also when a test panics), and the `aws` CLI
//! pointed at it with dummy credentials.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The first seed of moto's random generator (`Moto::create_zone_with_aws_id`) after which
/// moto 5.2.1 makes a zone id that starts with `Z` (found by trying seeds from 0 on).
const ZONE_ID_SEED: u64 = 88;

pub struct Moto {
    child: Child,
    aws: PathBuf,
    pub endpoint: String,
    pub log: PathBuf,
}

impl Moto {
    /// Starts `server` (the `moto_server` executable), logging to `log`; `aws` is the CLI.
    pub fn start(server: &Path, aws: PathBuf, log: PathBuf) -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let out = std::fs::File::create(&log).expect("moto log file");
        let err = out.try_clone().expect("moto log file");
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // AWS managed policies (AmazonEKSClusterPolicy, …) exist only when moto loads them.
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            aws,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on port {port}:\n{}",
                std::fs::read_to_string(&moto.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        moto
    }

    /// `aws --region R …` against moto, with dummy credentials; the parsed JSON output.
    pub fn aws(&self, region: &str, args: &[&str]) -> Result<Value, String> {
        let out = Command::new(&self.aws)
            .args(["--endpoint-url", &self.endpoint, "--region", region, "--output", "json"])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_SECURITY_TOKEN", "testing")
            .env("AWS_SESSION_TOKEN", "testing")
            .env("AWS_DEFAULT_REGION", region)
            .env("AWS_CONFIG_FILE", "/nonexistent/mrgen-aws-config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/mrgen-aws-credentials")
            .env_remove("AWS_PROFILE")
            .output()
            .map_err(|e| format!("cannot run aws: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "aws {} failed: {}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| format!("aws {}: not JSON ({e}): {text}", args.join(" ")))
    }

    /// [`Moto::aws`], failing the test on an error.
    pub fn ok(&self, region: &str, args: &[&str]) -> Value {
        self.aws(region, args).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A public hosted zone of this name (mrgen looks zones up; it never creates them).
    pub fn create_zone(&self, zone: &str) -> Value {
        let reference = format!("mrgen-{zone}");
        self.ok(
            "us-east-1",
            &[
                "route53",
                "create-hosted-zone",
                "--name",
                zone,
                "--caller-reference",
                &reference,
            ],
        )
    }

    /// Seeds moto's random generator (`POST /moto-api/seed?a=N`): the ids it makes next are
    /// the same on every run.
    pub fn seed(&self, a: u64) {
        let addr = self.endpoint.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).expect("connect to moto_server");
        write!(
            s,
            "POST /moto-api/seed?a={a} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .expect("send the seed");
        let mut answer = String::new();
        s.read_to_string(&mut answer).expect("moto's answer");
        assert!(
            answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
            "moto refused the seed: {answer}"
        );
    }

    /// A public hosted zone of this name with an id of the form AWS gives (`Z` and capitals or
    /// digits), which mrgen requires of `route53.hosted-zone-id` (MR003); returns the id,
    /// without `/hostedzone/`. moto draws all 22 characters of a zone id from capitals and
    /// digits (`create_route53_zone_id` in moto/route53/models.py), so its random generator is
    /// seeded before each try, from `ZONE_ID_SEED` on, and a zone of another form is deleted.
    pub fn create_zone_with_aws_id(&self, zone: &str) -> String {
        for a in ZONE_ID_SEED..ZONE_ID_SEED + 2000 {
            self.seed(a);
            let reference = format!("mrgen-{zone}-{a}");
            let created = self.ok(
                "us-east-1",
                &[
                    "route53",
                    "create-hosted-zone",
                    "--name",
                    zone,
                    "--caller-reference",
                    &reference,
                ],
            );
            let id = created["HostedZone"]["Id"]
                .as_str()
                .expect("the new zone's id")
                .trim_start_matches("/hostedzone/")
                .to_string();
            if id.starts_with('Z') {
                return id;
            }
            self.ok("us-east-1", &["route53", "delete-hosted-zone", "--id", &id]);
        }
        panic!("moto made no zone id that starts with Z after 2000 seeds");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
