//! Runs a parsed command line and maps every outcome to an exit status:
//! 0 success, 1 invalid environment (or stale output), 2 usage error, 3 I/O error or internal
//! error. An internal error is a bug in mrgen (a plan a renderer cannot express, a valid
//! environment without a model), never the user's input or the disk, and says so.

use crate::check::{self, Checked};
use crate::cli::{Cli, Command, DiagnosticsFormat, Global, GraphFormat, RenderFormat, RunbookFormat, TerraformLayout};
use crate::diagnostics::{self, Diagnostic};
use crate::finding::{RuleId, Severity};
use crate::model::Environment;
use crate::model::{self, ContextOverride};
use crate::{output, plan, render, runbook};
use clap::Parser;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const EXIT_OK: u8 = 0;
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_IO: u8 = 3;
pub const EXIT_INTERNAL: u8 = 3;

/// A failure that ends the command with a status other than "invalid environment".
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Io(String),
    /// A bug in mrgen.
    Internal(String),
}

impl Failure {
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Io(_) => EXIT_IO,
            Failure::Internal(_) => EXIT_INTERNAL,
        }
    }
}

/// The line printed on stderr.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Io(m) => write!(f, "error: {m}"),
            Failure::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "{f}");
            ExitCode::from(f.code())
        }
    }
}

pub fn run(cli: Cli) -> Result<u8, Failure> {
    let overrides = parse_overrides(&cli.global)?;
    match &cli.command {
        Command::Schema => {
            print_stdout(&model::schema::schema_text())?;
            Ok(EXIT_OK)
        }
        Command::Validate { envs } => validate(&cli.global, envs, &overrides),
        Command::Render {
            env,
            format,
            out,
            check,
            cfn_references,
            terraform_layout,
        } => render(
            &cli.global,
            env,
            Formats {
                format: *format,
                refs: *cfn_references,
                layout: match terraform_layout {
                    TerraformLayout::Stacks => render::tf::Layout::Stacks,
                    TerraformLayout::Single => render::tf::Layout::Single,
                },
            },
            out.as_deref(),
            *check,
            &overrides,
        ),
        Command::Plan { env, json } => {
            let Some(Valid { model, plan, .. }) = valid(&cli.global, env, &overrides)? else {
                return Ok(EXIT_INVALID);
            };
            let book = runbook::build(&model, &plan);
            let cost = crate::cost::estimate(&model, &plan, &crate::aws::prices::Prices::compiled());
            let text = if *json {
                let mut v = plan::show::json_value(&plan);
                v["recovery"] = runbook::text::estimates_json(&book);
                v["cost"] = serde_json::json!({
                    "monthly-total": (cost.monthly_total * 100.0).round() / 100.0,
                    "complete": cost.complete,
                });
                let mut t = serde_json::to_string_pretty(&v).unwrap_or_default();
                t.push('\n');
                t
            } else {
                plan::show::table(&plan)
                    + &runbook::text::estimates(&book)
                    + "\n"
                    + &crate::cost::text::total_line(&cost)
            };
            say(&cli.global, &text)?;
            Ok(EXIT_OK)
        }
        Command::Runbook { env, format } => {
            let Some(Valid { model, plan, .. }) = valid(&cli.global, env, &overrides)? else {
                return Ok(EXIT_INVALID);
            };
            let book = runbook::build(&model, &plan);
            let text = match format {
                RunbookFormat::Text => runbook::text::render(&book),
                RunbookFormat::Json => runbook::json(&book),
            };
            say(&cli.global, &text)?;
            Ok(EXIT_OK)
        }
        Command::Cost {
            env,
            json,
            prices,
            print_prices,
        } => match (env, print_prices) {
            (_, true) => {
                let mut t = serde_json::to_string_pretty(&crate::aws::prices::compiled_file())
                    .map_err(|e| Failure::Internal(format!("the compiled price table does not print: {e}")))?;
                t.push('\n');
                print_stdout(&t)?;
                Ok(EXIT_OK)
            }
            (Some(env), false) => cost(&cli.global, env, *json, prices.as_deref(), &overrides),
            (None, false) => Err(Failure::Usage("`mrgen cost` needs ENV or `--print-prices`".into())),
        },
        Command::Graph { env, format } => {
            let Some(Valid { plan, .. }) = valid(&cli.global, env, &overrides)? else {
                return Ok(EXIT_INVALID);
            };
            let text = match format {
                GraphFormat::Mermaid => plan::show::mermaid(&plan),
                GraphFormat::Dot => plan::show::dot(&plan),
            };
            say(&cli.global, &text)?;
            Ok(EXIT_OK)
        }
    }
}

