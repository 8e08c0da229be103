//! Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
//! numbers: as easy as 1, 2, 3" (SC 2011), as specified by Random123.
//!
//! A block of four 32-bit words is a pure function of a 128-bit counter and a 64-bit key, so
//! every element, step and call site can draw its numbers independently of thread count and
//! evaluation order.

/// Multipliers of the two Philox S-boxes.
pub(crate) const MULTIPLIER: [u32; 2] = [0xD251_1F53, 0xCD9E_8D57];
/// Weyl sequence added to the key between rounds (golden ratio and sqrt(3) - 1).
pub(crate) const KEY_BUMP: [u32; 2] = [0x9E37_79B9, 0xBB67_AE85];
/// Random123 recommends 10 rounds for Philox4x32 (the variant that passes BigCrush with margin).
pub(crate) const ROUNDS: usize = 10;

/// A 128-bit Philox counter.
pub type Counter = [u32; 4];
/// A 64-bit Philox key.
pub type Key = [u32; 2];

#[inline(always)]
fn mul_hi_lo(a: u32, b: u32) -> (u32, u32) {
    let product = u64::from(a) * u64::from(b);
    ((product >> 32) as u32, product as u32)
}

#[inline(always)]
fn round(ctr: Counter, key: Key) -> Counter {
    let (hi0, lo0) = mul_hi_lo(MULTIPLIER[0], ctr[0]);
    let (hi1, lo1) = mul_hi_lo(MULTIPLIER[1], ctr[2]);
    [hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0]
}

/// Philox4x32 with 10 rounds: one block of four random words for `(counter, key)`.
#[inline]
pub fn philox4x32_10(counter: Counter, key: Key) -> [u32; 4] {
    let mut ctr = counter;
    let mut key = key;
    ctr = round(ctr, key);
    for _ in 1..ROUNDS {
        key = [
            key[0].wrapping_add(KEY_BUMP[0]),
            key[1].wrapping_add(KEY_BUMP[1]),
        ];
        ctr = round(ctr, key);
    }
    ctr
}

/// [`philox4x32_10`] for `N` counters at once, the same words as one call per counter. The
/// words are laid out by position so that the rounds of all blocks run side by side (one block
/// alone is a chain of ten dependent rounds; here the compiler can vectorise the products).
pub fn philox4x32_10_many<const N: usize>(counters: &[Counter; N], key: Key) -> [Counter; N] {
    let mut words = [[0u32; N]; 4];
    for (k, counter) in counters.iter().enumerate() {
        for (position, word) in counter.iter().enumerate() {
            words[position][k] = *word;
        }
    }
    let mut key = key;
    for round_number in 0..ROUNDS {
        if round_number > 0 {
            key = [
                key[0].wrapping_add(KEY_BUMP[0]),
                key[1].wrapping_add(KEY_BUMP[1]),
            ];
        }
        let [w0, w1, w2, w3] = &mut words;
        for k in 0..N {
            let (hi0, lo0) = mul_hi_lo(MULTIPLIER[0], w0[k]);
            let (hi1, lo1) = mul_hi_lo(MULTIPLIER[1], w2[k]);
            let next = [hi1 ^ w1[k] ^ key[0], lo1, hi0 ^ w3[k] ^ key[1], lo0];
            (w0[k], w1[k], w2[k], w3[k]) = (next[0], next[1], next[2], next[3]);
        }
    }
    std::array::from_fn(|k| [words[0][k], words[1][k], words[2][k], words[3][k]])
}

