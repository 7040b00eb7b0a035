//! The cross-region dashboard's contents: its widgets, laid out in the plan, and the one JSON
//! document both backends write from them ([`body`]).
//!
//! CloudFormation takes the body as a JSON string and Terraform as `jsonencode(…)` of an
//! object; both are written from the same [`Doc`], whose objects keep their keys sorted, which
//! is the order `jsonencode` writes them in, so the two backends give the same body. The few
//! values that only exist once another stack is deployed (a load balancer's full name, a
//! health check's id) are plan values ([`V`]) in the document; everything else is literal.
//!
//! The layout follows CloudWatch's dashboard grid: 24 units wide, widgets placed by `x`, `y`,
//! `width` and `height` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).

use super::values::V;
use std::collections::BTreeMap;

/// The width of CloudWatch's dashboard grid.
pub const GRID_WIDTH: i64 = 24;
/// The narrowest region column: more regions than fit at this width wrap onto further rows.
pub const MIN_COLUMN_WIDTH: i64 = 4;
/// The height of a metric widget.
pub const WIDGET_HEIGHT: i64 = 6;

/// A JSON document whose leaves are plan values: literals, or references a backend resolves.
/// Objects keep their keys sorted.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    Leaf(V),
    List(Vec<Doc>),
    Map(BTreeMap<String, Doc>),
}

impl Doc {
    fn s(x: impl Into<String>) -> Doc {
        Doc::Leaf(V::s(x))
    }
    fn int(i: i64) -> Doc {
        Doc::Leaf(V::Int(i))
    }
    fn map<const N: usize>(entries: [(&str, Doc); N]) -> Doc {
        Doc::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
}

/// One line of a metric widget: a metric by its dimensions, in its own region.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetMetric {
    pub namespace: String,
    pub name: String,
    pub dimensions: Vec<(String, V)>,
    /// The region the metric is published in (Route 53's in us-east-1, whatever the column).
    pub region: String,
    /// The legend's text; `None` leaves CloudWatch's own (the metric's name).
    pub label: Option<String>,
    /// The statistic, where it is not the widget's.
    pub stat: Option<String>,
    /// Drawn against the right axis (a second unit in one graph).
    pub right_axis: bool,
}

/// What a widget shows.
#[derive(Clone, Debug, PartialEq)]
pub enum WidgetBody {
    /// Markdown text.
    Text { markdown: String },
    /// A time series graph of metrics.
    Metrics {
        title: String,
        /// The region the graph is drawn for (its metrics' region).
        region: String,
        stat: String,
        period: i64,
        metrics: Vec<WidgetMetric>,
    },
}

/// A widget and its place on the grid. A metric widget is a time series graph, not stacked
/// (the defaults of its `view` and `stacked` properties, so neither is written).
#[derive(Clone, Debug, PartialEq)]
pub struct Widget {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub body: WidgetBody,
}

impl WidgetMetric {
    /// `[namespace, metric, dimension name, value, …, {rendering properties}]`.
    fn doc(&self) -> Doc {
        let mut line = vec![Doc::s(&self.namespace), Doc::s(&self.name)];
        for (name, value) in &self.dimensions {
            line.push(Doc::s(name));
            line.push(Doc::Leaf(value.clone()));
        }
        let mut options = BTreeMap::new();
        if let Some(label) = &self.label {
            options.insert("label".to_string(), Doc::s(label));
        }
        options.insert("region".to_string(), Doc::s(&self.region));
        if let Some(stat) = &self.stat {
            options.insert("stat".to_string(), Doc::s(stat));
        }
        if self.right_axis {
            options.insert("yAxis".to_string(), Doc::s("right"));
        }
        line.push(Doc::Map(options));
        Doc::List(line)
    }
}

impl Widget {
    fn doc(&self) -> Doc {
        let (kind, properties) = match &self.body {
            WidgetBody::Text { markdown } => ("text", Doc::map([("markdown", Doc::s(markdown))])),
            WidgetBody::Metrics {
                title,
                region,
                stat,
                period,
                metrics,
            } => (
                "metric",
                Doc::map([
                    ("metrics", Doc::List(metrics.iter().map(WidgetMetric::doc).collect())),
                    ("period", Doc::int(*period)),
                    ("region", Doc::s(region)),
                    ("stat", Doc::s(stat)),
                    ("title", Doc::s(title)),
                ]),
            ),
        };
        Doc::map([
            ("height", Doc::int(self.height)),
            ("properties", properties),
            ("type", Doc::s(kind)),
            ("width", Doc::int(self.width)),
            ("x", Doc::int(self.x)),
            ("y", Doc::int(self.y)),
        ])
    }
}

