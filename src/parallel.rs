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
/// calling thread (which works too). A panic in `work` is raised again here once the others stopped.
pub fn map_in_order<T, R>(items: &[T], work: impl Fn(&T) -> R + Sync, mut sink: impl FnMut(R))
where
    T: Sync,
    R: Send,
{
    let helpers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .saturating_sub(1);
    if helpers == 0 {
        items.iter().for_each(|item| sink(work(item)));
        return;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let window = Window::default();
    let (sender, results) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            let sender = sender.clone();
            let (next, stop, window, work) = (&next, &stop, &window, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() || !window.wait_for(i, stop) {
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
        let mut hand_back = |waiting: &mut BTreeMap<_, _>, want: &mut usize| {
            while let Some(result) = waiting.remove(&*want) {
                match result {
                    Ok(result) => sink(result),
                    Err(panic) => {
                        stop.store(true, Ordering::Relaxed);
                        window.advance(usize::MAX / 2);
                        resume_unwind(panic);
                    }
                }
                *want += 1;
            }
            window.advance(*want);
        };
        // The calling thread works as well, but never waits on the window: when it is too far ahead,
        // it takes the helpers' results instead, which is what moves the window on.
        loop {
            if next.load(Ordering::Relaxed) >= want + WINDOW {
                let Ok((i, result)) = results.recv() else {
                    break;
                };
                waiting.insert(i, result);
            } else {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                let result = catch_unwind(AssertUnwindSafe(|| work(&items[i])));
                waiting.insert(i, result);
                waiting.extend(results.try_iter());
            }
            hand_back(&mut waiting, &mut want);
        }
        for (i, result) in results {
            waiting.insert(i, result);
            hand_back(&mut waiting, &mut want);
        }
    });
}

/// Where the first result not yet handed back is, for helpers that must not run too far past it.
#[derive(Default)]
struct Window {
    /// That index, and how many helpers are waiting for it to move.
    state: Mutex<(usize, usize)>,
    moved: Condvar,
}

impl Window {
    /// Waits until item `i` is within the window; false when the run stopped meanwhile.
    fn wait_for(&self, i: usize, stop: &AtomicBool) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while i >= state.0 + WINDOW && !stop.load(Ordering::Relaxed) {
            state.1 += 1;
            state = self.moved.wait(state).unwrap_or_else(|e| e.into_inner());
            state.1 -= 1;
        }
        !stop.load(Ordering::Relaxed)
    }

    /// Moves the window's start to `first`, waking the helpers only when one waits.
    fn advance(&self, first: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.0 != first {
            state.0 = first;
            if state.1 > 0 {
                self.moved.notify_all();
            }
        }
    }
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
    fn a_slow_item_holds_the_others_at_most_a_window_ahead() {
        let items: Vec<usize> = (0..10 * WINDOW).collect();
        let slow_done = AtomicBool::new(false);
        let furthest = AtomicUsize::new(0);
        let mut handed = 0;
        map_in_order(
            &items,
            |&i| {
                if i == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    slow_done.store(true, Ordering::SeqCst);
                } else if !slow_done.load(Ordering::SeqCst) {
                    furthest.fetch_max(i, Ordering::SeqCst);
                }
            },
            |()| handed += 1,
        );
        assert_eq!(handed, items.len());
        assert!(furthest.load(Ordering::SeqCst) <= WINDOW, "{furthest:?}");
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
