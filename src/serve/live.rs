//! Live reload over Server-Sent Events, on the same port as the pages.
//!
//! tiny_http is synchronous, so an open event stream must not hold a request worker: the
//! worker hands the connection's writer to the [`Hub`] (`Request::into_writer`) and goes back
//! to serving pages. Each stream then has a thread of its own that writes its events, so a
//! browser that stops reading stalls only its own stream, never the hub, the workers or the
//! rebuild loop; a stream that falls [`BACKLOG`] events behind, or whose write fails (the
//! browser went away; a comment line every 15 s finds those), is dropped.
//!
//! A request that arrives on a connection *after* its event-stream request (only a client
//! that pipelines does that) can never be answered while the stream is open: tiny_http writes
//! the answers of one connection in order. Such requests are parked with their stream and
//! answered (500) when it ends, instead of holding a worker forever. tiny_http names a
//! connection only by its peer address, and a browser may reuse the port of a stream it has
//! just closed for a new connection; so before parking, one write to the stream tells whether
//! it is still open (the old connection was reset by then, or the port could not be reused).
//!
//! Events, each a JSON object with a `type`:
//! - `hello` (on connect): the server's id, the published version and the current build
//!   errors. A browser whose page came from another server run reloads once; one whose page
//!   is from an older version checks whether it changed (`live.js`).
//! - `change`: the new version, pages that changed, stylesheets to swap, `navigate` target.
//! - `errors`: the build failed; the overlay lists these diagnostics.
//!
//! The browser side is `live.js`; the HTML it is injected into is decided in `http`.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tiny_http::Request;

use super::snapshot::DiagView;

pub const EVENTS_PATH: &str = "/__versus/events";
pub const SCRIPT_PATH: &str = "/__versus/live.js";

/// Events a stream may have queued, unwritten, before it is dropped.
pub const BACKLOG: usize = 64;
/// How long a worker waits for a stream to say whether it is open (its thread is idle but
/// for a browser that stopped reading).
const PROBE_WAIT: Duration = Duration::from_secs(1);
const PING_EVERY: Duration = Duration::from_secs(15);

type Writer = Box<dyn Write + Send + 'static>;

enum Msg {
    Text(Arc<str>),
    Park(Request),
    /// Write a comment and say whether that worked.
    Probe(Sender<bool>),
}

/// One open event stream, as the hub sees it; its thread does the writing.
struct Stream {
    peer: Option<SocketAddr>,
    tx: Sender<Msg>,
    queued: Arc<AtomicUsize>,
}

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    streams: Mutex<Vec<Stream>>,
}

