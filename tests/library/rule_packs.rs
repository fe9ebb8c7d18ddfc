//! Bad rule packs: every mistake is a clear error naming the file, the line and the rule, and
//! no pattern can make checking slow. The README's reliability table points at these tests.

use unspun::Checker;

/// Load one pack file (with the given text) from a fresh folder; the errors as displayed.
fn load(name: &str, pack: &str) -> Result<Checker, Vec<String>> {
    let dir = std::env::temp_dir().join(format!("unspun-packs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, pack).unwrap();
    let r = Checker::builder().rules_dir(&dir).build();
    std::fs::remove_dir_all(&dir).unwrap();
    r.map_err(|errs| {
        errs.iter()
            .map(|e| {
                e.to_string()
                    .replace(&format!("{}", file.display()), &format!("{name}.toml"))
            })
            .collect()
    })
}

fn error(name: &str, pack: &str) -> String {
    match load(name, pack) {
        Ok(_) => panic!("{name}: the pack loaded"),
        Err(e) => e.join("\n"),
    }
}

const HEAD: &str = "[pack]\nname = \"house\"\n\n";

fn rule(id: &str, body: &str) -> String {
    format!("[[rule]]\nid = \"{id}\"\nkind = \"regex\"\nmessage = \"m\"\n{body}\n")
}

#[test]
fn malformed_toml() {
    let e = error(
        "syntax",
        &format!("{HEAD}[[rule]]\nid = \"a.b\nkind = \"regex\"\n"),
    );
    assert!(e.starts_with("syntax.toml:5:"), "{e}");
    let e = error("control", "# a\u{0}b\n[pack]\nname = \"x\"\n");
    assert_eq!(
        e,
        "control.toml:1:4: control character '\\0' is not allowed here"
    );
}

#[test]
fn unknown_keys() {
    let e = error(
        "unknown",
        &format!(
            "{HEAD}{}",
            rule("house.x", "patterns = ['x']\npaterns = ['y']")
        ),
    );
    assert!(e.starts_with("unknown.toml:9:1:"), "{e}");
    assert!(e.contains("unknown field `paterns`"), "{e}");
}

#[test]
fn duplicate_ids() {
    let r = rule("house.x", "patterns = ['x']");
    let e = error("dup", &format!("{HEAD}{r}{r}"));
    assert!(
        e.starts_with("dup.toml:10: rule `house.x`: duplicate rule id"),
        "{e}"
    );
    assert!(e.contains("dup.toml:5"), "names the first definition: {e}");
    // An id of the built-in packs.
    let e = error(
        "dup2",
        &format!("{HEAD}{}", rule("glue.joined-words", "patterns = ['x']")),
    );
    assert!(
        e.contains(
            "rule `glue.joined-words`: duplicate rule id: already defined in src/detect/glue.rs"
        ),
        "{e}"
    );
}

#[test]
fn invalid_huge_and_long_regexes() {
    let e = error(
        "bad",
        &format!("{HEAD}{}", rule("house.bad", "patterns = ['(unclosed']")),
    );
    assert!(
        e.starts_with("bad.toml:5: rule `house.bad`: invalid pattern `(unclosed`"),
        "{e}"
    );
    // Compiles to more than the size limit.
    let e = error(
        "huge",
        &format!(
            "{HEAD}{}",
            rule("house.huge", "patterns = ['\\w{1000}{1000}']")
        ),
    );
    assert!(
        e.starts_with("huge.toml:5: rule `house.huge`: invalid pattern"),
        "{e}"
    );
    assert!(e.contains("size limit"), "{e}");
    let long = "a".repeat(5000);
    let e = error(
        "long",
        &format!(
            "{HEAD}{}",
            rule("house.long", &format!("patterns = ['{long}']"))
        ),
    );
    assert!(
        e.starts_with("long.toml:5: rule `house.long`: pattern is 5000 bytes long (limit 4096)"),
        "{e}"
    );
}

#[test]
fn examples_that_fail() {
    let body = "patterns = ['\\bacme corp\\b']\ncategory = \"swap\"\n\
                examples.fire = [\"We love Acme Inc.\"]\n\
                examples.clean = [\"acme corp is here\"]";
    let e = error("examples", &format!("{HEAD}{}", rule("house.brand", body)));
    assert_eq!(
        e,
        "examples.toml:5: rule `house.brand`: example does not fire: \"We love Acme Inc.\"\n\
         examples.toml:5: rule `house.brand`: clean example fires: \"acme corp is here\""
    );
    // The same rule with examples that hold loads, and a disabled rule is not verified.
    let ok = "patterns = ['\\bacme corp\\b']\ncategory = \"swap\"\n\
              examples.fire = [\"We love acme corp products.\"]";
    assert!(load("good", &format!("{HEAD}{}", rule("house.brand", ok))).is_ok());
    let dir = std::env::temp_dir().join(format!("unspun-packs-{}-off", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("p.toml"),
        format!("{HEAD}{}", rule("house.brand", body)),
    )
    .unwrap();
    let r = Checker::builder()
        .rules_dir(&dir)
        .disable_rule("house.brand")
        .build();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(r.is_ok());
}

#[test]
fn every_error_of_every_pack_is_reported_at_once() {
    let packs = [
        (
            "a",
            format!("{HEAD}{}", rule("house.a", "patterns = ['(']")),
        ),
        (
            "b",
            format!(
                "{HEAD}{}",
                rule("house.b", "patterns = ['x']\nseverity = \"fatal\"")
            ),
        ),
    ];
    let dir = std::env::temp_dir().join(format!("unspun-packs-{}-all", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, p) in &packs {
        std::fs::write(dir.join(format!("{n}.toml")), p).unwrap();
    }
    let errs = Checker::builder().rules_dir(&dir).build().unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 2, "{shown:?}");
    assert!(
        shown[0].contains("b.toml:5:6: rule `house.b`: unknown severity `fatal`"),
        "{shown:?}"
    );
    assert!(
        shown[1].contains("a.toml:5: rule `house.a`: invalid pattern"),
        "{shown:?}"
    );
}
