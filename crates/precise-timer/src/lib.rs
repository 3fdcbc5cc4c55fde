//! A precise timer for async deadlines: the emulator's frames and the
//! benchmark's open-loop arrivals.
//!
//! tokio's timer has millisecond resolution and rounds every deadline up
//! to the next tick, so a frame or a call would start up to a few
//! milliseconds late.
//! This timer keeps absolute deadlines in a heap on one dedicated thread
//! that sleeps with the kernel's high-resolution timers (timer slack set to
//! 1 µs) and wakes each waiting task when its deadline passes.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::Thread;
use std::time::Instant;

/// One waiting deadline.
#[derive(Debug)]
struct Entry {
    deadline: Instant,
    waker: Mutex<Option<Waker>>,
    fired: AtomicBool,
}

/// Heap order: earliest deadline first.
#[derive(Debug)]
struct Due(Arc<Entry>);

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.0.deadline == other.0.deadline
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        other.0.deadline.cmp(&self.0.deadline)
    }
}

#[derive(Debug)]
struct Inner {
    heap: Mutex<BinaryHeap<Due>>,
    thread: Mutex<Option<Thread>>,
    stop: AtomicBool,
}

/// The timer; clones share one thread. The thread ends when the last
/// clone is dropped.
#[derive(Debug, Clone)]
pub struct PreciseTimer {
    inner: Arc<Inner>,
    _owner: Arc<Owner>,
}

/// Stops the thread when the last handle goes.
#[derive(Debug)]
struct Owner(Arc<Inner>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = lock(&self.0.thread).as_ref() {
            thread.unpark();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl PreciseTimer {
    /// Start the timer thread. If it cannot start, deadlines still work:
    /// every sleep then completes on its first poll after the deadline
    /// (each poll re-checks the clock), which only costs precision.
    pub fn start(name: &str) -> Self {
        let inner = Arc::new(Inner {
            heap: Mutex::new(BinaryHeap::new()),
            thread: Mutex::new(None),
            stop: AtomicBool::new(false),
        });
        let thread_inner = Arc::clone(&inner);
        if let Ok(handle) = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || run(&thread_inner))
        {
            *lock(&inner.thread) = Some(handle.thread().clone());
        }
        PreciseTimer {
            _owner: Arc::new(Owner(Arc::clone(&inner))),
            inner,
        }
    }

    /// A future that completes at `deadline`.
    pub fn sleep_until(&self, deadline: Instant) -> PreciseSleep {
        PreciseSleep {
            timer: self.clone(),
            deadline,
            entry: None,
        }
    }

    fn register(&self, entry: Arc<Entry>) {
        let earliest = {
            let mut heap = lock(&self.inner.heap);
            let earliest = heap.peek().is_none_or(|d| entry.deadline < d.0.deadline);
            heap.push(Due(entry));
            earliest
        };
        if earliest && let Some(thread) = lock(&self.inner.thread).as_ref() {
            thread.unpark();
        }
    }
}

fn run(inner: &Inner) {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_TIMERSLACK) only changes this thread's timer
    // slack (how late the kernel may fire its sleeps), 1 µs here.
    unsafe {
        libc::prctl(libc::PR_SET_TIMERSLACK, 1_000 as libc::c_ulong);
    }
    let mut due = Vec::new();
    while !inner.stop.load(Ordering::SeqCst) {
        let next = {
            let mut heap = lock(&inner.heap);
            let now = Instant::now();
            while heap.peek().is_some_and(|d| d.0.deadline <= now) {
                if let Some(Due(entry)) = heap.pop() {
                    due.push(entry);
                }
            }
            heap.peek().map(|d| d.0.deadline)
        };
        for entry in due.drain(..) {
            entry.fired.store(true, Ordering::Release);
            if let Some(waker) = lock(&entry.waker).take() {
                waker.wake();
            }
        }
        match next {
            Some(deadline) => {
                std::thread::park_timeout(deadline.saturating_duration_since(Instant::now()))
            }
            None => std::thread::park(),
        }
    }
}

/// Completes at its deadline.
#[derive(Debug)]
pub struct PreciseSleep {
    timer: PreciseTimer,
    deadline: Instant,
    entry: Option<Arc<Entry>>,
}

impl PreciseSleep {
    /// The instant this sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Wait for a new deadline instead.
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline = deadline;
        self.entry = None;
    }
}

impl Future for PreciseSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        match &self.entry {
            Some(entry) if entry.fired.load(Ordering::Acquire) => Poll::Ready(()),
            Some(entry) => {
                *lock(&entry.waker) = Some(cx.waker().clone());
                // The timer may have fired between the check and the store.
                if entry.fired.load(Ordering::Acquire) {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            None => {
                let entry = Arc::new(Entry {
                    deadline: self.deadline,
                    waker: Mutex::new(Some(cx.waker().clone())),
                    fired: AtomicBool::new(false),
                });
                self.entry = Some(Arc::clone(&entry));
                self.timer.register(entry);
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sleeps_end_at_their_deadline_not_before() {
        let timer = PreciseTimer::start("test-timer");
        let mut late = Vec::new();
        for i in 0..50u64 {
            let deadline = Instant::now() + Duration::from_micros(300 + 97 * i);
            timer.sleep_until(deadline).await;
            let now = Instant::now();
            assert!(now >= deadline, "woke before the deadline");
            late.push(now - deadline);
        }
        late.sort();
        // A loose bound: the point is sub-millisecond, far below tokio's
        // timer resolution, even on a busy machine.
        assert!(
            late[25] < Duration::from_millis(1),
            "median lateness {:?}",
            late[25]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_concurrent_sleeps_all_complete_in_order_of_deadline() {
        let timer = PreciseTimer::start("test-timer");
        let start = Instant::now();
        let tasks: Vec<_> = (0..200u64)
            .map(|i| {
                let timer = timer.clone();
                tokio::spawn(async move {
                    let deadline = start + Duration::from_micros(1000 + (i * 37) % 5000);
                    timer.sleep_until(deadline).await;
                    Instant::now() >= deadline
                })
            })
            .collect();
        for task in tasks {
            assert!(task.await.expect("task"));
        }
    }
}
