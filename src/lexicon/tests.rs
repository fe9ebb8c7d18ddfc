use super::*;

fn lex() -> &'static Lexicon {
    Lexicon::embedded()
}

fn id(w: &str) -> WordId {
    lex()
        .id(w)
        .unwrap_or_else(|| panic!("{w} not in vocabulary"))
}

fn lp(ctx: &[&str], w: &str) -> f32 {
    let ctx: Vec<WordId> = ctx.iter().map(|w| id(w)).collect();
    lex().logp(&ctx, id(w))
}

fn has_neighbour(a: &str, b: &str) -> Option<EdgeKind> {
    let b = id(b);
    lex()
        .neighbours(id(a))
        .find(|&(n, _)| n == b)
        .map(|(_, k)| k)
}

#[test]
fn checksums_match() {
    use sha2::{Digest, Sha256};
    let sums = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/lexicon/CHECKSUMS.sha256"
    ));
    let mut listed = 0;
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (hex, name) = line.split_once("  ").expect("sha256sum format");
        let bytes = FILES
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} listed but not embedded"))
            .1;
        let got: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, hex, "checksum mismatch for rules/lexicon/{name}");
        listed += 1;
    }
    assert_eq!(listed, FILES.len(), "every embedded file is checksummed");
}

#[test]
fn ids_round_trip() {
    let l = lex();
    assert!(l.vocab_len() > 100_000);
    assert!(l.lm_len() > 70_000);
    for i in (0..l.vocab_len() as WordId).step_by(97) {
        assert_eq!(l.id(l.word(i)), Some(i), "round trip of {}", l.word(i));
    }
    assert_eq!(l.word(l.bos()), "<s>");
    assert_eq!(l.word(l.eos()), "</s>");
    assert_eq!(l.id("zzzzqqq"), None);
    assert_eq!(l.id(""), None);
    assert_eq!(l.id("The"), None, "keys are lowercase");
}

#[test]
fn words_and_flags() {
    let l = lex();
    assert!(l.is_word("impenetrable"));
    assert!(l.is_word("system"));
    assert!(l.is_word("with"));
    assert!(!l.is_word("animpenetrable"));
    assert!(!l.is_word("systemwith"));
    assert!(!l.is_word("<s>"));
    assert!(!l.is_word("a."));
    assert!(l.in_lm(id("the")));
    assert!(l.in_dict(id("the")));
    assert!(l.is_name_only(id("paris")));
    assert!(!l.is_name_only(id("table")));
    // Frequency orders the splits the glue detector needs.
    assert!(l.unigram(id("an")) > l.unigram(id("impenetrable")));
    assert!(l.unigram(id("with")) > l.unigram(id("systemic")));
    assert!(l.unigram(id("the")) > -2.0);
    let dict_only = (l.lm_len()..l.vocab_len())
        .map(|i| i as WordId)
        .find(|&i| l.is_word_id(i))
        .unwrap();
    assert!(!l.in_lm(dict_only));
    assert!(l.unigram(dict_only) < -10.0);
}

