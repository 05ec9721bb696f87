//! [`treemap`] and [`sunburst`]: a hierarchy from path columns, values
//! summed at every level.

use std::collections::HashMap;

use super::common::{self, IntoColumns, Options, Table, column_option, option_methods};
use crate::data_array::DataArray;
use crate::error::FigureError;
use crate::figure::Figure;
use crate::layout::Margin;
use crate::trace::{BranchValues, Sunburst, Trace, Treemap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Treemap,
    Sunburst,
}

/// A treemap or sunburst builder; see [`treemap`] and [`sunburst`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HierarchyChart<'a> {
    table: Table<'a>,
    kind: Kind,
    path: Vec<String>,
    values: Option<String>,
    maxdepth: Option<i32>,
    textinfo: Option<String>,
    opts: Options,
}

/// A treemap of `data`: [`path`](HierarchyChart::path) names the columns
/// from the root level down, [`values`](HierarchyChart::values) the
/// numeric column summed into every node (without it, rows are counted).
///
/// Like Plotly Express, each node's id is its path joined with `/`
/// (`"Europe/France"`), its parent the path one level up (`""` for roots),
/// and `branchvalues` is `"total"`: a parent's value is the sum of its
/// subtree. A row whose path has a missing entry stops at the level
/// before it (it counts toward that node); a missing value counts as 0.
///
/// ```
/// use ferrodash_figures::px;
///
/// #[derive(serde::Serialize)]
/// struct Row { region: &'static str, country: &'static str, amount: f64 }
/// let rows = [
///     Row { region: "Europe", country: "France", amount: 3.0 },
///     Row { region: "Europe", country: "Spain", amount: 2.0 },
///     Row { region: "Asia", country: "Japan", amount: 4.0 },
/// ];
/// let fig = px::treemap(&rows).path(["region", "country"]).values("amount").build()?;
/// let v = fig.array_encoding(ferrodash_figures::ArrayEncoding::Json).to_value();
/// assert_eq!(v["data"][0]["ids"][0], "Europe");
/// assert_eq!(v["data"][0]["values"][0], 5);
/// # Ok::<(), ferrodash_figures::FigureError>(())
/// ```
pub fn treemap<'a>(data: impl IntoColumns<'a>) -> HierarchyChart<'a> {
    HierarchyChart {
        table: data.into_columns(),
        kind: Kind::Treemap,
        path: Vec::new(),
        values: None,
        maxdepth: None,
        textinfo: None,
        opts: Options::default(),
    }
}

/// A sunburst of `data`; built like a [`treemap`].
pub fn sunburst<'a>(data: impl IntoColumns<'a>) -> HierarchyChart<'a> {
    HierarchyChart {
        kind: Kind::Sunburst,
        ..treemap(data)
    }
}

/// Parallel sector arrays: ids, labels, parents, values.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Nodes {
    pub(crate) ids: Vec<String>,
    pub(crate) labels: Vec<String>,
    pub(crate) parents: Vec<String>,
    pub(crate) values: Vec<f64>,
    depths: Vec<usize>,
}

/// One sector while rows are aggregated.
struct Node {
    id: String,
    label: String,
    parent: String,
    value: f64,
    depth: usize,
}

/// Aggregates rows into nodes at every level of `path`, roots first.
pub(crate) fn aggregate(path: &[Vec<Option<String>>], values: &[f64]) -> Nodes {
    let mut found: Vec<Node> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (row, &value) in values.iter().enumerate() {
        let value = if value.is_finite() { value } else { 0.0 };
        let mut parent = String::new();
        for (depth, level) in path.iter().enumerate() {
            let Some(label) = level.get(row).cloned().flatten() else {
                break;
            };
            let id = if depth == 0 {
                label.clone()
            } else {
                format!("{parent}/{label}")
            };
            let i = *index.entry(id.clone()).or_insert_with(|| {
                found.push(Node {
                    id: id.clone(),
                    label,
                    parent: parent.clone(),
                    value: 0.0,
                    depth,
                });
                found.len() - 1
            });
            if let Some(node) = found.get_mut(i) {
                node.value += value;
            }
            parent = id;
        }
    }
    // Roots first, then each level in order of first appearance (the sort
    // is stable).
    found.sort_by_key(|node| node.depth);
    let mut nodes = Nodes::default();
    for node in found {
        nodes.ids.push(node.id);
        nodes.labels.push(node.label);
        nodes.parents.push(node.parent);
        nodes.values.push(node.value);
        nodes.depths.push(node.depth);
    }
    nodes
}

