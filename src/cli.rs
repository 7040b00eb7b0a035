//! The command line (SPEC section 2): clap types only. `run` turns them into actions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mrgen",
    version,
    about = "Validate a multi-region environment file and render its CloudFormation and Terraform",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Folder holding `<ENV>.yaml`, `.yml` or `.json`.
    #[arg(long, global = true, value_name = "DIR", default_value = "environments")]
    pub env_dir: PathBuf,
    /// Read this file instead of looking ENV up (ENV still names the environment).
    #[arg(long, global = true, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Override one value, as `cdk --context` does: `prefix:section[.key]…=VALUE` (VALUE read as JSON when it parses, else a string). Repeatable.
    #[arg(short = 'c', long = "context", global = true, value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// How to print problems.
    #[arg(long, global = true, value_enum, default_value_t = DiagnosticsFormat::Human)]
    pub diagnostics: DiagnosticsFormat,
    /// Treat warnings as errors (exit 1).
    #[arg(long, global = true)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticsFormat {
    Human,
    Json,
    Github,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check environments (all under --env-dir when none is named).
    Validate {
        /// Environment names.
        #[arg(value_name = "ENV")]
        envs: Vec<String>,
    },
    /// Write the templates (CloudFormation stacks, manifest and deploy script; Terraform modules) and the runbook.
    Render {
        /// Environment name.
        #[arg(value_name = "ENV")]
        env: String,
        /// Which output to write.
        #[arg(long, value_enum, default_value_t = RenderFormat::All)]
        format: RenderFormat,
        /// Output folder (default `out/<ENV>`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Compare with --out instead of writing: exit 1 and list the files when they differ.
        #[arg(long)]
        check: bool,
        /// How CloudFormation stacks read other stacks' outputs.
        #[arg(long, value_enum, default_value_t = CfnReferences::Parameters)]
        cfn_references: CfnReferences,
        /// One Terraform root module per stack (terraform/<stack>/, with terraform/apply.sh), or one for the whole environment.
        #[arg(long, value_enum, default_value_t = TerraformLayout::Stacks)]
        terraform_layout: TerraformLayout,
    },
    /// Show the stacks in deploy order: name, region, layer, depends-on, wave, resource count.
    Plan {
        /// Environment name.
        #[arg(value_name = "ENV")]
        env: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the DR runbook: switchover, failover and failback to each region, and a drill.
    Runbook {
        /// Environment name.
        #[arg(value_name = "ENV")]
        env: String,
        #[arg(long, value_enum, default_value_t = RunbookFormat::Text)]
        format: RunbookFormat,
    },
    /// Print the monthly cost estimate per region and component, against the budget.
    Cost {
        /// Environment name.
        #[arg(value_name = "ENV", required_unless_present = "print_prices")]
        env: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// A price table (JSON or YAML, the shape `--print-prices` writes) whose entries win over the compiled prices.
        #[arg(long, value_name = "FILE")]
        prices: Option<PathBuf>,
        /// Print the compiled price table and exit.
        #[arg(long, conflicts_with_all = ["env", "json", "prices"])]
        print_prices: bool,
    },
    /// Draw the stack and replication topology.
    Graph {
        /// Environment name.
        #[arg(value_name = "ENV")]
        env: String,
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Print the JSON Schema of environment files.
    Schema,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    Cloudformation,
    Terraform,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CfnReferences {
    /// Template parameters fed from earlier stacks' outputs (works with any deployment tool).
    Parameters,
    /// CloudFormation's native `Fn::GetStackOutput` lookups.
    GetStackOutput,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TerraformLayout {
    /// One root module per manifest stack, each with its own state.
    Stacks,
    /// One root module, an aliased provider per region.
    Single,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RunbookFormat {
    /// The steps for a person to read.
    Text,
    /// `runbook/runbook.json`.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}