/// A command's own output: stdout, unless stdout is reserved for `--diagnostics json`.
fn say(g: &Global, text: &str) -> Result<(), Failure> {
    if g.diagnostics == DiagnosticsFormat::Json {
        let _ = std::io::stderr().write_all(text.as_bytes());
        Ok(())
    } else {
        print_stdout(text)
    }
}

/// `mrgen cost ENV`: the estimate is printed when the only errors are MR602's (the estimate
/// above the hard cap is what the user came to read), with exit 1 then.
fn cost(
    g: &Global,
    env: &str,
    as_json: bool,
    prices: Option<&Path>,
    overrides: &[ContextOverride],
) -> Result<u8, Failure> {
    let table = match prices {
        None => crate::aws::prices::Prices::compiled(),
        Some(path) => {
            let bytes = read_limited(path)?;
            let shown = path.display().to_string();
            let file = crate::cost::file::parse(&bytes, &shown).map_err(|p| Failure::Usage(p.0))?;
            crate::aws::prices::Prices::with_file(file, &shown)
        }
    };
    // MR602 reads the same prices as the estimate printed, and does not stop it.
    let Some(Valid { model, plan, exit, .. }) = checked_plan(g, env, overrides, &table, Some(RuleId::MR602))? else {
        return Ok(EXIT_INVALID);
    };
    let estimate = crate::cost::estimate(&model, &plan, &table);
    let text = if as_json {
        crate::cost::text::json(&estimate, model.budget.as_ref())
    } else {
        crate::cost::text::render(&estimate, model.budget.as_ref())
    };
    say(g, &text)?;
    Ok(exit)
}

/// Checks one environment, reports its diagnostics, and builds the plan when it is valid.
fn valid(g: &Global, env: &str, overrides: &[ContextOverride]) -> Result<Option<Valid>, Failure> {
    checked_plan(g, env, overrides, &crate::aws::prices::Prices::compiled(), None)
}

/// An environment that nothing stops: its model and plan, the exit status all its findings
/// give, and the text they come from.
struct Valid {
    model: Environment,
    plan: plan::Plan,
    exit: u8,
    source: Option<String>,
}

/// Checks one environment (MR602 reading `prices`), reports its diagnostics, and builds the plan
/// when nothing but `tolerated`'s findings stands in the way.
fn checked_plan(
    g: &Global,
    env: &str,
    overrides: &[ContextOverride],
    prices: &crate::aws::prices::Prices,
    tolerated: Option<RuleId>,
) -> Result<Option<Valid>, Failure> {
    let checked = load_and_check_priced(g, env, overrides, prices)?;
    // JSON diagnostics are always printed (an empty array included); the others only when there
    // is something to say.
    if g.diagnostics == DiagnosticsFormat::Json || !checked.diagnostics.is_empty() {
        report(g, &[&checked])?;
    }
    let blocking = checked.diagnostics.iter().filter(|d| Some(d.rule) != tolerated);
    if status(blocking, g.deny_warnings) != EXIT_OK {
        return Ok(None);
    }
    let exit = status(&checked.diagnostics, g.deny_warnings);
    match (checked.env, checked.plan) {
        (Some(model), Some(plan)) => Ok(Some(Valid {
            model,
            plan,
            exit,
            source: checked.source,
        })),
        _ => Err(Failure::Internal(format!(
            "`{env}` has no error, yet no plan was built from it"
        ))),
    }
}

/// Normalises a path that may not exist yet: the canonical form of its nearest existing
/// ancestor, with the rest appended.
fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an `--out` that the swap would replace wholesale: `/`, the home folder, the
/// environment folder, or a folder that contains it.
fn safe_target(out: &Path, env_dir: &Path) -> Result<(), Failure> {
    let out_abs = absolute(out);
    let env_abs = absolute(env_dir);
    let home = std::env::var_os("HOME").map(|h| absolute(Path::new(&h)));
    let why = if out_abs.parent().is_none() {
        Some("the root folder")
    } else if home.as_ref().is_some_and(|h| *h == out_abs) {
        Some("the home folder")
    } else if env_abs == out_abs {
        Some("the environment folder")
    } else if env_abs.starts_with(&out_abs) {
        Some("a folder that contains the environment folder")
    } else {
        None
    };
    match why {
        Some(w) => Err(Failure::Usage(format!(
            "refusing to write to `{}`: it is {w}, and rendering replaces its contents; choose another --out",
            out.display()
        ))),
        None => Ok(()),
    }
}

