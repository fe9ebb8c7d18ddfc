//! Time budgets: a deadline that a check polls, so one pathological document cannot stall a
//! batch run. Set with [`CheckerBuilder::time_budget`](crate::CheckerBuilder::time_budget).
//!
//! The deadline of the check running on this thread lives in a thread-local; the checker
//! polls it between detectors, and a slow detector polls [`out_of_time`] inside its loop
//! (a clock read only when a budget is set). A check that ran out of time still returns a
//! report, scored on what was found, with `truncated` set.

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static CUT: Cell<bool> = const { Cell::new(false) };
}

/// Has the deadline of the check running on this thread passed? Always `false` without a
/// budget. Once it returns `true` the check counts as truncated.
#[inline]
pub fn out_of_time() -> bool {
    let Some(at) = DEADLINE.with(Cell::get) else {
        return false;
    };
    let late = Instant::now() >= at;
    if late {
        CUT.with(|c| c.set(true));
    }
    late
}

/// The budget of one check, in force on this thread until dropped (nested checks restore
/// the outer one).
pub(crate) struct Scope {
    outer: Option<Instant>,
    outer_cut: bool,
}

impl Scope {
    /// Start a check with this budget (none: no deadline).
    pub(crate) fn start(budget: Option<Duration>) -> Scope {
        let at = budget.and_then(|b| Instant::now().checked_add(b));
        Scope {
            outer: DEADLINE.with(|d| d.replace(at)),
            outer_cut: CUT.with(|c| c.replace(false)),
        }
    }

    /// Did this check stop early?
    pub(crate) fn was_cut(&self) -> bool {
        CUT.with(Cell::get)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(self.outer));
        CUT.with(|c| c.set(self.outer_cut));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_budget_never_runs_out() {
        let s = Scope::start(None);
        assert!(!out_of_time());
        assert!(!s.was_cut());
    }

    #[test]
    fn zero_budget_runs_out_and_scopes_nest() {
        let outer = Scope::start(Some(Duration::from_secs(3600)));
        {
            let inner = Scope::start(Some(Duration::ZERO));
            assert!(out_of_time());
            assert!(inner.was_cut());
        }
        assert!(!out_of_time());
        assert!(!outer.was_cut());
    }
}
