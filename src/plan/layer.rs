//! The one table of layers (SPEC section 5). Each row says everything mrgen derives from a layer:
//! its name (stack names, the manifest, `plan`), its place in the deploy order (the row's
//! position), the Terraform file its resources go to in the single-module layout (none for a
//! layer the Terraform provider has no type for), the section of
//! the environment file its names are reported at (MR702), and the cross-region link `graph`
//! draws between its stacks. A new layer is one variant, one row and one builder file.

use std::fmt;

/// The layers, in their order within a wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Network,
    Peering,
    PeeringRoutes,
    Storage,
    Aurora,
    Redis,
    Msk,
    MskReplication,
    Eks,
    Ingress,
    Dns,
    Monitoring,
    Recovery,
}

/// How `graph` draws a link between two regions' stacks of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkStyle {
    pub label: &'static str,
    /// Mermaid: a dotted line (`-.-`) or a thick arrow (`==>`).
    pub mermaid: &'static str,
    /// Graphviz edge attributes.
    pub dot: &'static str,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    pub layer: Layer,
    pub name: &'static str,
    /// The file of the single Terraform root module that holds the layer's resources; `None`
    /// where the hashicorp/aws provider mrgen targets has no type for them (the layer is
    /// CloudFormation's only, and Terraform renders no module for its stacks).
    pub tf_file: Option<&'static str>,
    /// The environment file's section that names of this layer are reported at.
    pub section: &'static str,
    /// The cross-region link drawn between this layer's stacks, if any.
    pub link: Option<LinkStyle>,
}

const REPLICATION: &str = "==>";

/// The layers in deploy order within a wave; `Layer as usize` indexes it (a test checks).
pub const LAYERS: [LayerInfo; 13] = [
    LayerInfo {
        layer: Layer::Network,
        name: "network",
        tf_file: Some("network.tf"),
        section: "regions",
        link: Some(LinkStyle {
            label: "VPC peering",
            mermaid: "-.-",
            dot: "style=dashed, dir=none, color=gray40",
        }),
    },
    LayerInfo {
        layer: Layer::Peering,
        name: "peering",
        tf_file: Some("peering.tf"),
        section: "regions",
        link: None,
    },
    LayerInfo {
        layer: Layer::PeeringRoutes,
        name: "peering-routes",
        tf_file: Some("peering.tf"),
        section: "regions",
        link: None,
    },
    LayerInfo {
        layer: Layer::Storage,
        name: "storage",
        tf_file: Some("storage.tf"),
        section: "storage",
        link: Some(LinkStyle {
            label: "S3 replication",
            mermaid: REPLICATION,
            dot: "style=bold, color=orange",
        }),
    },
    LayerInfo {
        layer: Layer::Aurora,
        name: "aurora",
        tf_file: Some("aurora.tf"),
        section: "aurora",
        link: Some(LinkStyle {
            label: "Aurora Global Database",
            mermaid: REPLICATION,
            dot: "style=bold, color=blue",
        }),
    },
    LayerInfo {
        layer: Layer::Redis,
        name: "redis",
        tf_file: Some("redis.tf"),
        section: "redis",
        link: Some(LinkStyle {
            label: "Global Datastore",
            mermaid: REPLICATION,
            dot: "style=bold, color=red",
        }),
    },
    LayerInfo {
        layer: Layer::Msk,
        name: "msk",
        tf_file: Some("msk.tf"),
        section: "msk",
        link: Some(LinkStyle {
            label: "MSK Replicator",
            mermaid: REPLICATION,
            dot: "style=bold, color=darkgreen",
        }),
    },
    LayerInfo {
        layer: Layer::MskReplication,
        name: "msk-replication",
        tf_file: Some("msk.tf"),
        section: "msk",
        link: None,
    },
    LayerInfo {
        layer: Layer::Eks,
        name: "eks",
        tf_file: Some("eks.tf"),
        section: "eks",
        link: None,
    },
    LayerInfo {
        layer: Layer::Ingress,
        name: "ingress",
        tf_file: Some("ingress.tf"),
        section: "ingress",
        link: None,
    },
    LayerInfo {
        layer: Layer::Dns,
        name: "dns",
        tf_file: Some("dns.tf"),
        section: "route53",
        link: None,
    },
    LayerInfo {
        layer: Layer::Monitoring,
        name: "monitoring",
        tf_file: Some("monitoring.tf"),
        section: "monitoring",
        link: None,
    },
    // AWS ARC Region switch plans: hashicorp/aws 5.100 has no `aws_arcregionswitch_plan`.
    LayerInfo {
        layer: Layer::Recovery,
        name: "recovery",
        tf_file: None,
        section: "multi-region",
        link: None,
    },
];

impl Layer {
    /// Every layer, in deploy order.
    pub fn all() -> impl Iterator<Item = Layer> {
        LAYERS.iter().map(|l| l.layer)
    }

    pub fn info(self) -> &'static LayerInfo {
        &LAYERS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The single-module Terraform file of the layer's resources (`None`: CloudFormation only).
    pub fn tf_file(self) -> Option<&'static str> {
        self.info().tf_file
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Terraform files of the single root module that hold layers, in deploy order, once each.
pub fn tf_layer_files() -> Vec<&'static str> {
    let mut files: Vec<&'static str> = Vec::new();
    for file in LAYERS.iter().filter_map(|l| l.tf_file) {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_enum_order_and_names_are_unique() {
        for (i, row) in LAYERS.iter().enumerate() {
            assert_eq!(row.layer as usize, i, "{}", row.name);
            assert_eq!(row.layer.info(), row);
        }
        let mut names: Vec<&str> = LAYERS.iter().map(|l| l.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), LAYERS.len());
    }

    #[test]
    fn terraform_files_follow_the_layers() {
        assert_eq!(
            tf_layer_files(),
            [
                "network.tf",
                "peering.tf",
                "storage.tf",
                "aurora.tf",
                "redis.tf",
                "msk.tf",
                "eks.tf",
                "ingress.tf",
                "dns.tf",
                "monitoring.tf"
            ]
        );
    }
}
