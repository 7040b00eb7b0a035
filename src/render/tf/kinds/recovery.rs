//! The `recovery` layer in Terraform: nothing. hashicorp/aws 5.100, the provider mrgen targets,
//! has no resource for an AWS ARC Region switch plan (later releases add
//! `aws_arcregionswitch_plan`), so the plan marks the layer's resources CloudFormation-only and
//! no Terraform module is written for its stacks (README, "Region switch plans").

use super::{arn_only, Block, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Resource, Stack};
use crate::render::tf::Cx;

impl TfKind for RegionSwitchPlan {
    /// The type later providers give it; nothing renders it with 5.100.
    fn tf_type(&self) -> &'static str {
        "aws_arcregionswitch_plan"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, _cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        Err(format!(
            "{}: `{}` is an ARC Region switch plan, which the hashicorp/aws 5.100 provider has no resource for (the plan marks it CloudFormation-only)",
            stack.name, r.id
        ))
    }
}
