//! The document tree both parsers build: every key and value keeps the line and column where it
//! was written (or the fact that it came from `--context`), so that any later diagnostic can point
//! at it. Converted to a `serde_json::Value` for the typed model once the structure is checked.

use crate::finding::Pos;
use crate::path::{KeyPath, Seg};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Self {
        Node { value, pos }
    }

    /// The JSON type name used in MR003 messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a decimal number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// Converts to JSON, recording the position of every key and list item in `positions`.
    pub fn to_json(&self, path: &KeyPath, positions: &mut BTreeMap<KeyPath, Pos>) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let p = path.index(i);
                        positions.insert(p.clone(), n.pos);
                        n.to_json(&p, positions)
                    })
                    .collect(),
            ),
            Value::Map(entries) => {
                let mut m = serde_json::Map::new();
                for e in entries {
                    let p = path.key(e.key.clone());
                    positions.insert(p.clone(), e.key_pos);
                    m.insert(e.key.clone(), e.value.to_json(&p, positions));
                }
                J::Object(m)
            }
        }
    }

    /// Builds a tree from a JSON value given on the command line.
    pub fn from_json(v: &serde_json::Value) -> Node {
        use serde_json::Value as J;
        let value = match v {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            J::String(s) => Value::Str(s.clone()),
            J::Array(a) => Value::Seq(a.iter().map(Node::from_json).collect()),
            J::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        key_pos: Pos::cli(),
                        value: Node::from_json(v),
                    })
                    .collect(),
            ),
        };
        Node::new(value, Pos::cli())
    }

    /// Sets the value at `path` (created as needed, as mappings), the way `cdk --context` does.
    /// Returns false when a list index on the way does not exist or a step is not a container.
    pub fn set(&mut self, path: &[Seg], new: Node) -> bool {
        let Some((first, rest)) = path.split_first() else {
            *self = new;
            return true;
        };
        match (first, &mut self.value) {
            (Seg::Key(k), Value::Map(entries)) => {
                if let Some(e) = entries.iter_mut().find(|e| &e.key == k) {
                    if rest.is_empty() {
                        // The value now comes from the command line, and so does the key's position.
                        e.key_pos = Pos::cli();
                    }
                    return e.value.set(rest, new);
                }
                if matches!(rest.first(), Some(Seg::Index(_))) {
                    // A list item of a list that does not exist: nothing to override.
                    return false;
                }
                let mut child = Node::new(Value::Map(Vec::new()), Pos::cli());
                let ok = child.set(rest, new);
                entries.push(Entry {
                    key: k.clone(),
                    key_pos: Pos::cli(),
                    value: child,
                });
                ok
            }
            (Seg::Key(_), _) => {
                // A scalar or list where a mapping is needed: the override replaces it.
                *self = Node::new(Value::Map(Vec::new()), Pos::cli());
                self.set(path, new)
            }
            (Seg::Index(i), Value::Seq(items)) => match items.get_mut(*i) {
                Some(item) => item.set(rest, new),
                None => false,
            },
            (Seg::Index(_), _) => false,
        }
    }
}
