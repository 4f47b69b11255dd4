//! Two clocks for a connection waiting for a request: how long it may stay silent (the idle,
//! keep-alive timeout) and, once a request's first byte arrived, how long its head may take.
//!
//! hyper's HTTP/1 server has one clock, the header-read timeout, started when the connection
//! begins waiting for a head: on a new connection and after each answer. Alone it would close a
//! kept-alive connection after the header timeout. So each connection gets its own [`HeadTimer`]
//! (hyper's server uses its timer for that clock only) and its bytes go through [`Counted`];
//! the clock's sleep waits `idle` while nothing arrives and `header` from the first byte on.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection's stream, counting the bytes read from it.
pub(crate) struct Counted<T> {
    io: T,
    read: Arc<AtomicU64>,
}

impl<T> Counted<T> {
    /// `io`, and the timer whose sleeps watch its reads.
    pub(crate) fn new(io: T, idle: Duration, header: Duration) -> (Counted<T>, HeadTimer) {
        let read = Arc::new(AtomicU64::new(0));
        let timer = HeadTimer {
            read: Arc::clone(&read),
            idle,
            header,
        };
        (Counted { io, read }, timer)
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Counted<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        let n = buf.filled().len().saturating_sub(before);
        if n > 0 {
            this.read.fetch_add(n as u64, Ordering::Relaxed);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counted<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// One connection's head clock (see the module documentation).
#[derive(Clone)]
pub(crate) struct HeadTimer {
    read: Arc<AtomicU64>,
    idle: Duration,
    header: Duration,
}

impl HeadTimer {
    fn head_sleep(&self) -> Pin<Box<dyn Sleep>> {
        Box::pin(HeadSleep {
            read: Arc::clone(&self.read),
            read_at_start: self.read.load(Ordering::Relaxed),
            header: self.header,
            started_head: false,
            sleep: Box::pin(tokio::time::sleep(self.idle)),
        })
    }
}

impl Timer for HeadTimer {
    // hyper asks for `now + header timeout`; the sleep decides its own deadline.
    fn sleep(&self, _duration: Duration) -> Pin<Box<dyn Sleep>> {
        self.head_sleep()
    }

    fn sleep_until(&self, _deadline: Instant) -> Pin<Box<dyn Sleep>> {
        self.head_sleep()
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, _new_deadline: Instant) {
        *sleep = self.head_sleep();
    }
}

/// Ends `idle` after it began if nothing was read, else `header` after the first byte was seen.
/// hyper polls it each time a read leaves the head unfinished, so a new byte is seen at once.
struct HeadSleep {
    read: Arc<AtomicU64>,
    read_at_start: u64,
    header: Duration,
    started_head: bool,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if !this.started_head && this.read.load(Ordering::Relaxed) != this.read_at_start {
            this.started_head = true;
            let deadline = tokio::time::Instant::now() + this.header;
            this.sleep.as_mut().reset(deadline);
        }
        this.sleep.as_mut().poll(cx)
    }
}

impl Sleep for HeadSleep {}
