//! Hashing and precompressing the embedded files.
//!
//! Every blob lands in `OUT_DIR/embed/` under a name derived from the SHA-256 of the
//! raw bytes and the encoder settings, so a rerun of the build script (after `npm ci`
//! touched the files, say) only compresses what really changed. Blobs no longer
//! referenced are deleted at the end.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::{BuildError, Result};

/// Brotli window (log2 of bytes). 22 (4 MiB) is the encoder default; a 16 MiB window
/// (24) saved less than 0.01 % on plotly.js (4.8 MB) when measured.
const BROTLI_LGWIN: i32 = 22;

/// How much CPU time a file's brotli variant deserves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effort {
    /// Loaded by every page or chunk a page loads: quality 11, the smallest output.
    Served,
    /// Source maps and development builds, fetched only while debugging: quality 9,
    /// about twelve times faster than quality 11 and 10–15 % larger.
    Debug,
}

impl Effort {
    /// The brotli quality used for this effort.
    fn brotli_quality(self) -> i32 {
        match self {
            Self::Served => 11,
            Self::Debug => 9,
        }
    }
}

/// A file to embed.
#[derive(Debug)]
pub(crate) struct Input {
    /// URL package (`dash`, `plotly`; empty for the favicon).
    pub(crate) package: &'static str,
    /// URL path without fingerprint.
    pub(crate) path: String,
    /// The raw content.
    pub(crate) bytes: Vec<u8>,
    /// How hard to compress it.
    pub(crate) effort: Effort,
}

/// A blob written to the embed folder.
#[derive(Debug, Clone)]
pub(crate) struct Blob {
    /// File name inside the embed folder.
    pub(crate) name: String,
    /// Size in bytes.
    pub(crate) len: usize,
}

/// An embedded file, ready for code generation.
#[derive(Debug)]
pub(crate) struct Embedded {
    /// URL package (`dash`, `plotly`; empty for the favicon).
    pub(crate) package: &'static str,
    /// URL path without fingerprint.
    pub(crate) path: String,
    /// The raw bytes.
    pub(crate) raw: Blob,
    /// The gzip variant, when smaller than the raw bytes.
    pub(crate) gzip: Option<Blob>,
    /// The brotli variant, when smaller than the raw bytes.
    pub(crate) brotli: Option<Blob>,
    /// Strong ETag, quoted.
    pub(crate) etag: String,
    /// Content-derived cache-busting token (hex).
    pub(crate) fingerprint: String,
    /// Content-Type header value.
    pub(crate) content_type: &'static str,
    /// Brotli quality used.
    pub(crate) brotli_quality: i32,
}

/// One compression job.
#[derive(Clone, Copy, Debug)]
enum Codec {
    /// gzip, flate2 best compression.
    Gzip,
    /// brotli at the given quality.
    Brotli(i32),
}

impl Codec {
    /// Suffix of the blob name, naming the encoder settings.
    fn suffix(self) -> String {
        match self {
            Self::Gzip => "gz9".to_owned(),
            Self::Brotli(quality) => format!("br{quality}w{BROTLI_LGWIN}"),
        }
    }

    /// Rough relative CPU cost per input byte, to start the slowest jobs first.
    fn cost(self) -> usize {
        match self {
            Self::Gzip => 1,
            Self::Brotli(quality) if quality >= 11 => 40,
            Self::Brotli(quality) if quality >= 10 => 20,
            Self::Brotli(_) => 3,
        }
    }

    /// Compresses `raw`.
    fn encode(self, raw: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Gzip => {
                // The default header has mtime 0, so the output is reproducible.
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(raw.len() / 3),
                    flate2::Compression::best(),
                );
                encoder.write_all(raw)?;
                encoder.finish()
            }
            Self::Brotli(quality) => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality,
                    lgwin: BROTLI_LGWIN,
                    size_hint: raw.len(),
                    ..Default::default()
                };
                let mut out = Vec::with_capacity(raw.len() / 4);
                brotli::BrotliCompress(&mut &raw[..], &mut out, &params)?;
                Ok(out)
            }
        }
    }
}

/// Timing of one build-script run, for `build-summary.txt`.
#[derive(Debug, Default)]
pub(crate) struct Timing {
    /// Jobs actually compressed (not found in the cache).
    pub(crate) compressed: usize,
    /// Jobs found in the cache.
    pub(crate) cached: usize,
    /// CPU time spent compressing, summed over threads.
    pub(crate) cpu: Duration,
    /// Wall-clock time of the compression phase.
    pub(crate) wall: Duration,
    /// Threads used.
    pub(crate) threads: usize,
}