/// [`philox4x32_10`] for `N` counters held word by word (`words[position][k]`), each 32-bit
/// word in a 64-bit lane, transformed in place into the blocks' words. In this form the
/// compiler turns the rounds into vector code (the masks tell it that the products are 32 x 32
/// -> 64 bits: `pmuludq`); the array-of-counters form of [`philox4x32_10_many`] stays scalar.
#[inline]
pub fn philox4x32_10_words<const N: usize>(words: &mut [[u64; N]; 4], key: Key) {
    const LOW: u64 = 0xffff_ffff;
    let (m0, m1) = (u64::from(MULTIPLIER[0]), u64::from(MULTIPLIER[1]));
    let (mut k0, mut k1) = (u64::from(key[0]), u64::from(key[1]));
    for round_number in 0..ROUNDS {
        if round_number > 0 {
            k0 = (k0 + u64::from(KEY_BUMP[0])) & LOW;
            k1 = (k1 + u64::from(KEY_BUMP[1])) & LOW;
        }
        let [w0, w1, w2, w3] = words;
        for k in 0..N {
            let p0 = (w0[k] & LOW) * m0;
            let p1 = (w2[k] & LOW) * m1;
            let next0 = (p1 >> 32) ^ w1[k] ^ k0;
            let next2 = (p0 >> 32) ^ w3[k] ^ k1;
            w1[k] = p1 & LOW;
            w3[k] = p0 & LOW;
            w0[k] = next0;
            w2[k] = next2;
        }
    }
}

/// [`philox4x32_10_words`], four 64-bit lanes at a time where the CPU has AVX2 (the baseline
/// target has SSE2 only: two): the same words either way.
pub fn philox4x32_10_words_wide<const N: usize>(words: &mut [[u64; N]; 4], key: Key) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2 (checked just above).
        unsafe { philox4x32_10_words_avx2(words, key) };
        return;
    }
    philox4x32_10_words(words, key);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn philox4x32_10_words_avx2<const N: usize>(words: &mut [[u64; N]; 4], key: Key) {
    philox4x32_10_words(words, key);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_word_by_word_give_the_words_of_one_at_a_time() {
        let key = [0xdead_beef, 0x0bad_cafe];
        let counters: [Counter; 6] =
            std::array::from_fn(|k| [u32::MAX - k as u32, k as u32 * 3, 0x1234, 0xffff]);
        let mut words = [[0u64; 6]; 4];
        for (k, counter) in counters.iter().enumerate() {
            for position in 0..4 {
                words[position][k] = u64::from(counter[position]);
            }
        }
        let mut wide = words;
        philox4x32_10_words(&mut words, key);
        philox4x32_10_words_wide(&mut wide, key);
        assert_eq!(wide, words);
        for (k, counter) in counters.iter().enumerate() {
            let got: [u32; 4] = std::array::from_fn(|position| words[position][k] as u32);
            assert_eq!(got, philox4x32_10(*counter, key));
            assert!(words.iter().all(|w| w[k] >> 32 == 0));
        }
    }

    #[test]
    fn many_blocks_at_once_give_the_words_of_one_at_a_time() {
        let counters: [Counter; 5] =
            std::array::from_fn(|k| [k as u32 * 7, u32::MAX - k as u32, 3, 0xC0_4E_C7]);
        let key = [0x1234_5678, 0x9abc_def0];
        let many = philox4x32_10_many(&counters, key);
        for (counter, words) in counters.iter().zip(&many) {
            assert_eq!(*words, philox4x32_10(*counter, key));
        }
    }

    /// Known-answer vectors from Random123's `tests/kat_vectors` (the three `philox4x32 10`
    /// lines: counter, key, expected output).
    const KAT: [(Counter, Key, [u32; 4]); 3] = [
        (
            [0, 0, 0, 0],
            [0, 0],
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8],
        ),
        (
            [u32::MAX; 4],
            [u32::MAX; 2],
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd],
        ),
        (
            [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
            [0xa409_3822, 0x299f_31d0],
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1],
        ),
    ];

    #[test]
    fn matches_random123_known_answers() {
        for (counter, key, expected) in KAT {
            assert_eq!(
                philox4x32_10(counter, key),
                expected,
                "counter {counter:08x?}"
            );
        }
    }

    #[test]
    fn neighbouring_counters_differ_in_about_half_the_bits() {
        let a = philox4x32_10([0, 0, 0, 0], [1, 2]);
        let b = philox4x32_10([1, 0, 0, 0], [1, 2]);
        let flipped: u32 = a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum();
        assert!((32..=96).contains(&flipped), "{flipped} of 128 bits differ");
    }
}
