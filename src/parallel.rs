//! Independent pieces of one command's work, run on this thread and, when the machine has
//! another processor, on one helper thread.
//!
//! The helper is pinned to a processor other than the one this thread runs on. Measured on the
//! 2-core machines mrgen is benchmarked on: left to itself, the kernel starts a new thread on its
//! parent's processor, and one of the two then waits about 2 ms (the length of a whole render's
//! Terraform stage) before the other processor takes it; pinned, this thread never waits, and
//! the helper starts as soon as the other processor wakes. The tasks are taken in order by
//! whichever thread is free, so a helper that starts late only takes less of the work.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// One piece of work.
pub type Task<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs every task once, the first ones first; returns when all have run. A task that panics
/// panics here (mrgen's code does not panic: see the crate's lints).
pub fn run_all(tasks: Vec<Task<'_>>) {
    let queue: Vec<Mutex<Option<Task>>> = tasks.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(slot) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
            let task = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(task) = task {
                task();
            }
        }
    };
    let Some(elsewhere) = other_processors().filter(|_| queue.len() > 1) else {
        work();
        return;
    };
    std::thread::scope(|s| {
        // A helper that cannot be made leaves all the work to this thread.
        let _helper = std::thread::Builder::new().spawn_scoped(s, || {
            let _ = rustix::thread::sched_setaffinity(None, &elsewhere);
            work();
        });
        work();
    });
}

/// The processors this thread may run on, less the one it runs on now; `None` when there is no
/// other.
fn other_processors() -> Option<rustix::thread::CpuSet> {
    let mut set = rustix::thread::sched_getaffinity(None).ok()?;
    set.unset(rustix::thread::sched_getcpu());
    (set.count() > 0).then_some(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_runs_once_and_results_come_back() {
        let mut results = vec![0u64; 8];
        let tasks: Vec<Task> = results
            .iter_mut()
            .enumerate()
            .map(|(i, slot)| -> Task { Box::new(move || *slot = (i as u64 + 1) * 10) })
            .collect();
        run_all(tasks);
        assert_eq!(results, [10, 20, 30, 40, 50, 60, 70, 80]);
        run_all(Vec::new());
        let mut one = 0;
        run_all(vec![Box::new(|| one += 1)]);
        assert_eq!(one, 1);
    }

    #[test]
    fn the_helper_runs_elsewhere_when_there_is_an_elsewhere() {
        // Two tasks that each wait until both have started: they finish only if they run at the
        // same time, on two threads.
        if other_processors().is_none() {
            assert!(std::env::var_os("CI").is_none(), "CI machines have two processors");
            return;
        }
        let started = AtomicUsize::new(0);
        let threads = Mutex::new(Vec::new());
        let task = || {
            started.fetch_add(1, Ordering::SeqCst);
            let t0 = std::time::Instant::now();
            while started.load(Ordering::SeqCst) < 2 && t0.elapsed().as_secs() < 5 {
                std::thread::yield_now();
            }
            threads.lock().unwrap().push(std::thread::current().id());
        };
        run_all(vec![Box::new(task), Box::new(task)]);
        let threads = threads.into_inner().unwrap();
        assert_eq!(threads.len(), 2);
        assert_ne!(threads[0], threads[1], "the two tasks ran on two threads");
    }
}