/// Hashes, stores and compresses every input into `dir`.
pub(crate) fn run(dir: &Path, inputs: Vec<Input>) -> Result<(Vec<Embedded>, Timing)> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BuildError::new(format!("cannot create {}: {e}", dir.display())))?;
    let mut keep = BTreeSet::new();
    let mut digests = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let digest: [u8; 32] = Sha256::digest(&input.bytes).into();
        let raw_name = format!("{}.raw", hex(&digest));
        store(dir, &raw_name, &input.bytes)?;
        keep.insert(raw_name);
        digests.push(digest);
    }

    let mut jobs: Vec<_> = inputs
        .iter()
        .zip(&digests)
        .enumerate()
        .flat_map(|(i, (input, digest))| {
            [
                (i, Codec::Gzip, input, digest),
                (
                    i,
                    Codec::Brotli(input.effort.brotli_quality()),
                    input,
                    digest,
                ),
            ]
        })
        .collect();
    jobs.sort_by_key(|&(_, codec, input, _)| std::cmp::Reverse(input.bytes.len() * codec.cost()));

    let threads = thread_count();
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let results: Vec<(usize, Codec, Result<Compressed>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(i, codec, input, digest)) = jobs.get(n) else {
                            break;
                        };
                        let name = format!("{}.{}", hex(digest), codec.suffix());
                        done.push((i, codec, compress_cached(dir, name, codec, input)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            // A worker's panic goes on as this thread's.
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut timing = Timing {
        wall: started.elapsed(),
        threads,
        ..Timing::default()
    };

    let mut gzip: Vec<Option<Blob>> = vec![None; inputs.len()];
    let mut brotli: Vec<Option<Blob>> = vec![None; inputs.len()];
    for (i, codec, result) in results {
        let (blob, took) = result?;
        match took {
            Some(took) => {
                timing.compressed += 1;
                timing.cpu += took;
            }
            None => timing.cached += 1,
        }
        keep.insert(blob.name.clone());
        // Keep the blob cached either way, but only serve a variant that saves bytes.
        let slot = match codec {
            Codec::Gzip => gzip.get_mut(i),
            Codec::Brotli(_) => brotli.get_mut(i),
        };
        if let (Some(slot), Some(input)) = (slot, inputs.get(i))
            && blob.len < input.bytes.len()
        {
            *slot = Some(blob);
        }
    }
    remove_stale(dir, &keep)?;

    let embedded = inputs
        .into_iter()
        .zip(digests)
        .zip(gzip.into_iter().zip(brotli))
        .map(|((input, digest), (gzip, brotli))| Embedded {
            content_type: content_type(&input.path),
            raw: Blob {
                name: format!("{}.raw", hex(&digest)),
                len: input.bytes.len(),
            },
            etag: format!("\"{}\"", hex(&digest[..16])),
            fingerprint: hex(&digest[..4]),
            brotli_quality: input.effort.brotli_quality(),
            package: input.package,
            path: input.path,
            gzip,
            brotli,
        })
        .collect();
    Ok((embedded, timing))
}

/// Number of compression threads: cargo's job count, capped by the machine.
fn thread_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let jobs = std::env::var("NUM_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .unwrap_or(cores);
    jobs.min(cores).max(1)
}

/// A compressed blob and the time compressing took (`None` for a cache hit).
type Compressed = (Blob, Option<Duration>);

/// Returns the blob `name`, compressing `input` into it unless it already exists.
fn compress_cached(dir: &Path, name: String, codec: Codec, input: &Input) -> Result<Compressed> {
    let path = dir.join(&name);
    if let Ok(meta) = std::fs::metadata(&path)
        && meta.is_file()
    {
        let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        return Ok((Blob { name, len }, None));
    }
    let started = Instant::now();
    let bytes = codec
        .encode(&input.bytes)
        .map_err(|e| BuildError::new(format!("cannot compress {}: {e}", input.path)))?;
    let took = started.elapsed();
    store(dir, &name, &bytes)?;
    Ok((
        Blob {
            name,
            len: bytes.len(),
        },
        Some(took),
    ))
}

/// Writes `bytes` to `dir/name` unless a file of that size is already there (names
/// are content hashes). Writes go through a temporary file so an interrupted build
/// never leaves a truncated blob behind.
fn store(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let tmp = dir.join(format!("{name}.tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| BuildError::new(format!("cannot write {}: {e}", path.display())))
}

/// Deletes files in `dir` that are not in `keep` (blobs of older package versions,
/// leftovers of interrupted runs).
fn remove_stale(dir: &Path, keep: &BTreeSet<String>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| BuildError::new(format!("cannot list {}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let stale = entry
            .file_name()
            .to_str()
            .is_none_or(|name| !keep.contains(name));
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Content-Type for a URL path, from its extension (protocol §3.3).
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "map" => "application/json",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Writes a human-readable report of the run (sizes, timing) to `path`.
pub(crate) fn write_summary(
    path: &Path,
    embedded: &[Embedded],
    timing: &Timing,
    total: Duration,
) -> Result<()> {
    let variant = |blob: &Option<Blob>| blob.as_ref().map_or(0, |b| b.len);
    let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
    let mut text = String::new();
    for file in embedded {
        raw += file.raw.len;
        gzip += variant(&file.gzip);
        brotli += variant(&file.brotli);
        let _ = writeln!(
            text,
            "{:>9} raw {:>9} gz {:>9} br(q{:>2})  {}/{}",
            file.raw.len,
            variant(&file.gzip),
            variant(&file.brotli),
            file.brotli_quality,
            file.package,
            file.path
        );
    }
    let _ = writeln!(
        text,
        "total: {} files, raw {raw} B, gzip {gzip} B, brotli {brotli} B",
        embedded.len()
    );
    let _ = writeln!(
        text,
        "compression: {} jobs run, {} cached, {:.1} s CPU, {:.1} s wall on {} threads; \
         build script total {:.1} s",
        timing.compressed,
        timing.cached,
        timing.cpu.as_secs_f64(),
        timing.wall.as_secs_f64(),
        timing.threads,
        total.as_secs_f64()
    );
    std::fs::write(path, text)
        .map_err(|e| BuildError::new(format!("cannot write {}: {e}", path.display())))
}
