//! Checking a password against its stored Argon2 hash in work memory that
//! is kept and reused.
//!
//! Each check needs the hash's whole memory cost at once (19 MiB with the
//! default parameters). Allocated afresh per check, those blocks end up
//! kept by the C allocator in per-thread arenas once freed (glibc raises its
//! mmap threshold after the first large free), and a server's resident
//! memory grows with every blocking-pool thread that ever checked a
//! password. Reusing a few buffers keeps it at one buffer per check running
//! at once, whatever the allocator.

use std::sync::{Mutex, PoisonError};

use argon2::password_hash::phc::Output;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};

/// Buffers larger than this (in 1 KiB blocks: 64 MiB) are used once and
/// freed, not kept.
const KEEP_AT_MOST_BLOCKS: usize = 64 * 1024;

/// Work buffers not in use, at most [`KEEP_AT_MOST`].
static SPARE: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// How many spare buffers are kept: one per core (read once: on Linux it
/// reads the cgroup files).
static KEEP_AT_MOST: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
});

/// Whether `password` hashes to `stored`, a PHC string
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). A string that is no Argon2
/// hash matches no password. Blocks the thread for the hash's time: call it
/// off the async runtime.
pub(crate) fn verify(password: &[u8], stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let blocks = params.block_count();
    let mut out = vec![0_u8; expected.len()];
    let mut memory = take(blocks);
    let hashed = memory.get_mut(..blocks).is_some_and(|memory| {
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password, salt.as_ref(), &mut out, memory)
            .is_ok()
    });
    give_back(memory);
    // `Output`'s equality takes the same time wherever the bytes differ.
    hashed && Output::new(&out).is_ok_and(|computed| computed == *expected)
}

/// A buffer of at least `blocks` blocks: a spare one when there is one.
fn take(blocks: usize) -> Vec<Block> {
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner).pop();
    let mut memory = spare.unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    memory
}

/// Wipes a used buffer (it holds what was derived from a password) and
/// keeps it for the next check, unless enough are kept or it is too big.
fn give_back(mut memory: Vec<Block>) {
    if memory.len() > KEEP_AT_MOST_BLOCKS {
        return;
    }
    memory.fill(Block::new());
    let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    if spare.len() < *KEEP_AT_MOST {
        spare.push(memory);
    }
}

#[cfg(test)]
mod tests {
    use argon2::{Argon2, PasswordHasher, PasswordVerifier};

    use super::{KEEP_AT_MOST, SPARE, verify};

    fn stored(password: &str) -> String {
        let salt: [u8; 16] = rand::random();
        Argon2::default()
            .hash_password_with_salt(password.as_bytes(), &salt)
            .unwrap()
            .to_string()
    }

    #[test]
    fn agrees_with_the_argon2_crates_own_check() {
        let hash = stored("a long enough password");
        for password in ["a long enough password", "a long enough passwore", "", "x"] {
            assert_eq!(
                verify(password.as_bytes(), &hash),
                Argon2::default()
                    .verify_password(password.as_bytes(), hash.as_str())
                    .is_ok(),
                "{password:?}"
            );
        }
        assert!(verify(b"a long enough password", &hash));
        // Other parameters and algorithms, as stored by other tools.
        let argon2i = Argon2::new(
            argon2::Algorithm::Argon2i,
            argon2::Version::V0x10,
            argon2::Params::new(64, 2, 2, Some(24)).unwrap(),
        )
        .hash_password_with_salt(b"pw", b"saltsaltsalt")
        .unwrap()
        .to_string();
        assert!(verify(b"pw", &argon2i), "{argon2i}");
        assert!(!verify(b"pW", &argon2i));
    }

    #[test]
    fn what_is_no_argon2_hash_matches_nothing() {
        let hash = stored("a long enough password");
        for bad in [
            "",
            "plain text",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
            "$bcrypt$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            &hash.replace("v=19", "v=7"),
            &hash.replace("m=19456", "m=1"),
            &hash[..hash.len() - 4],
        ] {
            assert!(!verify(b"a long enough password", bad), "{bad:?}");
        }
    }

    #[test]
    fn buffers_are_reused_and_wiped() {
        let hash = stored("a long enough password");
        for _ in 0..4 {
            assert!(verify(b"a long enough password", &hash));
        }
        let spare = SPARE.lock().unwrap();
        assert!(!spare.is_empty());
        assert!(spare.len() <= *KEEP_AT_MOST);
        assert!(
            spare
                .iter()
                .flatten()
                .all(|block| block.as_ref().iter().all(|word| *word == 0)),
            "a kept buffer holds nothing derived from a password"
        );
    }
}
