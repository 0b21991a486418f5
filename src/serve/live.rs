//! Live reload over Server-Sent Events, on the same port as the pages.
//!
//! tiny_http is synchronous, so an open event stream must not hold a request worker: the
//! worker hands the connection's writer to the [`Hub`] (`Request::into_writer`) and goes back
//! to serving pages. The hub writes events to every open stream and drops streams whose
//! browser went away (a write fails; a comment line every 15 s finds dead ones).
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
use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;
use tiny_http::Request;

use super::snapshot::DiagView;

pub const EVENTS_PATH: &str = "/__versus/events";
pub const SCRIPT_PATH: &str = "/__versus/live.js";

type Stream = Box<dyn Write + Send + 'static>;

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    streams: Mutex<Vec<Stream>>,
}

impl Hub {
    /// Takes over the connection of an event-stream request and greets it.
    pub fn join(&self, request: Request, hello: &serde_json::Value) {
        let mut w = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\n\
                    Content-Type: text/event-stream\r\n\
                    Cache-Control: no-store\r\n\
                    Connection: close\r\n\
                    X-Accel-Buffering: no\r\n\r\n\
                    retry: 500\n\n";
        let msg = frame(hello);
        if w.write_all(head.as_bytes()).is_ok()
            && w.write_all(msg.as_bytes()).is_ok()
            && w.flush().is_ok()
        {
            self.lock().push(w);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Stream>> {
        self.streams.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends one event to every stream, dropping the dead ones.
    pub fn send(&self, event: &serde_json::Value) {
        self.write_all(&frame(event));
    }

    fn write_all(&self, text: &str) {
        self.lock()
            .retain_mut(|w| w.write_all(text.as_bytes()).is_ok() && w.flush().is_ok());
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
            std::thread::sleep(Duration::from_secs(15));
            self.write_all(": ping\n\n");
        }
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
