//! The Chromium process: finding the executable, the throw-away profile
//! directory, starting the process and making sure nothing of it is left behind.

use std::collections::{HashSet, VecDeque};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};
use tokio::task::JoinHandle;

use super::BrowserError;

/// Environment variable that names the Chromium executable to use.
pub(crate) const ENV_EXECUTABLE: &str = "FERRODASH_CHROMIUM";

/// Fixed locations tried after [`ENV_EXECUTABLE`], before searching `PATH`.
const FIXED_CANDIDATES: [&str; 2] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/// Program names searched on `PATH`.
const PATH_CANDIDATES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How many of Chromium's last standard-error lines a launch error shows.
const STDERR_TAIL_LINES: usize = 30;

/// Finds the Chromium executable: `explicit`, else `$FERRODASH_CHROMIUM`, else
/// `/usr/bin/chromium`, `/usr/bin/chromium-browser`, else the first of
/// `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on
/// `PATH`.
///
/// An explicit path or the environment variable is never silently ignored: if
/// it does not name an executable the search fails.
pub(crate) fn find_executable(explicit: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(path) = explicit {
        return resolve(path.as_os_str().to_owned()).ok_or_else(|| BrowserError::NotFound {
            searched: vec![path.display().to_string()],
        });
    }
    if let Some(value) = std::env::var_os(ENV_EXECUTABLE).filter(|v| !v.is_empty()) {
        let shown = format!("${ENV_EXECUTABLE}={}", value.to_string_lossy());
        return resolve(value).ok_or(BrowserError::NotFound {
            searched: vec![shown],
        });
    }
    let mut searched = Vec::new();
    for candidate in FIXED_CANDIDATES {
        if is_executable(Path::new(candidate)) {
            return Ok(PathBuf::from(candidate));
        }
        searched.push(candidate.to_owned());
    }
    for name in PATH_CANDIDATES {
        if let Some(found) = search_path(name.as_ref()) {
            return Ok(found);
        }
        searched.push(format!("{name} on PATH"));
    }
    Err(BrowserError::NotFound { searched })
}

/// A path with a separator is taken as is; a bare name is searched on `PATH`.
fn resolve(value: OsString) -> Option<PathBuf> {
    let path = PathBuf::from(value);
    if path.components().count() > 1 {
        is_executable(&path).then_some(path)
    } else {
        search_path(path.as_os_str())
    }
}

fn search_path(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let path_var = std::env::var_os("PATH")?;
    std::env::split_paths(&path_var)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// A fresh, empty directory under the system's temporary directory, used as
/// Chromium's `--user-data-dir` (and as its XDG config and cache home, so that
/// crash reports and caches stay inside it too). Removed on drop.
#[derive(Debug)]
pub(crate) struct ProfileDir {
    path: Option<PathBuf>,
}

impl ProfileDir {
    /// Creates the directory; the name is unique within the machine (process
    /// id, a per-process counter and the clock), and creation fails rather
    /// than reuse an existing directory.
    pub(crate) fn create() -> Result<Self, BrowserError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let name = format!(
                "ferrodash-chromium-{}-{}-{nanos:08x}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
            );
            let path = base.join(name);
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Self { path: Some(path) }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    return Err(BrowserError::Io {
                        action: "creating the browser profile directory",
                        path,
                        source,
                    });
                }
            }
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or_else(|| Path::new(""))
    }

    /// Removes the directory, retrying briefly: a helper process that is
    /// still exiting may write one last file into it.
    pub(crate) fn remove(mut self) -> Result<(), BrowserError> {
        match self.path.take() {
            Some(path) => remove_with_retries(&path).map_err(|source| BrowserError::Io {
                action: "removing the browser profile directory",
                path,
                source,
            }),
            None => Ok(()),
        }
    }
}

impl Drop for ProfileDir {
    fn drop(&mut self) {
        if let Some(path) = self.path.take()
            && let Err(e) = remove_with_retries(&path)
        {
            tracing::warn!(path = %path.display(), error = %e, "could not remove the browser profile directory");
        }
    }
}

