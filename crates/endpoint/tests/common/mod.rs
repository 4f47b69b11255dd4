//! What the endpoint's HTTP tests share: `serve` on 127.0.0.1:0 for a console, on its own
//! runtime thread, answering the address it listens on.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod federation;

use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::Duration;

/// Serves `console` with `options` on a free loopback port and answers its address once it
/// listens (within 10 s).
pub fn serve(console: console_api::Console, options: endpoint::Options) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let result = rt.block_on(endpoint::serve_with(console, addr, options, move |bound| {
            let _ = tx.send(bound);
        }));
        if let Err(e) = result {
            eprintln!("endpoint stopped: {e}");
        }
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the endpoint is listening within 10 s")
}
