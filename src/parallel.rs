//! Work spread over the cores with results handed back in order, so a run can print each file's
//! report as soon as it and those before it are done, holding only a window of them in memory.
use std::collections::BTreeMap;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// How far ahead of the first unfinished item the workers may go. Bounds the results waiting to be
/// handed back when one item is slow (a 1 MB `RUN`) while the others are quick.
const WINDOW: usize = 256;

/// Calls `work` on every item on all cores and `sink` on the results in the items' order, on the
/// calling thread. A panic in `work` is raised again here once the workers have stopped.
pub fn map_in_order<T, R>(items: &[T], work: impl Fn(&T) -> R + Sync, mut sink: impl FnMut(R))
where
    T: Sync,
    R: Send,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        items.iter().for_each(|item| sink(work(item)));
        return;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // The index of the first result not yet handed back; workers wait while they are WINDOW past it.
    let handed = (Mutex::new(0usize), Condvar::new());
    let (sender, results) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (next, stop, handed, work) = (&next, &stop, &handed, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() || stop.load(Ordering::Relaxed) {
                    break;
                }
                let mut first = handed.0.lock().unwrap_or_else(|e| e.into_inner());
                while i >= *first + WINDOW && !stop.load(Ordering::Relaxed) {
                    first = handed.1.wait(first).unwrap_or_else(|e| e.into_inner());
                }
                drop(first);
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let result = catch_unwind(AssertUnwindSafe(|| work(&items[i])));
                if sender.send((i, result)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (i, result) in results {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&want) {
                match result {
                    Ok(result) => sink(result),
                    Err(panic) => {
                        stop.store(true, Ordering::Relaxed);
                        handed.1.notify_all();
                        resume_unwind(panic);
                    }
                }
                want += 1;
            }
            *handed.0.lock().unwrap_or_else(|e| e.into_inner()) = want;
            handed.1.notify_all();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_whatever_finishes_first() {
        let items: Vec<u64> = (0..2000).collect();
        let mut seen = Vec::new();
        // Early items are the slow ones, so later ones finish first.
        map_in_order(
            &items,
            |&i| {
                if i % 97 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                i * 2
            },
            |r| seen.push(r),
        );
        assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let items: Vec<usize> = (0..1000).collect();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            map_in_order(
                &items,
                |&i| {
                    assert!(i != 500, "item 500");
                    i
                },
                |_| {},
            )
        }));
        let message = caught.expect_err("the panic comes back");
        let text = message
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| message.downcast_ref::<String>().cloned());
        assert_eq!(text.as_deref(), Some("item 500"));
    }
}