#[test]
fn ngram_probabilities() {
    let l = lex();
    // Spot values from the source model (log10).
    assert!((l.unigram(id("the")) - -1.389).abs() < 0.01);
    assert!((l.bigram(id("of"), id("the")).unwrap() - -0.699).abs() < 0.01);
    assert!(l.bigram(id("the"), id("of")).unwrap() < -3.0);
    assert!(l.bigram(id("united"), id("states")).unwrap() > -0.2);
    assert!(l.bigram(id("unpredictable"), id("terms")).is_none());
    assert!(l.trigram(id("in"), id("no"), id("uncertain")).is_some());
    assert!(l.trigram(id("no"), id("uncertain"), id("terms")).unwrap() > -0.3);
    assert!(l
        .trigram(id("most"), id("current"), id("example"))
        .is_none());
    assert!(lp(&["no", "uncertain"], "terms") > lp(&["no", "unpredictable"], "terms") + 1.0);
    assert!(lp(&["uncertain"], "terms") > lp(&["unpredictable"], "terms") + 1.0);
    assert!(lp(&["warning"], "lights") > lp(&["caution"], "lights"));
    assert!(lp(&["the", "most"], "recent") > lp(&["the", "most"], "current"));
    assert!(lp(&["most", "recent"], "example") > lp(&["most", "current"], "example"));
    // Backoff arithmetic: absent trigram = bo(u v) + P(w | v).
    let (u, v, w) = (id("most"), id("current"), id("example"));
    let expect = l.bigram_backoff(u, v) + l.logp(&[v], w);
    assert!((l.logp(&[u, v], w) - expect).abs() < 1e-6);
    // The sequence API agrees with logp.
    let seq: Vec<WordId> = [
        "<s>",
        "in",
        "no",
        "uncertain",
        "terms",
        "zebra",
        "the",
        "</s>",
    ]
    .iter()
    .map(|w| id(w))
    .chain([
        l.lm_len() as WordId + 5,
        id("the"),
        id("most"),
        id("recent"),
    ])
    .collect();
    let mut out = vec![0f32; seq.len()];
    l.logp_seq(&seq, &mut out);
    for k in 0..seq.len() {
        assert_eq!(
            out[k],
            l.logp(&seq[k.saturating_sub(2)..k], seq[k]),
            "position {k}"
        );
    }
    // Longer contexts use the last two words; OOV context words cut the context.
    assert_eq!(l.logp(&[id("zebra"), u, v], w), l.logp(&[u, v], w));
    let oov = (l.lm_len()) as WordId;
    assert_eq!(l.logp(&[u, oov], w), l.unigram(w));
    assert!(l.logp(&[l.bos()], id("the")) > -1.5);
}

/// The fingerprint filter in front of the n-gram tables only skips keys that are surely
/// absent: every answer is the one the bare table gives, it rejects most absent keys, and it
/// lets every present key through.
#[test]
fn fingerprint_filter_never_changes_an_answer() {
    for (name, filter) in [
        ("bigram.bin", BIGRAM_FILTER),
        ("trigram.bin", TRIGRAM_FILTER),
    ] {
        let filtered = HashTable::parse(file(name), Some(filter)).0;
        let bare = HashTable::parse(file(name), None).0;
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let (mut absent, mut rejected, mut present) = (0, 0, 0);
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let h = fmix64(x);
            let want = bare.find_hash(h);
            assert_eq!(filtered.find_hash(h), want, "{name}: hash {h:#x}");
            if want.is_none() {
                absent += 1;
                rejected += usize::from(!filtered.may_contain(h));
            }
        }
        // Present keys: the fingerprints stored in the slots themselves.
        let n = (bare.slots.len() - 8) / bare.slot;
        for i in (0..n).step_by(97) {
            let f = rd_u64(bare.slots, i * bare.slot) & bare.fp_mask;
            if f != 0 {
                present += 1;
                assert!(filtered.may_contain(f), "{name}: slot {i} filtered out");
            }
        }
        assert!(present > 10_000, "{name}: {present} present keys sampled");
        // The filter `build.rs` wrote is exactly the set of stored fingerprints.
        let mut want = vec![0u8; filter.len()];
        let mask = (filter.len() as u64 * 8 - 1).min(bare.fp_mask);
        for i in 0..n {
            let f = rd_u64(bare.slots, i * bare.slot) & bare.fp_mask;
            if f != 0 {
                want[((f & mask) >> 3) as usize] |= 1 << (f & 7);
            }
        }
        assert!(
            want == filter,
            "{name}: the built filter differs from the table"
        );
        assert!(
            rejected * 100 > absent * 85,
            "{name}: the filter rejects only {rejected} of {absent} absent keys"
        );
    }
    // And through the public API, on real n-grams of a sentence.
    let ids: Vec<WordId> = ["the", "president", "of", "the", "united", "states"]
        .iter()
        .map(|w| id(w))
        .collect();
    for w in ids.windows(3) {
        assert!(lex().bigram(w[0], w[1]).is_some());
        assert!(lex().trigram(w[0], w[1], w[2]).is_some());
    }
}

#[test]
fn thesaurus() {
    assert!(has_neighbour("unpredictable", "uncertain").is_some());
    assert!(has_neighbour("caution", "warning").is_some());
    let k = has_neighbour("details", "detail").unwrap();
    assert!(k.contains(EdgeKind::INFLECTION), "{k:?}");
    assert!(has_neighbour("keep", "kept")
        .unwrap()
        .contains(EdgeKind::INFLECTION));
    assert!(has_neighbour("keeps", "keep")
        .unwrap()
        .contains(EdgeKind::INFLECTION));
    assert!(has_neighbour("recent", "current").is_some());
    assert!(has_neighbour("details", "particulars").is_some());
    let l = lex();
    for i in (0..l.vocab_len() as WordId).step_by(53) {
        let n: Vec<_> = l.neighbours(i).collect();
        assert!(n.len() <= 200);
        for (t, k) in n {
            assert!(l.in_lm(t) && t != i && k.bits() != 0);
        }
    }
}

