//! Place-name classes (`classes.txt`): cities, countries, provinces. A name of one kind shares
//! its contexts with the others ("the Helsinki summit", "the Geneva summit"), so where the
//! model has never seen a rare name next to a word, the class's most frequent members stand
//! in for it. Built by `tools/build_lexicon.py` from WordNet's instance links.

use super::{Lexicon, WordId};

/// A name class: its name and its exemplars (its most frequent members in the model).
#[derive(Debug, Clone)]
pub struct NameClass {
    /// `city`, `country` or `province`.
    pub name: String,
    /// The most frequent members, most frequent first.
    pub exemplars: Vec<WordId>,
}

/// The classes and their members.
#[derive(Debug, Default)]
pub struct NameClasses {
    classes: Vec<NameClass>,
    /// (member, class index), sorted by member.
    members: Vec<(WordId, u8)>,
}

impl NameClasses {
    /// Parse `classes.txt`: class lines (`name<TAB>exemplar ...`), a blank line, then member
    /// lines (`word<TAB>class`). Words the model does not know are left out.
    pub(super) fn parse(lex: &Lexicon, text: &str) -> NameClasses {
        let mut t = NameClasses::default();
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        for line in head.lines() {
            let Some((name, ex)) = line.split_once('\t') else {
                continue;
            };
            t.classes.push(NameClass {
                name: name.to_string(),
                exemplars: ex
                    .split(' ')
                    .filter_map(|w| lex.id(w).filter(|&i| lex.in_lm(i)))
                    .collect(),
            });
        }
        for line in body.lines() {
            let Some((w, c)) = line.split_once('\t') else {
                continue;
            };
            let (Some(id), Some(ci)) = (
                lex.id(w).filter(|&i| lex.in_lm(i)),
                t.classes.iter().position(|k| k.name == c),
            ) else {
                continue;
            };
            t.members.push((id, ci as u8));
        }
        t.members.sort_unstable();
        t.members.dedup_by_key(|m| m.0);
        t
    }

    /// The class of a word, if it is a known place name.
    #[inline]
    pub fn class_of(&self, id: WordId) -> Option<&NameClass> {
        self.members
            .binary_search_by_key(&id, |m| m.0)
            .ok()
            .map(|i| &self.classes[self.members[i].1 as usize])
    }

    /// Number of member names.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// No names at all.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}
