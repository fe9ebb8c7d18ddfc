//! `unspun rules` and `unspun explain`.

use super::{exit_code, CmdResult, Error, Out, SessionArgs};
use clap::Args;
use unspun::config::RuleSetting;
use unspun::CheckOptions;

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Print JSON Lines instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub session: SessionArgs,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The rule id, e.g. `glue.joined-words`.
    pub rule: String,
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Every rule with the severity and switch in force in the current folder (the configuration
/// found from it, or given, applied).
pub fn rules(args: RulesArgs) -> CmdResult {
    let profile = args.session.session().profile(None)?;
    let settings = profile.settings(None, &CheckOptions::default());
    let checker = profile.checker();
    let mut out = Out::stdout();
    let table = checker.rules();
    if !args.json {
        out.write(format!(
            "{:<30} {:<12} {:<8} {:<8} {}\n",
            "RULE", "CATEGORY", "SEVERITY", "ENABLED", "PACK"
        ))?;
    }
    for (i, r) in table.rules.iter().enumerate() {
        let enabled = checker.is_enabled(i) && settings.rule_on(&r.id, r.category);
        let severity = match settings.rules.get(&r.id) {
            Some(RuleSetting::Severity(s)) => *s,
            _ => r.severity,
        };
        let line = if args.json {
            let v = serde_json::json!({
                "id": r.id, "category": r.category, "severity": severity,
                "enabled": enabled, "pack": r.pack, "file": r.file,
                "language": r.language,
            });
            format!("{v}\n")
        } else {
            format!(
                "{:<30} {:<12} {:<8} {:<8} {}\n",
                r.id,
                r.category.as_str(),
                severity.as_str(),
                if enabled { "yes" } else { "no" },
                r.pack
            )
        };
        out.write(line)?;
    }
    out.finish()?;
    Ok(exit_code(false, false))
}

pub fn explain(args: ExplainArgs) -> CmdResult {
    let profile = args.session.session().profile(None)?;
    let Some(r) = profile.checker().rules().get(&args.rule) else {
        return Err(Error::msg(format!(
            "unknown rule `{}` (see `unspun rules`)",
            args.rule
        )));
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
    let mut out = Out::stdout();
    out.write(s)?;
    out.finish()?;
    Ok(exit_code(false, false))
}