/// Memory latency by working-set size on this machine (a dependent random walk over one
/// cycle through every cache line): what a table look-up costs once the table no longer fits
/// in the caches. Manual: `cargo test --release --lib lexicon::tests::latency -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn latency() {
    use std::time::Instant;
    const LINE: usize = 8; // u64s per 64-byte cache line
    for mb in [1usize, 2, 4, 8, 16, 32, 64] {
        let lines = mb << 20 >> 6;
        // Sattolo's shuffle: a random permutation that is one cycle.
        let mut next: Vec<usize> = (0..lines).collect();
        let mut x = 0x9e37_79b9u64;
        for i in (1..lines).rev() {
            x = fmix64(x.wrapping_add(GOLDEN));
            next.swap(i, (x % i as u64) as usize);
        }
        let mut mem = vec![0u64; lines * LINE];
        for (i, &j) in next.iter().enumerate() {
            mem[i * LINE] = (j * LINE) as u64;
        }
        let steps = 4_000_000usize;
        let mut p = 0usize;
        for _ in 0..steps / 8 {
            p = mem[p] as usize; // warm-up
        }
        let t = Instant::now();
        for _ in 0..steps {
            p = mem[p] as usize;
        }
        let ns = t.elapsed().as_nanos() as f64 / steps as f64;
        std::hint::black_box(p);
        println!("random dependent reads in {mb:>2} MB: {ns:.1} ns");
    }
}