fn remove_with_retries(path: &Path) -> io::Result<()> {
    let mut attempt = 0;
    loop {
        match std::fs::remove_dir_all(path) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) if attempt >= 10 => return Err(e),
            Err(_) => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// A started Chromium whose DevTools endpoint is known.
#[derive(Debug)]
pub(crate) struct Started {
    pub(crate) child: Child,
    pub(crate) ws_url: String,
    /// Keeps reading Chromium's standard error (logging it at TRACE level) so
    /// that the pipe never fills up and blocks the browser.
    pub(crate) stderr_task: JoinHandle<()>,
}

/// Starts `executable` with `args` and waits until it prints its DevTools
/// WebSocket address on standard error.
pub(crate) async fn start(
    executable: &Path,
    args: &[String],
    profile: &Path,
    launch_timeout: Duration,
) -> Result<Started, BrowserError> {
    let launch_error = |reason: String, stderr: String| BrowserError::Launch {
        executable: executable.to_path_buf(),
        reason,
        stderr,
    };
    let mut child = Command::new(executable)
        .args(args)
        .env("XDG_CONFIG_HOME", profile.join("xdg-config"))
        .env("XDG_CACHE_HOME", profile.join("xdg-cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| launch_error(e.to_string(), String::new()))?;

    let Some(stderr) = child.stderr.take() else {
        return Err(launch_error(
            "no standard error pipe".to_owned(),
            String::new(),
        ));
    };
    let mut lines = BufReader::new(stderr).lines();
    let mut tail = VecDeque::with_capacity(STDERR_TAIL_LINES);
    let found = tokio::time::timeout(launch_timeout, async {
        while let Some(line) = lines.next_line().await? {
            if let Some(url) = devtools_url(&line) {
                return Ok(Some(url));
            }
            if tail.len() == STDERR_TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
        Ok::<_, io::Error>(None)
    })
    .await;
    let show_tail = |tail: &VecDeque<String>| tail.iter().map(|l| format!("{l}\n")).collect();

    let reason = match found {
        Ok(Ok(Some(ws_url))) => {
            let stderr_task = tokio::spawn(drain_stderr(lines));
            return Ok(Started {
                child,
                ws_url,
                stderr_task,
            });
        }
        Ok(Ok(None)) => match child.wait().await {
            Ok(status) => format!("it exited ({status}) before opening its DevTools endpoint"),
            Err(e) => format!("it closed its standard error and could not be waited for: {e}"),
        },
        Ok(Err(e)) => format!("reading its standard error failed: {e}"),
        Err(_) => format!("it did not announce its DevTools endpoint within {launch_timeout:?}"),
    };
    // Nothing may outlive a failed launch.
    let _ = child.start_kill();
    let _ = child.wait().await;
    Err(launch_error(reason, show_tail(&tail)))
}

fn devtools_url(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("DevTools listening on ")?;
    let url = rest.trim();
    (url.starts_with("ws://") && url.contains("/devtools/browser/")).then(|| url.to_owned())
}

async fn drain_stderr(mut lines: tokio::io::Lines<BufReader<ChildStderr>>) {
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::trace!(target: "ferrodash_testing::chromium", "{line}");
    }
}

/// Processes that belong to one Chromium instance: the main process's
/// descendants plus anything whose command line names the profile directory
/// (Chromium's crash handler detaches from the tree but keeps its database
/// inside the profile, see [`ProfileDir`]).
///
/// Read from `/proc`; empty where there is none.
pub(crate) fn related_processes(root: u32, profile: &Path) -> HashSet<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashSet::new();
    };
    let needle = profile.as_os_str().as_encoded_bytes();
    let mut parent_of = Vec::new();
    let mut related = HashSet::from([root]);
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((_, ppid)) = stat_of(pid) {
            parent_of.push((pid, ppid));
        }
        if !needle.is_empty()
            && let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && cmdline.windows(needle.len()).any(|w| w == needle)
        {
            related.insert(pid);
        }
    }
    // Close the set under "child of": a few passes reach every depth Chromium uses.
    loop {
        let before = related.len();
        for &(pid, ppid) in &parent_of {
            if related.contains(&ppid) {
                related.insert(pid);
            }
        }
        if related.len() == before {
            return related;
        }
    }
}