impl HierarchyChart<'_> {
    option_methods!();

    /// The columns from the root level down, e.g. `["region", "country", "city"]`.
    pub fn path<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.path = columns.into_iter().map(Into::into).collect();
        self
    }

    column_option!(
        /// The numeric column summed into every node.
        values
    );

    /// How many levels are shown at once.
    pub const fn maxdepth(mut self, depth: i32) -> Self {
        self.maxdepth = Some(depth);
        self
    }

    /// What sectors show, e.g. `"label+value+percent parent"`.
    pub fn textinfo(mut self, info: impl Into<String>) -> Self {
        self.textinfo = Some(info.into());
        self
    }

    /// The figure.
    ///
    /// # Errors
    ///
    /// [`FigureError`] when the path is empty, a column is not in the
    /// table, or the values column is not numeric.
    pub fn build(self) -> Result<Figure, FigureError> {
        let table = self.table?;
        let chart = match self.kind {
            Kind::Treemap => "treemap",
            Kind::Sunburst => "sunburst",
        };
        if self.path.is_empty() {
            return Err(FigureError::MissingOption {
                chart,
                option: "path",
            });
        }
        let levels = self
            .path
            .iter()
            .map(|name| common::column(&table, name).map(ferrodash_core::Column::to_text))
            .collect::<Result<Vec<_>, _>>()?;
        let values = match &self.values {
            Some(v) => common::numbers(&table, v)?,
            None => vec![1.0; table.len()],
        };
        let nodes = aggregate(&levels, &values);
        let value_label = self
            .values
            .as_deref()
            .map_or_else(|| "count".to_owned(), |v| self.opts.label(v));
        let hover = format!(
            "%{{label}}<br>{}=%{{value}}<extra></extra>",
            common::escape(&value_label)
        );
        macro_rules! fill {
            ($t:expr) => {{
                let mut t = $t
                    .ids(DataArray::from(nodes.ids))
                    .labels(DataArray::from(nodes.labels))
                    .parents(DataArray::from(nodes.parents))
                    .values(DataArray::Numbers(nodes.values))
                    .branchvalues(BranchValues::Total)
                    .hovertemplate(hover);
                if let Some(d) = self.maxdepth {
                    t = t.maxdepth(d);
                }
                if let Some(info) = self.textinfo {
                    t = t.textinfo(info);
                }
                t
            }};
        }
        let trace: Trace = match self.kind {
            Kind::Treemap => fill!(Treemap::new()).into(),
            Kind::Sunburst => fill!(Sunburst::new()).into(),
        };
        let mut layout = self.opts.layout().margin(Margin::new(10, 10, 40, 10));
        if let Some(colors) = &self.opts.colors {
            layout = layout.set(&format!("{chart}colorway"), colors.clone());
        }
        Ok(Figure::new().trace(trace).layout(layout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(v: &[Option<&str>]) -> Vec<Option<String>> {
        v.iter().map(|s| s.map(str::to_owned)).collect()
    }

    #[test]
    fn sums_every_level_and_truncates_missing() {
        let region = col(&[Some("EU"), Some("EU"), Some("AS"), Some("EU")]);
        let country = col(&[Some("FR"), Some("ES"), Some("JP"), None]);
        let nodes = aggregate(&[region, country], &[3.0, 2.0, 4.0, 1.0]);
        assert_eq!(nodes.ids, ["EU", "AS", "EU/FR", "EU/ES", "AS/JP"]);
        assert_eq!(nodes.parents, ["", "", "EU", "EU", "AS"]);
        assert_eq!(nodes.labels, ["EU", "AS", "FR", "ES", "JP"]);
        // EU has 3 + 2 from its children and 1 from the truncated row.
        assert_eq!(nodes.values, [6.0, 4.0, 3.0, 2.0, 4.0]);
    }

    #[test]
    fn missing_values_count_as_zero() {
        let nodes = aggregate(&[col(&[Some("a"), Some("a")])], &[f64::NAN, 2.0]);
        assert_eq!(nodes.values, [2.0]);
    }
}