/// What `render` writes: which formats, how CloudFormation reads other stacks' values, and the
/// Terraform layout.
struct Formats {
    format: RenderFormat,
    refs: crate::cli::CfnReferences,
    layout: render::tf::Layout,
}

/// Refuses to render a Terraform layout into a folder that holds the other layout's state
/// (SPEC section 5.5): applying the new layout would try to create again what that state
/// tracks. Checked before anything is written.
fn layout_guard(out: &Path, env: &str, layout: render::tf::Layout, state: &output::TfState) -> Result<(), Failure> {
    let tf = out.join("terraform").display().to_string();
    let message = match layout {
        render::tf::Layout::Stacks if !state.single.is_empty() => format!(
            "refusing to render the stacks Terraform layout into `{out}`: it holds the single root module's state ({found}), \
             and the stacks would create every resource it tracks again, each in a new state.\n\
             Keep the single module:  mrgen render {env} --terraform-layout single\n\
             or move the state first. Resources have the same addresses in both layouts: for each stack folder S and each resource address A in it,\n\
             \x20 terraform -chdir={tf} state mv -state-out=S/terraform.tfstate A A\n\
             (with a remote backend: `terraform state pull` the single state, move the addresses between local files with -state and -state-out, \
             and `terraform state push` each stack's), then remove {tf}/terraform.tfstate* and {tf}/.terraform/ and render again.",
            out = out.display(),
            found = state.single.join(", ")
        ),
        render::tf::Layout::Single if !state.stacks.is_empty() => format!(
            "refusing to render the single Terraform layout into `{out}`: it holds the states of the stacks' root modules ({found}), \
             and the single module would create every resource they track again, in a new state.\n\
             Keep the stacks:  mrgen render {env} --terraform-layout stacks   (the default)\n\
             or move the states first. Resources have the same addresses in both layouts: for each stack folder S and each resource address A in it,\n\
             \x20 terraform -chdir={tf}/S state mv -state-out=../terraform.tfstate A A\n\
             (with a remote backend: `terraform state pull` and `terraform state push`), then remove each S/terraform.tfstate* and S/.terraform/ and render again.",
            out = out.display(),
            found = state.stacks.join(", ")
        ),
        render::tf::Layout::Stacks | render::tf::Layout::Single => return Ok(()),
    };
    Err(Failure::Usage(message))
}

fn render(
    g: &Global,
    env: &str,
    formats: Formats,
    out: Option<&Path>,
    check: bool,
    overrides: &[ContextOverride],
) -> Result<u8, Failure> {
    let Formats { format, refs, layout } = formats;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| Path::new("out").join(env));
    let env_folder = match &g.file {
        Some(f) => f.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => g.env_dir.clone(),
    };
    // Validation first: an unusable ENV is MR701 before any path is looked at.
    let Some(Valid {
        model, plan, source, ..
    }) = valid(g, env, overrides)?
    else {
        return Ok(EXIT_INVALID);
    };
    safe_target(&out, &env_folder)?;
    let owned = output::Owned {
        cloudformation: format != RenderFormat::Terraform,
        terraform: format != RenderFormat::Cloudformation,
    };
    // One listing of what --out holds (the folder it names, when it is a link), for the guard,
    // the stamp and the write.
    // A link that does not resolve is the write's to report.
    let target = output::resolve(&out).unwrap_or_else(|_| out.clone());
    let listing = output::list(&target, owned);
    if owned.terraform {
        layout_guard(&out, env, layout, &listing.terraform_state)?;
    }
    let refs = match refs {
        crate::cli::CfnReferences::Parameters => render::CfnReferences::Parameters,
        crate::cli::CfnReferences::GetStackOutput => render::CfnReferences::GetStackOutput,
    };
    // What the files are a function of (besides mrgen itself): the stamp's input.
    let input = source.and_then(|text| {
        let options = format!("{format:?} {refs:?} {layout:?}");
        let mut parts = vec![env.as_bytes(), text.as_bytes(), options.as_bytes()];
        parts.extend(g.context.iter().map(|c| c.as_bytes()));
        output::Input::of(&parts)
    });
    if let (false, Some(input)) = (check, input) {
        if let Some(n) = listing.stamped(&target, input) {
            output::tidy(&target);
            say_up_to_date(g, &out, n);
            leave((model, plan));
            return Ok(EXIT_OK);
        }
    }
    let (files, ahead) = render_files(&model, &plan, owned, layout, refs, Some((&target, listing)))?;
    if check {
        let st = output::check(&target, &files, owned, ahead)
            .map_err(|e| Failure::Io(format!("cannot read `{}`: {e}", out.display())))?;
        let list: String = st.lines.iter().map(|l| format!("{l}\n")).collect();
        if g.diagnostics == DiagnosticsFormat::Json {
            let _ = std::io::stderr().write_all(list.as_bytes());
        } else {
            print_stdout(&list)?;
        }
        let _ = std::io::stderr().write_all(st.diff.as_bytes());
        if st.lines.is_empty() {
            return Ok(EXIT_OK);
        }
        let _ = writeln!(
            std::io::stderr(),
            "{} is stale: run `mrgen render {env} --out {}` and commit the result",
            out.display(),
            out.display()
        );
        return Ok(EXIT_INVALID);
    }
    match output::write_stamped(&target, &files, owned, input, ahead).map_err(|e| Failure::Io(e.0))? {
        output::Written::Replaced if g.diagnostics == DiagnosticsFormat::Human => {
            let line = format!("wrote {} files to {}\n", files.len(), out.display());
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
        output::Written::Replaced => {}
        output::Written::UpToDate => say_up_to_date(g, &out, files.len()),
    }
    leave((model, plan, files));
    Ok(EXIT_OK)
}