/// Manual micro-benchmark: `cargo test --release --lib lexicon::tests::bench -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench() {
    use std::hint::black_box;
    use std::time::Instant;
    let t = Instant::now();
    let l = Lexicon::parse_embedded();
    let init = t.elapsed();
    let l = black_box(&l);
    let n = l.lm_len() as u64;
    let words: Vec<&str> = (0..l.vocab_len() as WordId)
        .step_by(7)
        .map(|i| l.word(i))
        .collect();
    let mut x = 0x1234_5678u64;
    let mut rnd = move || {
        x = fmix64(x.wrapping_add(GOLDEN));
        (x % n) as WordId
    };
    let ids: Vec<WordId> = (0..1 << 20).map(|_| rnd()).collect();
    // Zipf-like ids: sample from the unigram distribution (inverse CDF).
    let mut cdf = Vec::with_capacity(l.lm_len());
    let mut acc = 0f64;
    for i in 0..l.lm_len() as WordId {
        acc += 10f64.powf(l.unigram(i) as f64);
        cdf.push(acc);
    }
    let zipf: Vec<WordId> = (0..1 << 20)
        .map(|_| {
            let r = (rnd() as f64 / n as f64) * acc;
            cdf.partition_point(|&c| c < r) as WordId
        })
        .collect();
    // realistic contexts: consecutive ids from a text-ish sequence of frequent words
    let text = "the most recent example of the united states in no uncertain terms warning lights \
                were on for the details of the system with an impenetrable wall";
    let seq: Vec<WordId> = text.split(' ').map(|w| l.id(w).unwrap()).collect();

    let iters = 2_000_000usize;
    let t = Instant::now();
    let mut s = 0usize;
    for i in 0..iters {
        s += l.id(words[i % words.len()]).unwrap_or(0) as usize;
    }
    let id_ns = t.elapsed().as_nanos() as f64 / iters as f64;
    black_box(s);

    let t = Instant::now();
    let mut f = 0f32;
    for i in 0..iters {
        let k = i % (ids.len() - 3);
        f += l.logp(&ids[k..k + 2], ids[k + 2]);
    }
    let rand_ns = t.elapsed().as_nanos() as f64 / iters as f64;
    black_box(f);

    let t = Instant::now();
    for i in 0..iters {
        let k = i % (zipf.len() - 3);
        f += l.logp(&zipf[k..k + 2], zipf[k + 2]);
    }
    let zipf_ns = t.elapsed().as_nanos() as f64 / iters as f64;
    black_box(f);

    let t = Instant::now();
    for i in 0..iters {
        let k = i % (seq.len() - 3);
        f += l.logp(&seq[k..k + 2], seq[k + 2]);
    }
    let text_ns = t.elapsed().as_nanos() as f64 / iters as f64;
    black_box(f);

    // Running text (set LEXICON_BENCH_TEXT to a file of lowercase words, one sentence a line).
    if let Ok(path) = std::env::var("LEXICON_BENCH_TEXT") {
        let text = std::fs::read_to_string(path).unwrap();
        // Fault the embedded tables in first (the binary's pages load lazily).
        for (_, b) in FILES {
            black_box(b.iter().step_by(4096).fold(0u8, |a, &x| a ^ x));
        }
        let t = Instant::now();
        let mut toks = 0usize;
        let mut ids = Vec::new();
        for line in text.lines() {
            ids.clear();
            ids.push(l.bos());
            ids.extend(line.split(' ').filter_map(|w| l.id(w)));
            ids.push(l.eos());
            toks += ids.len();
            for k in 1..ids.len() {
                f += l.logp(&ids[k.saturating_sub(2)..k], ids[k]);
            }
        }
        let el = t.elapsed().as_nanos() as f64;
        eprintln!(
            "running text: {toks} tokens, id()+logp {:.1} ns/token ({:.1} MB/s of text)",
            el / toks as f64,
            text.len() as f64 / el * 1e3
        );
        black_box(f);
        let t = Instant::now();
        let mut out = vec![0f32; 4096];
        for line in text.lines() {
            ids.clear();
            ids.push(l.bos());
            ids.extend(line.split(' ').filter_map(|w| l.id(w)));
            ids.push(l.eos());
            if ids.len() > out.len() {
                out.resize(ids.len(), 0.0);
            }
            l.logp_seq(&ids, &mut out);
            f += out[ids.len() - 1];
        }
        let el = t.elapsed().as_nanos() as f64;
        eprintln!(
            "running text: id()+logp_seq {:.1} ns/token ({:.1} MB/s of text)",
            el / toks as f64,
            text.len() as f64 / el * 1e3
        );
        let t = Instant::now();
        let mut c = 0usize;
        for line in text.lines() {
            for w in line.split(' ') {
                c += l.id(w).is_some() as usize;
            }
        }
        let el = t.elapsed().as_nanos() as f64;
        eprintln!("running text: id() alone {:.1} ns/token", el / toks as f64);
        black_box((f, c));
    }

    let t = Instant::now();
    let mut c = 0usize;
    for &i in &ids[..iters / 10] {
        c += l.neighbours(i).count();
    }
    let th_ns = t.elapsed().as_nanos() as f64 / (iters / 10) as f64;
    black_box(c);

    // Raw table look-ups of random bigrams, through the filter and without it, one at a time
    // and in prefetched batches of 16 (what `ngram.swap` does).
    let bare = HashTable::parse(file("bigram.bin"), None).0;
    let filtered = HashTable::parse(file("bigram.bin"), Some(BIGRAM_FILTER)).0;
    let keys: Vec<u64> = ids
        .chunks_exact(2)
        .map(|p| fmix64((((p[0] as u64) << ID_BITS) | p[1] as u64) ^ bare.seed_mix))
        .collect();
    for (name, t_) in [("bare", &bare), ("filtered", &filtered)] {
        let t = Instant::now();
        let hits = keys.iter().filter(|&&h| t_.find_hash(h).is_some()).count();
        let one = t.elapsed().as_nanos() as f64 / keys.len() as f64;
        let t = Instant::now();
        let mut hits2 = 0;
        for ch in keys.chunks(16) {
            ch.iter().for_each(|&h| t_.prefetch_hash(h));
            hits2 += ch.iter().filter(|&&h| t_.find_hash(h).is_some()).count();
        }
        let batched = t.elapsed().as_nanos() as f64 / keys.len() as f64;
        assert_eq!(hits, hits2);
        eprintln!("random bigram look-ups, {name}: {one:.1} ns one by one, {batched:.1} ns prefetched in 16s");
    }

    eprintln!(
        "init {init:?}; id() {id_ns:.1} ns; logp uniform-random ids {rand_ns:.1} ns; \
         logp unigram-sampled ids {zipf_ns:.1} ns; \
         logp text (cached) {text_ns:.1} ns; neighbours() full scan {th_ns:.1} ns"
    );
    for (c, w) in [
        (&["no", "uncertain"][..], "terms"),
        (&["no", "unpredictable"][..], "terms"),
        (&["the"][..], "of"),
        (&["of"][..], "the"),
        (&["united"][..], "states"),
        (&["warning"][..], "lights"),
        (&["caution"][..], "lights"),
        (&["the", "most"][..], "recent"),
        (&["the", "most"][..], "current"),
        (&["most", "recent"][..], "example"),
        (&["most", "current"][..], "example"),
    ] {
        let ctx: Vec<WordId> = c.iter().map(|w| l.id(w).unwrap()).collect();
        eprintln!(
            "logp({w} | {}) = {:.3}",
            c.join(" "),
            l.logp(&ctx, l.id(w).unwrap())
        );
    }
    for w in ["unpredictable", "caution", "details", "kept"] {
        let n: Vec<String> = l
            .neighbours(l.id(w).unwrap())
            .take(12)
            .map(|(i, k)| format!("{}{:?}", l.word(i), k).replace("EdgeKind", ""))
            .collect();
        eprintln!("{w}: {}", n.join(" "));
    }
}

