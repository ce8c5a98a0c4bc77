//! Random codes people and machines are handed once (question tickets, API keys) and how they
//! are kept: only a SHA-256, since each code carries enough random bits that a fast hash
//! cannot be searched backwards.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Crockford's base32: no I, L, O or U, so a code read out or copied from a letter survives.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `n` random bytes (a multiple of 5) in Crockford's base32, 8 characters per 5 bytes.
pub fn random_code(n: usize) -> String {
    assert!(n.is_multiple_of(5), "whole groups of 40 bits");
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .chunks(5)
        .flat_map(|group| {
            let bits = group.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            (0..8)
                .rev()
                .map(move |i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        })
        .collect()
}

/// The lower-case hex SHA-256 of a code, as stored.
pub fn sha256_hex(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_crockford_and_differ() {
        let a = random_code(20);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, random_code(20));
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
