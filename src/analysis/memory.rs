//! How the process asks glibc's allocator to treat the memory of an analysis.
//!
//! An analysis of a 7.5 MB batch allocates blocks of 4–30 MB (the syntax tree, the
//! claims, the billing view) and frees them when the next analysis replaces it. glibc
//! serves blocks above its mmap threshold with fresh `mmap`s and unmaps them on free,
//! so every analysis faults its pages in again: 15,000–20,000 page faults for the
//! 10,000-claim batch against 2,600 before the billing view existed, about 25 ms of a
//! 75 ms analysis (`docs/performance.md`, "One-way layers"). A fixed 32 MiB threshold
//! (glibc's largest) and a trim threshold above an analysis' size keep those blocks in
//! the heap, where the next analysis reuses them: ~1,500 faults.
//!
//! The server runs a whole analysis on open and for the editor features after an
//! edit, so it gains as much as `check`; but it lives long, so after every check it
//! hands back the free pages left in the heap ([`release_unused`]).
//!
//! Other platforms' allocators have other rules; there both calls do nothing.
//!
//! The only `unsafe` in the crate (`unsafe_code` is denied everywhere else): two glibc
//! calls that take plain integers, touch no memory of ours and are thread-safe.

/// The largest mmap threshold glibc accepts on 64-bit (`DEFAULT_MMAP_THRESHOLD_MAX`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;

/// How much free memory at the top of the heap glibc keeps before giving it back on its
/// own: more than one analysis of a 7.5 MB batch (~100 MB) frees at once. At 64 MiB the
/// benchmark's analyses (beside the analysis it keeps) were trimmed and faulted back in
/// every time: 86-92 ms against 49-62 ms at this value, on a quiet machine. The server
/// does not wait for it: it trims after every check.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 512 << 20;

/// Sets the allocator up for repeated analyses; call once, first thing in `main` (the
/// benchmarks call it too, so they measure what the binary does). `true` when glibc
/// took both settings; `false` on other platforms.
pub fn configure_allocator() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only sets allocator parameters; any value is accepted or
        // refused (returning 0), from any thread, at any time.
        #[allow(unsafe_code)]
        let (mmap, trim) = unsafe {
            (
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
                libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            )
        };
        mmap == 1 && trim == 1
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// Gives the operating system back the free pages of every arena (after the server
/// dropped a whole analysis). Takes a few milliseconds on a large heap: call it off the
/// request path.
pub fn release_unused() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only returns free pages; it takes the arena locks itself.
        #[allow(unsafe_code)]
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn glibc_takes_both_settings() {
        assert!(configure_allocator());
    }

    #[test]
    fn releasing_with_nothing_freed_is_harmless() {
        let kept = vec![7u8; 1 << 20];
        release_unused();
        assert_eq!(kept.iter().map(|&b| usize::from(b)).sum::<usize>(), 7 << 20);
    }
}