/// Word ids of real sentences, with words outside the language model and run edges mixed in,
/// and random model words: the contexts a [`Window`] must handle.
fn sample_runs() -> Vec<Vec<WordId>> {
    let l = lex();
    let text = "the committee will hold a hearing on the new budget next week \
                in no uncertain terms the president said the summit was a success \
                warning lights are blinking red across the intelligence community";
    let words: Vec<WordId> = text.split(' ').filter_map(|w| l.id(w)).collect();
    let (lm, vocab) = (l.lm_len() as u64, l.vocab_len() as u64);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let mut runs = vec![words.clone()];
    for _ in 0..200 {
        let len = 1 + rnd(7) as usize;
        let run = (0..len)
            .map(|_| match rnd(10) {
                0 => (lm + rnd(vocab - lm)) as WordId, // a dictionary word outside the model
                1 => l.bos(),
                2..=5 => rnd(lm) as WordId,
                _ => words[rnd(words.len() as u64) as usize],
            })
            .collect();
        runs.push(run);
    }
    runs
}

/// [`Window::local`], which shares the terms of a window between the words put in its slot
/// and looks each n-gram up once, gives every model word the local score and attestation of
/// the definitions, bit for bit; its bigram stage agrees with the plain bigram model.
#[test]
fn a_window_scores_every_word_as_the_plain_model_does() {
    let l = lex();
    let mut checked = 0;
    for ids in sample_runs() {
        for k in 0..ids.len() {
            let window = l.window(&ids, k);
            let mut words: Vec<WordId> = ids.clone();
            words.extend(l.neighbours(ids[k]).map(|(c, _)| c));
            for w in words.into_iter().filter(|&w| l.in_lm(w)) {
                let b = window.beside(w);
                let got = window.local(w, &b);
                let (want_s, want_n) = (l.local_score(&ids, k, w), l.attestation(&ids, k, w));
                assert_eq!(
                    got.score.to_bits(),
                    want_s.to_bits(),
                    "local score of {w} at {k} of {ids:?}"
                );
                assert_eq!(got.attest, want_n, "attestation of {w} at {k} of {ids:?}");
                let v = k.checked_sub(1).map(|i| ids[i]);
                let x = ids.get(k + 1).copied();
                let want = v.map_or(l.unigram(w), |v| l.logp(&[v], w))
                    + x.map_or(0.0, |x| l.logp(&[w], x));
                assert_eq!(window.bigram_score(w, &b).to_bits(), want.to_bits());
                assert_eq!(b.vw.map(|e| e.logp), v.and_then(|v| l.bigram(v, w)));
                assert_eq!(b.wx.map(|e| e.logp), x.and_then(|x| l.bigram(w, x)));
                checked += 1;
            }
        }
    }
    assert!(checked > 5_000, "only {checked} cases");
}

fn ids(words: &str) -> Vec<WordId> {
    words.split(' ').map(id).collect()
}

