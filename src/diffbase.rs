//! Changed lines, read from `git diff --unified=0`: what `unspun check --diff-base REF` keeps
//! findings on. The binary runs git; this module only reads its output.

use std::collections::HashMap;

/// Per file (as named on the diff's `+++ b/PATH` line), the changed lines of the new version
/// as inclusive 1-based ranges.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChangedLines {
    files: HashMap<String, Vec<(usize, usize)>>,
}

impl ChangedLines {
    /// Read a unified diff (`git diff --unified=0 --no-prefix` or with the `b/` prefix). Lines
    /// only removed change nothing in the new version; deleted files are left out.
    pub fn parse(diff: &str) -> ChangedLines {
        let mut c = ChangedLines::default();
        let mut current: Option<String> = None;
        for line in diff.lines() {
            if let Some(p) = line.strip_prefix("+++ ") {
                let p = p.trim_end_matches('\t');
                current = if p == "/dev/null" {
                    None
                } else {
                    let p = unquote(p);
                    Some(p.strip_prefix("b/").map(str::to_string).unwrap_or(p))
                };
                if let Some(p) = &current {
                    c.files.entry(p.clone()).or_default();
                }
            } else if let Some(h) = line.strip_prefix("@@ ") {
                let (Some(file), Some(new)) = (&current, h.split(' ').find(|w| w.starts_with('+')))
                else {
                    continue;
                };
                let mut it = new[1..].splitn(2, ',');
                let start: usize = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
                let count: usize = it.next().and_then(|s| s.parse().ok()).unwrap_or(1);
                if count > 0 && start > 0 {
                    c.files
                        .get_mut(file)
                        .expect("entry made on +++")
                        .push((start, start + count - 1));
                }
            } else if line.starts_with("diff --git ") {
                current = None;
            }
        }
        c
    }

    /// Mark every line of `file` as changed (a file git does not track yet).
    pub fn add_whole_file(&mut self, file: &str) {
        self.files.insert(file.to_string(), vec![(1, usize::MAX)]);
    }

    /// The files with changes, as named in the diff.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// True when `file` has a changed line in `first..=last`.
    pub fn touches(&self, file: &str, first: usize, last: usize) -> bool {
        self.files
            .get(file)
            .is_some_and(|r| r.iter().any(|&(a, b)| a <= last && first <= b))
    }
}

/// Git quotes unusual paths C-style (`"a\tb.md"`, octal bytes); undo it.
fn unquote(p: &str) -> String {
    let Some(inner) = p.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return p.to_string();
    };
    let mut bytes = Vec::new();
    let mut it = inner.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&d @ b'0'..=b'7') = it.peek() {
                        v = v * 8 + u32::from(d - b'0');
                        it.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(o) => bytes.push(o),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_new_side_ranges() {
        let d = "diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -3 +3 @@\n-a\n+b\n\
                 @@ -10,0 +11,2 @@\n+c\n+d\n@@ -20,2 +21,0 @@\n-e\n-f\n\
                 diff --git a/gone.md b/gone.md\n--- a/gone.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-g\n\
                 diff --git a/\"t\\303\\251.md\" b/\"t\\303\\251.md\"\n+++ \"b/t\\303\\251.md\"\n@@ -0,0 +1 @@\n+h\n";
        let c = ChangedLines::parse(d);
        assert!(c.touches("x.md", 3, 3));
        assert!(!c.touches("x.md", 4, 10));
        assert!(c.touches("x.md", 12, 15));
        assert!(!c.touches("x.md", 21, 21));
        assert!(!c.touches("gone.md", 1, 1));
        assert!(c.touches("té.md", 1, 1));
        assert_eq!(c.files().count(), 2);
    }
}
