//! Rule packs: loading (embedded defaults and user folders), validation and the rule table.
//!
//! Built-in detectors and pack rules share one table of [`Rule`]s, so listing, explaining,
//! configuring and scoring treat them alike.

pub mod licenses;
pub mod pack;

use crate::finding::{Category, Severity};
pub use pack::{Examples, Kind, PackError, RuleDef};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The packs compiled into the binary: `(file name, contents)`. `rules/*.toml` and the data
/// files they reference; a test checks that every pack in `rules/` is listed here.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "boilerplate.toml",
        include_str!("../../rules/boilerplate.toml"),
    ),
    ("foreign.toml", include_str!("../../rules/foreign.toml")),
    (
        "swaps-general.toml",
        include_str!("../../rules/swaps-general.toml"),
    ),
    (
        "tortured-phrases.toml",
        include_str!("../../rules/tortured-phrases.toml"),
    ),
    (
        "tortured-phrases-half.csv",
        include_str!("../../rules/tortured-phrases-half.csv"),
    ),
];

/// Where a rule comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A detector in code.
    Builtin,
    /// A rule-pack rule; the definition is compiled by the detectors.
    Pack(Box<RuleDef>),
}

/// One rule: built-in detector or pack rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// Message template.
    pub message: String,
    /// Documentation (for `unspun explain`).
    pub doc: String,
    /// Pack name, or `built-in`.
    pub pack: String,
    /// File the rule was defined in (`src/detect/…` for built-ins).
    pub file: String,
    /// 1-based line of the definition (0 for built-ins).
    pub line: usize,
    /// Whether applying its suggestion is a safe automatic fix.
    pub fix_safe: bool,
    /// Language tag of `foreign` rules.
    pub language: Option<String>,
    /// Examples that must fire and must stay clean.
    pub examples: Examples,
    /// Built-in or pack.
    pub origin: Origin,
}

/// Static description of a built-in detector's rule. Each detector file declares one; its
/// `doc` is the rule's documentation.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinRule {
    /// Unique id.
    pub id: &'static str,
    /// Category.
    pub category: Category,
    /// Default severity.
    pub severity: Severity,
    /// Message template.
    pub message: &'static str,
    /// Documentation.
    pub doc: &'static str,
    /// Source file.
    pub file: &'static str,
    /// Whether its suggestions are safe automatic fixes.
    pub fix_safe: bool,
    /// Texts it must fire on.
    pub fire: &'static [&'static str],
    /// Texts it must stay silent on.
    pub clean: &'static [&'static str],
}

impl BuiltinRule {
    /// The rule-table entry.
    pub fn to_rule(&self) -> Rule {
        Rule {
            id: self.id.to_string(),
            category: self.category,
            severity: self.severity,
            message: self.message.to_string(),
            doc: self.doc.to_string(),
            pack: "built-in".to_string(),
            file: self.file.to_string(),
            line: 0,
            fix_safe: self.fix_safe,
            language: None,
            examples: Examples {
                fire: self.fire.iter().map(|s| s.to_string()).collect(),
                clean: self.clean.iter().map(|s| s.to_string()).collect(),
            },
            origin: Origin::Builtin,
        }
    }
}

/// Facts about a loaded pack.
#[derive(Debug, Clone)]
pub struct PackInfo {
    /// Its name.
    pub name: String,
    /// The file it came from.
    pub file: String,
    /// Its description.
    pub description: String,
    /// Its attribution.
    pub attribution: Option<String>,
    /// Number of rules.
    pub rules: usize,
}

/// All rules from built-ins and packs, before compilation.
#[derive(Debug, Clone, Default)]
pub struct RuleTable {
    /// The rules.
    pub rules: Vec<Rule>,
    /// Rule ids switched off by packs (`[pack] disable`).
    pub disabled: Vec<String>,
    /// The packs loaded.
    pub packs: Vec<PackInfo>,
    /// Phrase entries loaded from CSV files, keyed by rule id.
    pub csv_entries: HashMap<String, Vec<(String, String, f64)>>,
    /// Rule id -> index in `rules` (kept by the `add_*` methods).
    index: HashMap<String, usize>,
}

/// A folder's rule packs held in memory: its `*.toml` files and the data files they name, so
/// a checker can be built again where the folder is not (another process or machine).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackFiles {
    /// The folder they were read from (it names the packs in messages).
    pub dir: PathBuf,
    /// `(name relative to the folder, contents)`: the packs sorted by name, each followed by
    /// the data files it names.
    pub files: Vec<(String, String)>,
}

