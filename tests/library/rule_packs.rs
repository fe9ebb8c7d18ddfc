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

#[test]
fn every_error_within_one_pack_is_reported_at_once() {
    // Six mistakes in one pack used to take five runs to see (only the first was reported).
    let pack = format!(
        "{HEAD}{}{}{}{}{}{}",
        rule("house.a", "patterns = ['x']\npaterns = ['y']"),
        rule(
            "house.b",
            "patterns = ['x']\nseverity = \"fatal\"\nconfidence = 2.0"
        ),
        rule("house.c", "patterns = ['(']"),
        rule(
            "house.d",
            "patterns = ['zz']\nexamples.fire = [\"no match here\"]"
        ),
        rule("house.d", "patterns = ['x']"),
        rule("house.e", "patterns = ['x']\nmessage2 = 3"),
    );
    let errs = match load("many", &pack) {
        Ok(_) => panic!("the pack loaded"),
        Err(e) => e,
    };
    let e = errs.join("\n");
    let lines: Vec<&str> = errs.iter().map(String::as_str).collect();
    for want in [
        "many.toml:9:1: rule `house.a`: unknown field `paterns`",
        "rule `house.b`: unknown severity `fatal`",
        "rule `house.b`: confidence 2 is outside [0, 1]",
        "rule `house.c`: invalid pattern `(`",
        "rule `house.d`: duplicate rule id",
        "rule `house.d`: example does not fire: \"no match here\"",
        "rule `house.e`: unknown field `message2`",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(want)),
            "missing {want:?} in:\n{e}"
        );
    }
    assert_eq!(errs.len(), 7, "{e}");
}

#[test]
fn thirty_thousand_rules_load() {
    // 30,000 rules: a scan from the start of the file per rule (and of the table per id) made
    // 20,000 take 56 s; `benches/pack_load.sh` times 5k to 100k rules.
    let n = 30_000;
    let mut pack = String::from(HEAD);
    for i in 0..n {
        pack.push_str(&format!(
            "[[rule]]\nid = \"big.r{i}\"\nkind = \"phrase\"\nmessage = \"m\"\nentries = [[\"zq{i} alpha\", \"beta\"]]\n\n"
        ));
    }
    let c = load("big", &pack).unwrap_or_else(|e| panic!("{}", e.join("\n")));
    assert!(c.rules().get("big.r0").is_some());
    assert!(c.rules().get("big.r29999").is_some());
}

#[test]
fn an_over_size_pack_is_an_error_not_a_read_without_end() {
    let mut pack = String::from(HEAD);
    pack.push_str(&format!("# {}\n", "x".repeat(17 << 20)));
    let e = error("huge", &pack);
    assert!(
        e.contains("huge.toml: larger than 16 MiB: not a rule pack"),
        "{e}"
    );
}
