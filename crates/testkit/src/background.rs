//! A listener on 127.0.0.1:0 served by one thread, one connection after another, until dropped.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a connection may sit silent before the server gives up on it: this bounds how long
/// a test can hang on a client that never finishes its request.
pub const IDLE: Duration = Duration::from_secs(10);

pub struct Background {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Binds a free port and serves each accepted connection with `serve`, in order. The
    /// connection's reads and writes time out after [`IDLE`].
    pub fn start(mut serve: impl FnMut(TcpStream) + Send + 'static) -> Background {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { return };
                if stream.set_read_timeout(Some(IDLE)).is_err()
                    || stream.set_write_timeout(Some(IDLE)).is_err()
                {
                    continue;
                }
                serve(stream);
            }
        });
        Background {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Background {
    /// Stops the server: the flag is raised, a connection wakes the accepting thread, and the
    /// thread is joined once it has finished the connection in hand (at most [`IDLE`] later).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
