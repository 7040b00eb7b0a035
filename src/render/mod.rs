//! Plan → files. Each backend turns the plan into files in memory; `output` writes them (or
//! compares them with what is on disk). Nothing here reads the environment file.

pub mod cfn;
pub mod checkov;
pub mod deploy;
pub mod kubernetes;
pub mod manifest;
pub mod tf;

/// One rendered file, with its path relative to `--out` (`/`-separated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
    pub executable: bool,
}

impl File {
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> File {
        File {
            path: path.into(),
            contents: contents.into(),
            executable: false,
        }
    }
}

/// How CloudFormation templates get values from other stacks (SPEC section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CfnReferences {
    /// Template parameters, fed by `deploy.sh` from earlier stacks' outputs (works everywhere).
    #[default]
    Parameters,
    /// CloudFormation's native `Fn::GetStackOutput` (cross-stack, cross-region).
    GetStackOutput,
}

/// What `render` produces for a format, Terraform in its default layout (one root module per
/// stack). An error is a bug in mrgen (a plan the Terraform templates cannot express), reported
/// as an internal error.
pub fn render(
    plan: &crate::plan::Plan,
    cloudformation: bool,
    terraform: bool,
    refs: CfnReferences,
) -> Result<Vec<File>, String> {
    render_with(plan, cloudformation, terraform.then_some(tf::Layout::default()), refs)
}

/// [`render`], with Terraform (when `terraform` is given) in that layout.
pub fn render_with(
    plan: &crate::plan::Plan,
    cloudformation: bool,
    terraform: Option<tf::Layout>,
    refs: CfnReferences,
) -> Result<Vec<File>, String> {
    let mut files = render_beside(plan, cloudformation, terraform, refs, Vec::new())?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// [`render_with`], with `beside`: the caller's own work, independent of the render's, run with
/// it on the same two threads (`crate::parallel`): each backend and the bindings are a task.
/// The files come unsorted: the caller sorts once it has added its own.
pub fn render_beside(
    plan: &crate::plan::Plan,
    cloudformation: bool,
    terraform: Option<tf::Layout>,
    refs: CfnReferences,
    beside: Vec<crate::parallel::Task<'_>>,
) -> Result<Vec<File>, String> {
    let (mut cfn, mut tf, mut bindings) = (Vec::new(), Ok(Vec::new()), Vec::new());
    let mut tasks: Vec<crate::parallel::Task> = vec![
        Box::new(|| {
            if let Some(layout) = terraform {
                tf = tf::try_render(plan, layout).map_err(|e| e.to_string());
            }
        }),
        Box::new(|| {
            if cloudformation {
                // The manifest and the script say which templates are too big to send directly.
                let templates = cfn::render(plan, refs);
                cfn.push(manifest::render(plan, refs, &templates));
                cfn.push(deploy::render(plan, refs, &templates));
                cfn.extend(templates);
            }
        }),
        Box::new(|| {
            if cloudformation || terraform.is_some() {
                bindings = kubernetes::render(plan);
            }
        }),
    ];
    tasks.extend(beside);
    crate::parallel::run_all(tasks);
    let mut files = cfn;
    files.extend(tf?);
    files.extend(bindings);
    Ok(files)
}