/// The local score is the sum of the three trigram log-probabilities that cover the slot,
/// with shorter contexts at the start and fewer terms at the end.
#[test]
fn the_local_score_sums_the_trigrams_covering_the_slot() {
    let l = lex();
    let s = ids("<s> in no uncertain terms </s>");
    let (u, v, w, x, y) = (s[1], s[2], s[3], s[4], s[5]);
    let want = l.logp(&[u, v], w) + l.logp(&[v, w], x) + l.logp(&[w, x], y);
    assert_eq!(l.local_score(&s, 3, w), want);
    // Another word in the slot changes exactly these three terms.
    let c = id("unpredictable");
    let want_c = l.logp(&[u, v], c) + l.logp(&[v, c], x) + l.logp(&[c, x], y);
    assert_eq!(l.local_score(&s, 3, c), want_c);
    assert!(want > want_c + 2.0, "{want} vs {want_c}");
    // At the edges: no `u v` at 0, only one term at the end.
    assert_eq!(l.local_score(&s, 5, s[5]), l.logp(&[s[3], s[4]], s[5]));
    assert_eq!(
        l.local_score(&s, 0, s[0]),
        l.unigram(s[0]) + l.logp(&[s[0]], s[1]) + l.logp(&[s[0], s[1]], s[2])
    );
}

/// Attestation counts what the model has explicitly: 3 per window for a trigram, 2 for the
/// bigram, 1 for neither, and 1 for the trigram after the word.
#[test]
fn attestation_counts_the_explicit_windows() {
    let l = lex();
    let s = ids("<s> in no uncertain terms </s>");
    // "in no uncertain" and "no uncertain terms" are trigrams of the model.
    let n = l.attestation(&s, 3, s[3]);
    let third = u32::from(l.trigram(s[3], s[4], s[5]).is_some());
    assert_eq!(n, 3 + 3 + third);
    // "unpredictable" after "no" and before "terms": no trigram, no "unpredictable terms".
    let c = id("unpredictable");
    assert!(l.bigram(c, s[4]).is_none());
    let first = if l.bigram(s[2], c).is_some() { 2 } else { 1 };
    assert_eq!(l.attestation(&s, 3, c), first + 1);
    // Without a word before, the first window counts 1; the last word has only that window.
    assert_eq!(l.attestation(&s[3..4], 0, s[3]), 1);
    // A span is attested at its edges only: the first window of its first word, and the
    // windows of its last word after that word's first.
    let p = ids("<s> the united states is strong");
    let (k, last) = (2, 3);
    let edges = l.attestation(&p[..=k], k, p[k]) + l.attestation(&p, last, p[last])
        - l.attestation(&p[..=last], last, p[last]);
    assert_eq!(l.span_attestation(&p, k, 2), edges);
    assert_eq!(l.span_attestation(&p, 1, 1), l.attestation(&p, 1, p[1]));
}

/// A span's log-probability sums its words' Katz probabilities, with the context of the whole
/// sequence or only of the span.
#[test]
fn span_logp_sums_the_words_in_their_context() {
    let l = lex();
    let s = ids("<s> information technology is time");
    let whole = l.logp(&[s[0]], s[1]) + l.logp(&[s[0], s[1]], s[2]) + l.logp(&[s[1], s[2]], s[3]);
    assert_eq!(l.span_logp(&s, 1..4, 0), whole);
    let own = l.unigram(s[1]) + l.logp(&[s[1]], s[2]);
    assert_eq!(l.span_logp(&s, 1..3, 1), own);
}

/// Place names have classes whose exemplars are frequent members (the class backoff of
/// `ngram.swap` judges a word beside a rare name with them).
#[test]
fn place_names_have_classes_with_frequent_exemplars() {
    let classes = lex().name_classes();
    assert!(classes.len() > 500, "{} names", classes.len());
    let class = |w: &str| classes.class_of(id(w)).map(|c| c.name.as_str());
    assert_eq!(class("helsinki"), Some("city"));
    assert_eq!(class("geneva"), Some("city"));
    assert_eq!(class("russia"), Some("country"));
    assert_eq!(class("texas"), Some("province"));
    // Common words that are also place names are not members.
    assert_eq!(class("nice"), None);
    assert_eq!(class("reading"), None);
    assert_eq!(class("summit"), None);
    let city = classes.class_of(id("helsinki")).unwrap();
    assert!(city.exemplars.len() >= 8);
    assert!(city.exemplars.contains(&id("london")));
    // Exemplars are the class's most frequent members.
    assert!(city
        .exemplars
        .windows(2)
        .all(|w| lex().unigram(w[0]) >= lex().unigram(w[1])));
}