impl PackFiles {
    /// Read a folder's `*.toml` packs and the data files they name (`csv = "…"`). Errors name
    /// the file (and the rule naming a data file that cannot be read); every error is returned.
    pub fn read_dir(dir: &Path) -> Result<PackFiles, Vec<PackError>> {
        let read_error = |file: String, message: String| PackError {
            file,
            line: 0,
            column: 0,
            rule: None,
            message,
        };
        let entries = std::fs::read_dir(dir).map_err(|e| {
            vec![read_error(
                dir.display().to_string(),
                format!("cannot read rule folder: {e}"),
            )]
        })?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| Path::new(n).extension().is_some_and(|x| x == "toml"))
            .collect();
        names.sort();
        let mut out = PackFiles {
            dir: dir.to_path_buf(),
            files: Vec::new(),
        };
        let mut errors = Vec::new();
        for name in names {
            let label = dir.join(&name).display().to_string();
            let src = match read_capped(&dir.join(&name)) {
                Ok(s) => s,
                Err(e) => {
                    errors.push(read_error(label, e));
                    continue;
                }
            };
            // A pack's errors are reported when it is added; here only the data files that
            // its readable rules name are looked for.
            let index = pack::LineIndex::new(&src);
            // (Parsing is most of the cost of loading: skip it when no rule can name one.)
            let parsed = src.contains("csv").then(|| pack::parse_all(&label, &src).0);
            let named: Vec<(String, usize, String)> = parsed
                .flatten()
                .map(|p| p.rule)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|def| {
                    let line = index.line(def.id.span().start);
                    Some((def.csv?, line, def.id.into_inner()))
                })
                .collect();
            drop(index);
            out.files.push((name, src));
            for (csv, line, rule) in named {
                if out.files.iter().any(|(n, _)| *n == csv) {
                    continue;
                }
                match read_capped(&dir.join(&csv)) {
                    Ok(text) => out.files.push((csv, text)),
                    Err(e) => errors.push(PackError {
                        line,
                        rule: Some(rule),
                        ..read_error(label.clone(), format!("`{csv}`: {e}"))
                    }),
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

impl RuleTable {
    /// Add a built-in rule.
    pub fn add_builtin(&mut self, b: &BuiltinRule) {
        self.index.insert(b.id.to_string(), self.rules.len());
        self.rules.push(b.to_rule());
    }

    /// Add one pack file. `read_sibling` reads a file named by the pack (e.g. a CSV) relative
    /// to it. Errors name the file and line; every error of the pack is returned at once (a
    /// TOML syntax error stops the reading, though). The rules without errors are still added
    /// on error, so that their patterns are compiled and checked too: a table that got errors
    /// is for reporting them, not for checking text.
    pub fn add_pack(
        &mut self,
        file: &str,
        src: &str,
        read_sibling: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<(), Vec<PackError>> {
        let (parsed, mut errors) = pack::parse_all(file, src);
        let Some(parsed) = parsed else {
            return Err(errors);
        };
        let index = pack::LineIndex::new(src);
        let mut new_rules: Vec<Rule> = Vec::new();
        let mut new_csv = HashMap::new();
        // Where each id is defined: the table's rules, then this pack's (linear, not a scan
        // of the table per rule).
        let mut defined: HashMap<String, (String, usize)> = self
            .rules
            .iter()
            .map(|r| (r.id.clone(), (r.file.clone(), r.line)))
            .collect();
        let disable: std::collections::HashSet<&String> = parsed.pack.disable.iter().collect();
        let mut added: std::collections::HashSet<String> = Default::default();
        for def in parsed.rule {
            let v = match pack::validate_all(file, &index, &def) {
                Ok(v) => v,
                Err(mut e) => {
                    errors.append(&mut e);
                    continue;
                }
            };
            let line = index.line(def.id.span().start);
            let id = def.id.get_ref().clone();
            let err = |message: String| PackError {
                file: file.to_string(),
                line,
                column: 0,
                rule: Some(id.clone()),
                message,
            };
            if let Some((prev_file, prev_line)) = defined.get(&id) {
                // A pack may replace another pack's (or a built-in) rule, once.
                if !disable.contains(&id) || added.contains(&id) {
                    errors.push(err(format!(
                        "duplicate rule id: already defined in {prev_file}{} (a pack may replace \
                         it by listing it in `[pack] disable`)",
                        if *prev_line > 0 {
                            format!(":{prev_line}")
                        } else {
                            String::new()
                        }
                    )));
                    continue;
                }
            }
            if let Some(csv) = &def.csv {
                match read_sibling(csv).and_then(|text| parse_csv(csv, &text)) {
                    Ok(rows) => {
                        new_csv.insert(id.clone(), rows);
                    }
                    Err(m) => {
                        errors.push(err(m));
                        continue;
                    }
                }
            }
            defined.insert(id.clone(), (file.to_string(), line));
            added.insert(id.clone());
            new_rules.push(Rule {
                id: id.clone(),
                category: v.category,
                severity: v.severity,
                message: def.message.clone(),
                doc: def.doc.clone().unwrap_or_default(),
                pack: parsed.pack.name.clone(),
                file: file.to_string(),
                line,
                fix_safe: def.fix_safe,
                language: def.language.clone(),
                examples: def.examples.clone(),
                origin: Origin::Pack(Box::new(def)),
            });
        }
        // A replaced rule leaves the table; other disabled ids stay listed for the checker.
        self.rules.retain(|r| !added.contains(&r.id));
        self.packs.push(PackInfo {
            name: parsed.pack.name.clone(),
            file: file.to_string(),
            description: parsed.pack.description.clone(),
            attribution: parsed.pack.attribution.clone(),
            rules: new_rules.len(),
        });
        self.disabled.extend(
            parsed
                .pack
                .disable
                .iter()
                .filter(|d| !added.contains(*d))
                .cloned(),
        );
        self.rules.extend(new_rules);
        self.csv_entries.extend(new_csv);
        self.reindex();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Rebuild the id index used by [`RuleTable::get`].
    fn reindex(&mut self) {
        self.index = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
    }

    /// Add the packs embedded in the binary.
    pub fn add_embedded(&mut self) -> Result<(), Vec<PackError>> {
        self.add_files(Path::new("rules"), EMBEDDED)
    }

    /// Add pack files held in memory: every `*.toml` among `files` is a pack (added in the
    /// order given), the other files are the data files packs name (looked up by the name the
    /// pack gives). `dir` goes before each pack's name in messages. Errors of all packs are
    /// returned together; packs without errors are still added.
    pub fn add_files<N: AsRef<str>, T: AsRef<str>>(
        &mut self,
        dir: &Path,
        files: &[(N, T)],
    ) -> Result<(), Vec<PackError>> {
        let read = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n.as_ref() == name)
                .map(|(_, t)| t.as_ref().to_string())
                .ok_or_else(|| format!("cannot read `{name}`: not among the pack files"))
        };
        let mut errors = Vec::new();
        for (name, text) in files {
            if name.as_ref().ends_with(".toml") {
                let label = dir.join(name.as_ref()).display().to_string();
                if let Err(mut es) = self.add_pack(&label, text.as_ref(), &read) {
                    errors.append(&mut es);
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Add every `*.toml` pack in a folder (sorted by name). Errors of all packs are returned
    /// together; when every file could be read, packs without errors are still added.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), Vec<PackError>> {
        let p = PackFiles::read_dir(dir)?;
        self.add_files(&p.dir, &p.files)
    }

    /// Find a rule by id (through an index; a table whose `rules` were changed by hand is
    /// searched).
    pub fn get(&self, id: &str) -> Option<&Rule> {
        match self.index.get(id).and_then(|&i| self.rules.get(i)) {
            Some(r) if r.id == id => Some(r),
            _ => self.rules.iter().find(|r| r.id == id),
        }
    }
}

/// The largest pack or data file read (16 MiB: about 100,000 rules). A larger file (or a
/// device such as `/dev/zero`) is an error, not a read without end.
pub const MAX_PACK_FILE_BYTES: u64 = 16 << 20;

/// Read a pack or data file of at most [`MAX_PACK_FILE_BYTES`]; the error says what is wrong.
fn read_capped(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    if f.metadata().is_ok_and(|m| m.is_dir()) {
        return Err("cannot read: is a folder".to_string());
    }
    let mut buf = Vec::new();
    f.take(MAX_PACK_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > MAX_PACK_FILE_BYTES {
        return Err(format!(
            "larger than {} MiB: not a rule pack (split it into several files)",
            MAX_PACK_FILE_BYTES >> 20
        ));
    }
    String::from_utf8(buf).map_err(|e| {
        format!(
            "cannot read: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Parse `found,original[,count]` rows; the first row is a header. Quoted fields are supported.
fn parse_csv(name: &str, text: &str) -> Result<Vec<(String, String, f64)>, String> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        if fields.len() < 2 || fields[0].trim().is_empty() || fields[1].trim().is_empty() {
            return Err(format!(
                "{name}:{}: expected `found,original[,count]`",
                n + 1
            ));
        }
        let count = fields
            .get(2)
            .and_then(|c| c.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        rows.push((
            fields[0].trim().to_string(),
            fields[1].trim().to_string(),
            count,
        ));
    }
    Ok(rows)
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(_: &str) -> Result<String, String> {
        Err("no files".into())
    }

    #[test]
    fn csv_lines() {
        assert_eq!(split_csv_line("a,\"b, c\",3"), ["a", "b, c", "3"]);
        let rows = parse_csv("x.csv", "h1,h2,h3\nfoo bar,baz qux,12\n").unwrap();
        assert_eq!(rows, [("foo bar".into(), "baz qux".into(), 12.0)]);
        assert!(parse_csv("x.csv", "h\nonly\n")
            .unwrap_err()
            .contains("x.csv:2"));
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let src = "[pack]\nname = \"p\"\n[[rule]]\nid = \"a.b\"\nkind = \"regex\"\nmessage = \"m\"\npatterns = [\"x\"]\n";
        let mut t = RuleTable::default();
        t.add_pack("one.toml", src, &no_files).unwrap();
        let e = t.add_pack("two.toml", src, &no_files).unwrap_err();
        assert_eq!(e[0].file, "two.toml");
        assert_eq!(e[0].line, 4);
        assert!(e[0].message.contains("one.toml:4"), "{}", e[0]);
    }

    #[test]
    fn pack_can_replace_a_rule() {
        let src = "[pack]\nname = \"p\"\n[[rule]]\nid = \"a.b\"\nkind = \"regex\"\nmessage = \"m\"\npatterns = [\"x\"]\n";
        let src2 = "[pack]\nname = \"q\"\ndisable = [\"a.b\", \"c.d\"]\n[[rule]]\nid = \"a.b\"\nkind = \"regex\"\nmessage = \"n\"\npatterns = [\"y\"]\n";
        let mut t = RuleTable::default();
        t.add_pack("one.toml", src, &no_files).unwrap();
        t.add_pack("two.toml", src2, &no_files).unwrap();
        assert_eq!(t.rules.len(), 1);
        assert_eq!(t.rules[0].message, "n");
        assert_eq!(t.disabled, ["c.d"]);
    }

    #[test]
    fn packs_read_into_memory_load_as_from_the_folder() {
        let dir = std::env::temp_dir().join(format!("unspun-packfiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pack = "[pack]\nname = \"p\"\n[[rule]]\nid = \"p.phrases\"\nkind = \"phrase\"\nmessage = \"m\"\ncsv = \"p.csv\"\n";
        std::fs::write(dir.join("p.toml"), pack).unwrap();
        std::fs::write(dir.join("p.csv"), "found,original\nbig data,large data\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "not a pack").unwrap();
        let files = PackFiles::read_dir(&dir).unwrap();
        let names: Vec<&str> = files.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["p.toml", "p.csv"]);
        let mut from_dir = RuleTable::default();
        from_dir.add_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        // The folder is gone: the files in memory are all it takes.
        let mut from_memory = RuleTable::default();
        from_memory.add_files(&files.dir, &files.files).unwrap();
        assert_eq!(from_memory.rules[0].file, from_dir.rules[0].file);
        assert_eq!(from_memory.csv_entries, from_dir.csv_entries);
        assert_eq!(from_memory.csv_entries["p.phrases"][0].1, "large data");
        // A named data file that is missing is an error naming the pack, line and rule.
        let e = from_memory
            .add_files(Path::new("x"), &[("q.toml", pack.replace("p.", "q."))])
            .unwrap_err();
        assert_eq!((e[0].file.as_str(), e[0].line), ("x/q.toml", 4));
        assert!(e[0].message.contains("`q.csv`"), "{}", e[0]);
    }

    #[test]
    fn every_pack_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".toml") {
                assert!(
                    EMBEDDED.iter().any(|(n, _)| *n == name),
                    "rules/{name} is not listed in rules::EMBEDDED"
                );
            }
        }
    }
}
