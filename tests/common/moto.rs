//! A `moto_server` on 127.0.0.1 and a free port for the tests that deploy rendered output
//! (`moto_cfn`, `moto_tf`), killed when dropped (also when a test panics), and the `aws` CLI
//! pointed at it with dummy credentials.

use serde_json::Value;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Seconds after which moto issues a requested certificate (see [`Moto::start`]).
pub const ACM_VALIDATION_WAIT: &str = "1";

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
            // moto issues an ACM certificate once it is older than this many seconds, whatever
            // its validation records (`CertBundle.check` in moto/acm/models.py; the default,
            // `ACM_VALIDATION_WAIT` in moto/settings.py, is 60): pending when created, as on
            // AWS, and issued a second later, so a wait for issuance is short.
            .env("MOTO_ACM_VALIDATION_WAIT", ACM_VALIDATION_WAIT)
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
}

impl Moto {
    /// A public hosted zone of this name, and its id (without `/hostedzone/`), which the
    /// rendered output is given as `route53.hosted-zone-id`.
    pub fn create_zone_id(&self, zone: &str) -> String {
        let created = self.create_zone(zone);
        created["HostedZone"]["Id"]
            .as_str()
            .unwrap_or_else(|| panic!("create-hosted-zone {zone}: no id in {created:#}"))
            .trim_start_matches("/hostedzone/")
            .to_string()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
