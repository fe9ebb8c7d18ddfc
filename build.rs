//! Derive the fingerprint filters of the n-gram tables (`FpFilter` in `src/lexicon/mod.rs`)
//! from `rules/lexicon/{bigram,trigram}.bin` at compile time: a bit per possible fingerprint
//! (its low 24 bits), set when some slot holds it. Computing them here means no process pays
//! for a scan of 27 MB of tables, and nothing derived is checked in. The lexicon's tests
//! rebuild the filters from the tables and compare.

use std::{env, fs, path::PathBuf};

/// Fingerprint bits a filter covers: 2^24 bits = 2 MB.
const FILTER_BITS: u32 = 24;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-changed=build.rs");
    for name in ["bigram", "trigram"] {
        let src = root.join(format!("rules/lexicon/{name}.bin"));
        println!("cargo:rerun-if-changed={}", src.display());
        let b = fs::read(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        assert_eq!(&b[0..4], b"ULP1", "{}: bad table magic", src.display());
        let rd32 = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().expect("4 bytes"));
        let (fp_bits, slot, m_total) = (rd32(8), rd32(12) as usize, rd32(20) as usize);
        let fp_mask = (1u64 << fp_bits) - 1;
        let mask = (1u64 << fp_bits.min(FILTER_BITS)) - 1;
        let mut set = vec![0u8; (mask as usize + 1) / 8];
        let slots = &b[28..];
        for i in 0..m_total {
            let o = i * slot;
            let v = u64::from_le_bytes(slots[o..o + 8].try_into().expect("8 bytes"));
            let f = (v & fp_mask) & mask;
            if v & fp_mask != 0 {
                set[(f >> 3) as usize] |= 1 << (f & 7);
            }
        }
        fs::write(out.join(format!("{name}.filter")), set).expect("write filter");
    }
}
