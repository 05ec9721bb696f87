//! The allocator's own figures on `/metrics`, where jemalloc is the
//! allocator: what the portal holds (`allocated`) beside what the process
//! keeps from the system for it (`active`, `resident`, `retained`), so a
//! rising resident memory can be told apart from a growing heap.

use std::fmt::Write as _;

/// The figures in Prometheus's text format; empty when jemalloc cannot say.
#[must_use]
pub fn render() -> String {
    use tikv_jemalloc_ctl::{epoch, stats};
    // The statistics are a snapshot taken at the last epoch.
    if epoch::advance().is_err() {
        return String::new();
    }
    let figures = [
        (
            "allocated",
            "Bytes the portal holds in allocations.",
            stats::allocated::read(),
        ),
        (
            "active",
            "Bytes in the pages those allocations occupy.",
            stats::active::read(),
        ),
        (
            "resident",
            "Bytes of the allocator's pages in memory.",
            stats::resident::read(),
        ),
        (
            "retained",
            "Bytes of address space kept for reuse, not in memory.",
            stats::retained::read(),
        ),
    ];
    let mut out = String::new();
    for (name, help, value) in figures {
        let Ok(value) = value else { continue };
        let _ = writeln!(out, "# HELP usage_heap_{name}_bytes {help}");
        let _ = writeln!(out, "# TYPE usage_heap_{name}_bytes gauge");
        let _ = writeln!(out, "usage_heap_{name}_bytes {value}");
    }
    out
}

#[cfg(test)]
mod tests {
    // As in the portal's binary, so the figures describe this process.
    #[global_allocator]
    static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

    #[test]
    fn the_figures_are_gauges_with_values() {
        let text = super::render();
        for name in ["allocated", "active", "resident", "retained"] {
            assert!(
                text.contains(&format!("# TYPE usage_heap_{name}_bytes gauge")),
                "{text}"
            );
        }
        let allocated: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("usage_heap_allocated_bytes "))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!(allocated > 0, "{text}");
    }
}