/// A dashboard's body (`DashboardBody`) with `widgets`, as one document for both backends.
pub fn body(widgets: &[Widget]) -> Doc {
    Doc::map([("widgets", Doc::List(widgets.iter().map(Widget::doc).collect()))])
}

/// Lays out rows of per-region widgets on the grid: below a header of `header_height`, one
/// column per region (as wide as 24 units share among the regions, at least
/// [`MIN_COLUMN_WIDTH`]; more regions wrap onto further lines of the same row). `rows` holds,
/// per row, one widget body per region in the environment's order, `None` where a region has
/// nothing to show there.
pub fn grid(regions: usize, header_height: i64, rows: Vec<Vec<Option<WidgetBody>>>) -> Vec<Widget> {
    let n = i64::try_from(regions.max(1)).unwrap_or(i64::MAX);
    let width = (GRID_WIDTH / n).max(MIN_COLUMN_WIDTH);
    let per_line = GRID_WIDTH / width;
    let lines = (n + per_line - 1) / per_line;
    let mut widgets = Vec::new();
    for (r, row) in rows.into_iter().enumerate() {
        let top = header_height + i64::try_from(r).unwrap_or(0) * lines * WIDGET_HEIGHT;
        for (i, body) in row.into_iter().enumerate() {
            let Some(body) = body else { continue };
            let i = i64::try_from(i).unwrap_or(0);
            widgets.push(Widget {
                x: (i % per_line) * width,
                y: top + (i / per_line) * WIDGET_HEIGHT,
                width,
                height: WIDGET_HEIGHT,
                body,
            });
        }
    }
    widgets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Option<WidgetBody> {
        Some(WidgetBody::Text { markdown: s.into() })
    }

    #[test]
    fn columns_share_the_grid_and_wrap_past_six_regions() {
        let two = grid(2, 2, vec![vec![text("a"), text("b")], vec![None, text("d")]]);
        let places: Vec<(i64, i64, i64)> = two.iter().map(|w| (w.x, w.y, w.width)).collect();
        assert_eq!(places, [(0, 2, 12), (12, 2, 12), (12, 8, 12)]);
        let seven = grid(7, 0, vec![(0..7).map(|_| text("x")).collect(), vec![text("y")]]);
        assert!(seven
            .iter()
            .all(|w| w.width == MIN_COLUMN_WIDTH && w.x + w.width <= GRID_WIDTH));
        // The seventh region wraps to a second line; the next row starts below both lines.
        assert_eq!((seven[6].x, seven[6].y), (0, WIDGET_HEIGHT));
        assert_eq!(seven[7].y, 2 * WIDGET_HEIGHT);
    }

    #[test]
    fn the_body_keeps_keys_sorted_and_values_as_plan_values() {
        let widgets = grid(
            1,
            0,
            vec![vec![Some(WidgetBody::Metrics {
                title: "t".into(),
                region: "us-east-1".into(),
                stat: "Minimum".into(),
                period: 60,
                metrics: vec![WidgetMetric {
                    namespace: "AWS/Route53".into(),
                    name: "HealthCheckStatus".into(),
                    dimensions: vec![("HealthCheckId".into(), V::p("HealthCheckIdApne1"))],
                    region: "us-east-1".into(),
                    label: None,
                    stat: None,
                    right_axis: false,
                }],
            })]],
        );
        let Doc::Map(top) = body(&widgets) else {
            panic!("an object")
        };
        let Some(Doc::List(widgets)) = top.get("widgets") else {
            panic!("widgets")
        };
        let Doc::Map(w) = &widgets[0] else { panic!("a widget") };
        let keys: Vec<&str> = w.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["height", "properties", "type", "width", "x", "y"]);
        let Some(Doc::Map(p)) = w.get("properties") else {
            panic!("properties")
        };
        let Some(Doc::List(metrics)) = p.get("metrics") else {
            panic!("metrics")
        };
        let Doc::List(line) = &metrics[0] else {
            panic!("a metric")
        };
        assert_eq!(line[3], Doc::Leaf(V::p("HealthCheckIdApne1")));
    }
}
