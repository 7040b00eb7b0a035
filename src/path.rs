//! Key paths inside an environment file, written the way diagnostics show them:
//! `genai-demo:route53.records[0].weights`, with keys that hold `.`, `[` or `"` in brackets
//! (`genai-demo:tags["app.kubernetes.io/name"]`).

use std::fmt;

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path from the top of the document to one key or list item.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// The path of a top-level application key, `<prefix>:<section>`.
    pub fn section(prefix: &str, section: &str) -> Self {
        KeyPath(vec![Seg::Key(format!("{prefix}:{section}"))])
    }

    pub fn key(&self, k: impl Into<String>) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.into()));
        KeyPath(v)
    }

    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }

    pub fn parent(&self) -> Option<KeyPath> {
        if self.0.is_empty() {
            None
        } else {
            Some(KeyPath(self.0[..self.0.len() - 1].to_vec()))
        }
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &KeyPath) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }

    /// The last key of the path, if it ends in a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }
}

fn needs_brackets(k: &str) -> bool {
    k.is_empty() || k.contains(['.', '[', ']', '"', '\\']) || k.chars().any(char::is_control)
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return Ok(());
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) if needs_brackets(k) => {
                    // serde_json writes a JSON string literal: quotes and escapes.
                    let quoted = serde_json::to_string(k).map_err(|_| fmt::Error)?;
                    write!(f, "[{quoted}]")?
                }
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_the_spec_writes_paths() {
        let p = KeyPath::section("genai-demo", "route53")
            .key("records")
            .index(0)
            .key("weights");
        assert_eq!(p.to_string(), "genai-demo:route53.records[0].weights");
        let t = KeyPath::section("genai-demo", "tags").key("app.kubernetes.io/name");
        assert_eq!(t.to_string(), r#"genai-demo:tags["app.kubernetes.io/name"]"#);
        assert_eq!(KeyPath::root().to_string(), "");
    }

    #[test]
    fn prefix_relation() {
        let a = KeyPath::section("p", "regions");
        let b = a.key("primary");
        assert!(b.starts_with(&a));
        assert!(!a.starts_with(&b));
        assert_eq!(b.parent(), Some(a));
    }
}