/// The state letter and parent pid from `/proc/<pid>/stat`.
fn stat_of(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may itself contain spaces and ')'.
    let after_comm = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_comm.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// A process has finished when it is gone or only a zombie waiting to be
/// reaped by its (new) parent.
fn has_finished(pid: u32) -> bool {
    matches!(stat_of(pid), None | Some(('Z' | 'X' | 'x', _)))
}

/// Asks the process to shut down the way a window manager would (SIGTERM);
/// Chromium then closes its helper processes itself.
pub(crate) fn request_termination(child: &mut Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        use nix::sys::signal::{Signal, kill};
        use nix::unistd::Pid;
        if kill(Pid::from_raw(pid), Signal::SIGTERM).is_ok() {
            return;
        }
    }
    let _ = child.start_kill();
}

/// Stops Chromium without an async runtime (for `Drop`): SIGTERM, up to
/// `grace` for it to exit, then SIGKILL; then waits up to `grace` for the
/// `related` processes to finish.
pub(crate) fn stop_blocking(child: &mut Child, related: &HashSet<u32>, grace: Duration) {
    if !matches!(child.try_wait(), Ok(Some(_))) {
        request_termination(child);
        if !poll_until(grace, || matches!(child.try_wait(), Ok(Some(_)) | Err(_))) {
            tracing::warn!("chromium ignored SIGTERM for {grace:?}; killing it");
            let _ = child.start_kill();
            poll_until(grace, || matches!(child.try_wait(), Ok(Some(_)) | Err(_)));
        }
    }
    if !poll_until(grace, || related.iter().all(|&pid| has_finished(pid))) {
        tracing::warn!("some chromium helper processes were still running after {grace:?}");
    }
}

/// The async counterpart of [`stop_blocking`] for `Browser::close`: waits for
/// an exit that was already requested (over the DevTools protocol), then
/// escalates like `stop_blocking`.
pub(crate) async fn stop(child: &mut Child, related: &HashSet<u32>, grace: Duration) {
    if tokio::time::timeout(grace, child.wait()).await.is_err() {
        request_termination(child);
        if tokio::time::timeout(grace, child.wait()).await.is_err() {
            tracing::warn!("chromium did not exit after SIGTERM; killing it");
            let _ = child.kill().await;
        }
    }
    let deadline = Instant::now() + grace;
    while !related.iter().all(|&pid| has_finished(pid)) && Instant::now() < deadline {
        tokio::time::sleep(POLL).await;
    }
}

const POLL: Duration = Duration::from_millis(10);

fn poll_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devtools_url_is_found_in_chromium_banner() {
        assert_eq!(
            devtools_url("DevTools listening on ws://127.0.0.1:41234/devtools/browser/abc-1\n"),
            Some("ws://127.0.0.1:41234/devtools/browser/abc-1".to_owned())
        );
        assert_eq!(
            devtools_url("[123:456:ERROR:bus.cc(405)] Failed to connect"),
            None
        );
    }

    #[test]
    fn profile_dirs_are_distinct_and_removed() {
        let a = ProfileDir::create().unwrap();
        let b = ProfileDir::create().unwrap();
        assert_ne!(a.path(), b.path());
        let kept = a.path().to_path_buf();
        std::fs::write(kept.join("file"), b"x").unwrap();
        a.remove().unwrap();
        assert!(!kept.exists());
        let dropped = b.path().to_path_buf();
        drop(b);
        assert!(!dropped.exists());
    }

    #[test]
    fn explicit_missing_executable_is_not_found() {
        let err = find_executable(Some(Path::new("/nonexistent/chromium"))).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("/nonexistent/chromium"), "{message}");
        assert!(message.contains("apt-get install chromium"), "{message}");
    }
}
