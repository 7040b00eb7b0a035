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
    let mut files = Vec::new();
    if cloudformation {
        files.extend(cloudformation_files(plan, refs));
    }
    if let Some(layout) = terraform {
        files.extend(terraform_files(plan, layout)?);
    }
    if cloudformation || terraform.is_some() {
        files.extend(kubernetes::render(plan));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The CloudFormation templates, the manifest and the deploy script.
pub fn cloudformation_files(plan: &crate::plan::Plan, refs: CfnReferences) -> Vec<File> {
    // The manifest and the script say which templates are too big to send directly.
    let templates = cfn::render(plan, refs);
    let mut files = Vec::with_capacity(templates.len() + 2);
    files.push(manifest::render(plan, refs, &templates));
    files.push(deploy::render(plan, refs, &templates));
    files.extend(templates);
    files
}

/// The Terraform files in `layout`; an error is a plan the templates cannot express.
pub fn terraform_files(plan: &crate::plan::Plan, layout: tf::Layout) -> Result<Vec<File>, String> {
    tf::try_render(plan, layout).map_err(|e| e.to_string())
}
