//! Runs the remote look-ups a few at a time, with a progress line on a terminal when they are slow.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long before the progress line appears: quick runs print nothing.
const QUIET_FOR: Duration = Duration::from_millis(300);

/// Applies `work` to every item, at most `limit` at once, and returns the results in item order.
pub fn run_all<T: Sync, R: Send>(
    items: &[T],
    limit: usize,
    progress: bool,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..limit.clamp(1, items.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                done.fetch_add(1, Ordering::Release);
            });
        }
        if progress && !items.is_empty() {
            scope.spawn(|| show_progress(&done, items.len()));
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was worked on"))
        .collect()
}

/// Redraws `resolving remotes 3/7` on stderr until all are done, then erases it.
fn show_progress(done: &AtomicUsize, total: usize) {
    let start = Instant::now();
    let mut shown = None;
    loop {
        let now = done.load(Ordering::Acquire);
        if now >= total {
            break;
        }
        if start.elapsed() >= QUIET_FOR && shown != Some(now) {
            crate::console::err_control(&format!(
                "\r\x1b[2Kcachebust: resolving remotes {now}/{total}…"
            ));
            shown = Some(now);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if shown.is_some() {
        crate::console::err_control("\r\x1b[2K");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_item_order_and_the_limit_holds() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<u64> = (0..20).collect();
        let out = run_all(&items, 3, false, |&n| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5 * (n % 3)));
            running.fetch_sub(1, Ordering::SeqCst);
            n * 2
        });
        assert_eq!(out, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= 3);
    }
}
