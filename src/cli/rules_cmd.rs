//! `unspun rules` and `unspun explain`.

use super::{write_out, PackArgs, EXIT_CLEAN, EXIT_ERROR};
use clap::Args;

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Print JSON Lines instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The rule id, e.g. `glue.joined-words`.
    pub rule: String,
    #[command(flatten)]
    pub packs: PackArgs,
}

pub fn rules(args: RulesArgs) -> i32 {
    let Some(checker) = args.packs.checker() else {
        return EXIT_ERROR;
    };
    let mut out = std::io::stdout().lock();
    let table = checker.rules();
    if !args.json {
        write_out(
            &mut out,
            &format!(
                "{:<30} {:<12} {:<8} {:<8} {}\n",
                "RULE", "CATEGORY", "SEVERITY", "ENABLED", "PACK"
            ),
        );
    }
    for (i, r) in table.rules.iter().enumerate() {
        let line = if args.json {
            let v = serde_json::json!({
                "id": r.id, "category": r.category, "severity": r.severity,
                "enabled": checker.is_enabled(i), "pack": r.pack, "file": r.file,
                "language": r.language,
            });
            format!("{v}\n")
        } else {
            format!(
                "{:<30} {:<12} {:<8} {:<8} {}\n",
                r.id,
                r.category.as_str(),
                r.severity.as_str(),
                if checker.is_enabled(i) { "yes" } else { "no" },
                r.pack
            )
        };
        write_out(&mut out, &line);
    }
    EXIT_CLEAN
}

pub fn explain(args: ExplainArgs) -> i32 {
    let Some(checker) = args.packs.checker() else {
        return EXIT_ERROR;
    };
    let Some(r) = checker.rules().get(&args.rule) else {
        eprintln!("error: unknown rule `{}` (see `unspun rules`)", args.rule);
        return EXIT_ERROR;
    };
    let mut s = format!(
        "{}\n  category: {}\n  severity: {}\n  pack: {} ({}{})\n",
        r.id,
        r.category,
        r.severity,
        r.pack,
        r.file,
        if r.line > 0 {
            format!(":{}", r.line)
        } else {
            String::new()
        }
    );
    if let Some(l) = &r.language {
        s.push_str(&format!("  language: {l}\n"));
    }
    s.push_str(&format!(
        "\n{}\n",
        if r.doc.is_empty() {
            &r.message
        } else {
            r.doc.trim()
        }
    ));
    if !r.examples.fire.is_empty() {
        s.push_str("\nFires on:\n");
        for e in &r.examples.fire {
            s.push_str(&format!("  - {e:?}\n"));
        }
    }
    if !r.examples.clean.is_empty() {
        s.push_str("\nStays silent on:\n");
        for e in &r.examples.clean {
            s.push_str(&format!("  - {e:?}\n"));
        }
    }
    write_out(&mut std::io::stdout().lock(), &s);
    EXIT_CLEAN
}
