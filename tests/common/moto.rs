//! A `moto_server` on 127.0.0.1 and a free port for the tests that deploy rendered output
//! (`moto_cfn`, `moto_tf`), killed when dropped (also when a test panics), and the `aws` CLI
//! pointed at it with dummy credentials.

use serde_json::Value;
use std::io::{Read, Write};
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
    /// A public hosted zone of this name whose id starts with `Z`, and that id, which the
    /// rendered output must be given as `route53.hosted-zone-id`. AWS's zone ids start with `Z`
    /// and mrgen refuses others (MR003); moto 5.2.1 draws all 22 characters from A-Z and 0-9
    /// (`create_route53_zone_id` in moto/route53/models.py) with its own random generator,
    /// which `POST /moto-api/seed` seeds. Once the Route 53 backend exists (its creation, on the
    /// first Route 53 call, draws too), seed 88 gives `ZMVLA7AV3IOHIL20U1ITKH` (measured);
    /// should another moto version draw otherwise, the next seeds are tried, each miss deleted.
    pub fn create_zone_id(&self, zone: &str) -> String {
        self.ok("us-east-1", &["route53", "list-hosted-zones"]);
        for seed in 88..400 {
            self.seed(seed);
            let created = self.create_zone(zone);
            let id = created["HostedZone"]["Id"]
                .as_str()
                .unwrap_or_else(|| panic!("create-hosted-zone {zone}: no id in {created:#}"))
                .trim_start_matches("/hostedzone/")
                .to_string();
            if id.starts_with('Z') {
                return id;
            }
            self.ok("us-east-1", &["route53", "delete-hosted-zone", "--id", &id]);
        }
        panic!("moto made no hosted zone id starting with Z for seeds 88 to 399");
    }

    /// Seeds moto's random generator (its ids), through its `/moto-api/seed` endpoint.
    fn seed(&self, seed: u32) {
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect to moto");
        let request = format!(
            "POST /moto-api/seed?a={seed} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).expect("seed moto");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("moto's answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "moto-api/seed: {answer}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
