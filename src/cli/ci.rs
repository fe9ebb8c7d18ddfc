//! `check --baseline FILE` and `check --diff-base REF`: report only what is new. The matching
//! is in the library ([`unspun::baseline`], [`unspun::diffbase`]); this module reads the
//! baseline file, runs git, and counts what it hid for the summary on standard error.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use unspun::baseline::Baseline;
use unspun::diffbase::ChangedLines;
use unspun::Report;

/// The filters of one run, shared by the workers.
#[derive(Default)]
pub struct Filters {
    baseline: Option<Baseline>,
    /// The repository's top folder (canonical) and its changed lines.
    changed: Option<(PathBuf, ChangedLines)>,
    baselined: AtomicUsize,
    stale: AtomicUsize,
    off_diff: AtomicUsize,
}

impl Filters {
    pub fn new(baseline: Option<&Path>, diff_base: Option<&str>) -> Result<Filters, String> {
        let mut f = Filters::default();
        if let Some(p) = baseline {
            let s = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read the baseline {}: {e}", p.display()))?;
            f.baseline = Some(Baseline::parse(&s).map_err(|e| format!("{}: {e}", p.display()))?);
        }
        if let Some(r) = diff_base {
            f.changed = Some(changed_lines(r)?);
        }
        Ok(f)
    }

    pub fn is_active(&self) -> bool {
        self.baseline.is_some() || self.changed.is_some()
    }

    /// Drop the findings of `report` (named `report.path`, read from `file` when it is one)
    /// that are in the baseline or off the changed lines.
    pub fn apply(&self, report: &mut Report, file: Option<&Path>) {
        if let Some(b) = &self.baseline {
            let n = b.filter(report);
            self.baselined.fetch_add(n, Ordering::Relaxed);
            self.stale
                .fetch_add(b.len_for(&report.path).saturating_sub(n), Ordering::Relaxed);
        }
        if let Some((top, changed)) = &self.changed {
            // Standard input without --stdin-filename has no lines in the diff to go by: all
            // of its findings are kept.
            if let Some(rel) = file.and_then(|p| relative_to(top, p)) {
                let before = report.findings.len();
                report.findings.retain(|f| {
                    let last = f.line + f.text.matches('\n').count();
                    changed.touches(&rel, f.line, last)
                });
                self.off_diff
                    .fetch_add(before - report.findings.len(), Ordering::Relaxed);
            }
        }
    }

    /// What was hidden, for standard error.
    pub fn summary(&self) -> Vec<String> {
        let mut s = Vec::new();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if self.changed.is_some() {
            let n = self.off_diff.load(Ordering::Relaxed);
            s.push(format!(
                "diff-base: {n} finding{} on unchanged lines not reported",
                plural(n)
            ));
        }
        if self.baseline.is_some() {
            let n = self.baselined.load(Ordering::Relaxed);
            let stale = self.stale.load(Ordering::Relaxed);
            let mut line = format!(
                "baseline: {n} finding{} in the baseline not reported",
                plural(n)
            );
            if stale > 0 {
                line.push_str(&format!(
                    "; {stale} baseline entr{} no longer found (fixed: the baseline can be rewritten)",
                    if stale == 1 { "y" } else { "ies" }
                ));
            }
            s.push(line);
        }
        s
    }
}

/// `file` relative to `top`, with `/` separators, when it is inside it.
fn relative_to(top: &Path, file: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(file).ok()?;
    let rel = abs.strip_prefix(top).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("--diff-base: cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "--diff-base: `git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The lines changed in the working tree since where it left `reference` (their merge base,
/// so what the base branch gained since is not counted), plus every line of the files git
/// does not track yet (and does not ignore).
fn changed_lines(reference: &str) -> Result<(PathBuf, ChangedLines), String> {
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = std::fs::canonicalize(top.trim_end_matches(['\n', '\r']))
        .map_err(|e| format!("--diff-base: the repository's folder: {e}"))?;
    let t = top.to_string_lossy().into_owned();
    // The commit `reference` names must exist; the merge base is used when there is one.
    let base = git(&[
        "-C",
        &t,
        "rev-parse",
        "--verify",
        "--end-of-options",
        &format!("{reference}^{{commit}}"),
    ])?;
    let base = git(&["-C", &t, "merge-base", base.trim(), "HEAD"]).unwrap_or(base);
    let diff = git(&[
        "-C",
        &t,
        "-c",
        "core.quotePath=false",
        "diff",
        "--unified=0",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        base.trim(),
        "--",
    ])?;
    let mut changed = ChangedLines::parse(&diff);
    let untracked = git(&["-C", &t, "ls-files", "--others", "--exclude-standard", "-z"])?;
    for f in untracked.split('\0').filter(|f| !f.is_empty()) {
        changed.add_whole_file(f);
    }
    Ok((top, changed))
}