/// Leaves `v` to the end of the process, which is near: nothing of it needs dropping (no file
/// to flush, no lock to release), and freeing a render's thousands of allocations one by one
/// took 0.3 to 0.5 ms of it.
fn leave<T>(v: T) {
    std::mem::forget(v);
}

fn say_up_to_date(g: &Global, out: &Path, n: usize) {
    if g.diagnostics == DiagnosticsFormat::Human {
        let line = format!("{} is up to date ({n} files): nothing written\n", out.display());
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

/// The files of a valid plan, and a [`output::Snapshot`] of the folder `read` lists when it is
/// given. A renderer that fails has met a plan it cannot express: a bug in mrgen, reported as an
/// internal error.
fn render_files(
    model: &Environment,
    plan: &plan::Plan,
    owned: output::Owned,
    layout: render::tf::Layout,
    refs: render::CfnReferences,
    read: Option<(&Path, output::Listing)>,
) -> Result<(Vec<render::File>, Option<output::Snapshot>), Failure> {
    // The runbook and a read of what `--out` holds are independent of the backends: they share
    // the render's two threads.
    let (mut book, mut ahead) = (Vec::new(), None);
    let mut files = render::render_beside(
        plan,
        owned.cloudformation,
        owned.terraform.then_some(layout),
        refs,
        vec![
            // Every format writes the runbook (SPEC section 2).
            Box::new(|| book = runbook::files(&runbook::build(model, plan))),
            Box::new({
                let ahead = &mut ahead;
                move || *ahead = read.and_then(|(out, listing)| listing.snapshot(out))
            }),
        ],
    )
    .map_err(|e| Failure::Internal(format!("cannot render {}: {e}", plan.environment)))?;
    files.extend(book);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, ahead))
}

fn parse_overrides(g: &Global) -> Result<Vec<ContextOverride>, Failure> {
    g.context
        .iter()
        .map(|c| model::parse_context(c).map_err(|e| Failure::Usage(format!("malformed --context: {e}"))))
        .collect()
}

fn print_stdout(s: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        // A reader that has read enough (`| head`) is no failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Failure::Io(format!("cannot write to stdout: {e}"))),
    }
}

/// Environment files under the env dir, by name: `<ENV>` → the files found for it.
fn env_files(dir: &Path) -> Result<BTreeMap<String, Vec<PathBuf>>, Failure> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        Failure::Usage(format!(
            "cannot read the environment folder `{}`: {e} (use --env-dir or --file)",
            dir.display()
        ))
    })?;
    let mut map: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in rd.flatten() {
        let p = entry.path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !matches!(ext, "yaml" | "yml" | "json") || !p.is_file() {
            continue;
        }
        if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
            map.entry(stem.to_string()).or_default().push(p.clone());
        }
    }
    for v in map.values_mut() {
        v.sort();
    }
    Ok(map)
}

