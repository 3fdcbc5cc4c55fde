//! The server: accept loop (with the connection limit) and graceful stop;
//! each connection speaks HTTP/1.1 or HTTP/2 ([`super::connection`]), and
//! each request is answered by [`super::handler`].

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use super::connection;
use super::connections::{Backoff, Connections};
use super::state::Shared;

/// Accept connections until `stop` turns true, then let in-flight streams
/// finish (every connection sees `stop` too, and closes once it has none)
/// for at most `grace`. At the connection limit, the connection just
/// accepted waits (and no other is accepted) until a slot frees; see
/// [`super::connections`].
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) {
    let protocols = Arc::new(connection::protocols());
    let mut backoff = Backoff::default();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stop| *stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => {
                backoff.reset();
                stream
            }
            Err(error) => {
                // Out of file descriptors or similar: pause (longer each
                // time) rather than spin.
                shared.connections.note_accept_error(&error);
                tokio::select! {
                    () = tokio::time::sleep(backoff.next_pause()) => continue,
                    _ = stop.wait_for(|stop| *stop) => break,
                }
            }
        };
        shared.connections.note_accepted();
        if !wait_for_slot(&shared.connections, &mut stop).await {
            break;
        }
        connection::spawn(
            stream,
            shared.connections.open(),
            &shared,
            &protocols,
            &stop,
        );
    }
    drop(listener);
    shared.begin_shutdown();
    let _ = tokio::time::timeout(grace, shared.connections.all_closed()).await;
}

/// How often a full accept loop looks again for an idle connection, even
/// when nothing woke it.
const MAKE_ROOM_RETRY: Duration = Duration::from_millis(100);

/// Wait until the connection limit leaves room, asking the longest-idle
/// connection to close meanwhile. `false` if the emulator stops first.
async fn wait_for_slot(connections: &Connections, stop: &mut watch::Receiver<bool>) -> bool {
    if connections.has_room() {
        return true;
    }
    connections.note_deferred();
    loop {
        connections.make_room();
        tokio::select! {
            () = connections.changed() => {}
            () = tokio::time::sleep(MAKE_ROOM_RETRY) => {}
            _ = stop.wait_for(|stop| *stop) => return false,
        }
        if connections.has_room() {
            return true;
        }
    }
}