impl Hub {
    /// Takes over the connection of an event-stream request; its first event is `hello()`.
    ///
    /// `hello` is made under the hub's lock, which [`Hub::send`] takes too, and the caller
    /// publishes before it sends: whatever was published before the greeting is in it, and
    /// every event sent after it reaches this stream. (Made before the lock, a greeting could
    /// miss an event sent meanwhile, and the browser would never learn of it.)
    pub fn join(&self, request: Request, hello: impl FnOnce() -> serde_json::Value) {
        let peer = request.remote_addr().copied();
        let writer = request.into_writer();
        let (tx, rx) = mpsc::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let head = "HTTP/1.1 200 OK\r\n\
                    Content-Type: text/event-stream\r\n\
                    Cache-Control: no-store\r\n\
                    Connection: close\r\n\
                    X-Accel-Buffering: no\r\n\r\n\
                    retry: 500\n\n";
        let stream = Stream {
            peer,
            tx,
            queued: queued.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("versus-events".into())
            .spawn(move || pump(writer, &rx, &queued));
        if spawned.is_ok() {
            let mut streams = self.lock();
            stream.push(Arc::from(format!("{head}{}", frame(&hello()))));
            streams.push(stream);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Stream>> {
        self.streams.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parks `request` with the event stream open on its connection, if there is one: see
    /// the module docs. Gives the request back otherwise.
    pub fn park(&self, request: Request) -> Option<Request> {
        let Some(peer) = request.remote_addr().copied() else {
            return Some(request);
        };
        let tx = {
            let streams = self.lock();
            let Some(stream) = streams.iter().find(|s| s.peer == Some(peer)) else {
                return Some(request);
            };
            stream.tx.clone()
        };
        let (alive, answer) = mpsc::channel();
        if tx.send(Msg::Probe(alive)).is_err() || answer.recv_timeout(PROBE_WAIT) != Ok(true) {
            // A new connection from the port of a closed stream, or a stalled stream.
            return Some(request);
        }
        match tx.send(Msg::Park(request)) {
            Ok(()) => None,
            // The stream's thread has ended, and with it the answer that blocked this one.
            Err(mpsc::SendError(Msg::Park(r))) => Some(r),
            Err(_) => None,
        }
    }

    /// Sends one event to every stream, dropping the dead and the stalled ones.
    pub fn send(&self, event: &serde_json::Value) {
        self.broadcast(Arc::from(frame(event)));
    }

    fn broadcast(&self, text: Arc<str>) {
        self.lock().retain(|s| s.push(text.clone()));
    }

    /// Number of open streams.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Comments keep proxies from timing out and reveal closed streams.
    pub fn keep_alive(&self) -> ! {
        loop {
            std::thread::sleep(PING_EVERY);
            self.broadcast(Arc::from(": ping\n\n"));
        }
    }
}

impl Stream {
    /// Queues `text`; false when the stream is dead or too far behind.
    fn push(&self, text: Arc<str>) -> bool {
        self.queued.fetch_add(1, Ordering::SeqCst) < BACKLOG
            && self.tx.send(Msg::Text(text)).is_ok()
    }
}

/// A stream's thread: writes its events until the hub lets go or the browser does.
fn pump(mut writer: Writer, rx: &Receiver<Msg>, queued: &AtomicUsize) {
    let mut parked = Vec::new();
    for msg in rx {
        match msg {
            Msg::Text(text) => {
                queued.fetch_sub(1, Ordering::SeqCst);
                if writer.write_all(text.as_bytes()).is_err() || writer.flush().is_err() {
                    break;
                }
            }
            Msg::Park(request) => parked.push(request),
            Msg::Probe(answer) => {
                let open = writer.write_all(b": \n\n").is_ok() && writer.flush().is_ok();
                let _ = answer.send(open);
                if !open {
                    break;
                }
            }
        }
    }
    // Ending this answer first lets the answers queued behind it on the connection through,
    // so answering the parked requests (dropping them sends a 500) cannot block.
    drop(writer);
    drop(parked);
    for msg in rx.try_iter() {
        drop(msg);
    }
}

fn frame(event: &serde_json::Value) -> String {
    let name = event["type"].as_str().unwrap_or("message");
    format!("event: {name}\ndata: {event}\n\n")
}

pub fn hello(server_id: &str, version: u64, errors: &[DiagView]) -> serde_json::Value {
    json!({ "type": "hello", "server": server_id, "version": version, "errors": errors })
}

pub fn errors(version: u64, errors: &[DiagView]) -> serde_json::Value {
    json!({ "type": "errors", "version": version, "errors": errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that never finishes a write, like a browser that stopped reading.
    struct Stuck;
    impl Write for Stuck {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            loop {
                std::thread::park();
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A stream with `writer` on `peer`, as `join` makes it.
    fn stream(hub: &Hub, writer: Writer, peer: SocketAddr) {
        let (tx, rx) = mpsc::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let q = queued.clone();
        std::thread::spawn(move || pump(writer, &rx, &q));
        hub.lock().push(Stream {
            peer: Some(peer),
            tx,
            queued,
        });
    }

    struct Reset;
    impl Write for Reset {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::ConnectionReset.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The stress test caught a browser's new connection from the port of a stream it had just
    /// closed: its request (live.js) was parked behind the dead stream and never answered.
    #[test]
    fn only_a_request_behind_an_open_stream_is_parked() {
        let peer: SocketAddr = "127.0.0.1:50312".parse().unwrap();
        let request = || tiny_http::TestRequest::new().with_remote_addr(peer).into();
        let hub = Hub::default();
        stream(&hub, Box::new(Reset), peer);
        assert!(
            hub.park(request()).is_some(),
            "parked behind a closed stream"
        );
        let hub = Hub::default();
        stream(&hub, Box::new(std::io::sink()), peer);
        assert!(
            hub.park(request()).is_none(),
            "not parked behind an open stream"
        );
        let other: SocketAddr = "127.0.0.1:50313".parse().unwrap();
        let elsewhere = tiny_http::TestRequest::new().with_remote_addr(other);
        assert!(hub.park(elsewhere.into()).is_some());
    }

    /// A greeting made outside the lock could miss an event sent meanwhile (the stress test
    /// caught a tab that never learnt of an edit).
    #[test]
    fn the_greeting_is_made_under_the_lock_that_send_takes() {
        let hub = Hub::default();
        let mut locked = false;
        let request = tiny_http::TestRequest::new().with_path(EVENTS_PATH);
        hub.join(request.into(), || {
            locked = hub.streams.try_lock().is_err();
            json!({"type": "hello"})
        });
        assert!(locked);
        assert_eq!(hub.len(), 1);
    }

    #[test]
    fn a_stream_that_stops_reading_is_dropped_without_blocking_the_hub() {
        let hub = Hub::default();
        stream(&hub, Box::new(Stuck), "127.0.0.1:50312".parse().unwrap());
        // The thread takes at most the first event before it blocks.
        for _ in 0..BACKLOG + 2 {
            hub.send(&json!({"type": "change"}));
        }
        assert!(hub.is_empty(), "the stalled stream is still open");
    }
}