/// Finds the file of one environment (ENV has passed MR701 already).
pub fn locate(g: &Global, env: &str) -> Result<PathBuf, Failure> {
    if let Some(f) = &g.file {
        if !f.is_file() {
            return Err(Failure::Usage(format!("--file `{}` does not exist", f.display())));
        }
        return Ok(f.clone());
    }
    let files = env_files(&g.env_dir)?;
    match files.get(env).map(Vec::as_slice) {
        Some([one]) => Ok(one.clone()),
        Some(many) => Err(Failure::Usage(format!(
            "environment `{env}` has several files: {}; keep one",
            many.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        None => {
            let known: Vec<&str> = files.keys().map(String::as_str).collect();
            let dym = crate::suggest::did_you_mean(env, known.iter().copied());
            Err(Failure::Usage(format!(
                "unknown environment `{env}`: no {0}/{env}.yaml, .yml or .json; {1}{2}",
                g.env_dir.display(),
                if known.is_empty() {
                    "the folder holds no environment files".to_string()
                } else {
                    format!("known: {}", known.join(", "))
                },
                if dym.is_empty() {
                    String::new()
                } else {
                    format!("; {dym}")
                }
            )))
        }
    }
}

/// Reads and checks one environment. `Err` for usage and I/O failures.
pub fn load_and_check(g: &Global, env: &str, overrides: &[ContextOverride]) -> Result<Checked, Failure> {
    load_and_check_priced(g, env, overrides, &crate::aws::prices::Prices::compiled())
}

/// [`load_and_check`], with MR602 reading `prices`.
fn load_and_check_priced(
    g: &Global,
    env: &str,
    overrides: &[ContextOverride],
    prices: &crate::aws::prices::Prices,
) -> Result<Checked, Failure> {
    if let Some(d) = check::env_name_problem(env) {
        return Ok(Checked {
            diagnostics: vec![d],
            env: None,
            plan: None,
            source: None,
        });
    }
    let path = locate(g, env)?;
    let bytes = read_limited(&path)?;
    Ok(check::check_priced(
        env,
        &path.display().to_string(),
        &bytes,
        overrides,
        prices,
    ))
}

/// Reads a file, but never more than a little past the size limit (a 5 GB file must not be
/// read whole to be refused).
fn read_limited(path: &Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| Failure::Io(format!("cannot read `{}`: {e}", path.display())))?;
    let mut buf = Vec::new();
    f.take(crate::load::MAX_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::Io(format!("cannot read `{}`: {e}", path.display())))?;
    Ok(buf)
}

/// Prints a run's diagnostics in the chosen style.
pub fn report(g: &Global, checks: &[&Checked]) -> Result<(), Failure> {
    let all: Vec<Diagnostic> = checks.iter().flat_map(|c| c.diagnostics.iter().cloned()).collect();
    match g.diagnostics {
        DiagnosticsFormat::Json => print_stdout(&diagnostics::json(&all)),
        DiagnosticsFormat::Github => print_stdout(&diagnostics::github(&all)),
        DiagnosticsFormat::Human => {
            let mut sources = BTreeMap::new();
            for c in checks {
                if let (Some(text), Some(d)) = (&c.source, c.diagnostics.first()) {
                    sources.insert(d.file.clone(), text.clone());
                }
            }
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let _ = std::io::stderr().write_all(diagnostics::human(&all, &sources, color).as_bytes());
            Ok(())
        }
    }
}

/// The status a set of diagnostics earns.
pub fn status<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, deny_warnings: bool) -> u8 {
    let failing = diags
        .into_iter()
        .any(|d| d.severity == Severity::Error || deny_warnings);
    if failing {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

fn validate(g: &Global, envs: &[String], overrides: &[ContextOverride]) -> Result<u8, Failure> {
    let names: Vec<String> = if envs.is_empty() {
        if g.file.is_some() {
            return Err(Failure::Usage(
                "--file needs an ENV to name the environment: `mrgen validate ENV --file PATH`".into(),
            ));
        }
        let found = env_files(&g.env_dir)?;
        if found.is_empty() {
            return Err(Failure::Usage(format!(
                "no environment files (*.yaml, *.yml, *.json) in `{}`",
                g.env_dir.display()
            )));
        }
        found.into_keys().collect()
    } else {
        envs.to_vec()
    };
    let mut results = Vec::new();
    for name in &names {
        results.push((name.clone(), load_and_check(g, name, overrides)?));
    }
    let checks: Vec<&Checked> = results.iter().map(|(_, c)| c).collect();
    report(g, &checks)?;
    let code = status(checks.iter().flat_map(|c| &c.diagnostics), g.deny_warnings);
    if g.diagnostics == DiagnosticsFormat::Human {
        let mut err = std::io::stderr();
        for (name, c) in &results {
            if c.diagnostics.is_empty() {
                if let Some(env) = &c.env {
                    let regions: Vec<&str> = env.regions.iter().map(|r| r.code.as_str()).collect();
                    let _ = writeln!(err, "ok: {name} is valid ({})", regions.join(", "));
                }
            }
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests;
