//! `sim-server`: the usage-lens simulator behind a loopback HTTP server, for
//! browser, Node, SDK and end-to-end tests.
//!
//! ```text
//! sim-server [--port N] [--seed S] [--exec-ms MS] [--exit-on-stdin-close] [--verbose]
//! ```
//!
//! Binds `127.0.0.1` only (port 0 picks a free port), prints exactly one line
//! `listening on http://127.0.0.1:<port>` to stdout, then serves until killed
//! (SIGTERM's default action ends it) or, with `--exit-on-stdin-close`, until
//! stdin reaches end of file, so that a parent that dies takes it down.
//! Every response carries CORS headers; `OPTIONS` preflights get 204.
//! Nothing is logged but, with `--verbose`, the method and path (never the
//! query, headers or body) of each request on stderr.
//!
//! It speaks HTTP/1.1 with keep-alive over plain `std::net`, so that it can
//! do what a test of faults needs and a ready-made server hides:
//! - an answer the simulator holds back (`stall=`) is held on an open
//!   connection, and when the client gives up and closes it meanwhile, the
//!   scenario's `clientAborts` counter says so;
//! - a dropped connection (`drop=`) is one: the headers arrive, then the
//!   connection closes in the middle of the body, which every HTTP client
//!   (a browser's `fetch`, Node's, Python's) reports as a network failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use usage_lens::http::{HttpRequest, HttpResponse, Method};
use usage_lens::sim::Sim;

/// Largest request body read (bytes); larger bodies get 413.
const MAX_BODY: usize = 1_048_576;
/// Largest request line plus headers (bytes); larger get 431.
const MAX_HEAD: usize = 65_536;
/// How long an idle keep-alive connection stays open.
const IDLE: Duration = Duration::from_secs(60);
/// The longest an answer is held back.
const MAX_STALL_MS: u64 = 120_000;

const EXPOSED: &str =
    "Retry-After, ININ-Correlation-Id, inin-ratelimit-allowed, inin-ratelimit-count, \
inin-ratelimit-reset, X-Organization-Rate-Limit-Limit, X-Organization-Rate-Limit-Remaining, \
X-Organization-Rate-Limit-Reset, Location";

const USAGE: &str =
    "usage: sim-server [--port N] [--seed S] [--exec-ms MS] [--exit-on-stdin-close] [--verbose]";

struct Options {
    port: u16,
    seed: u64,
    exec_ms: Option<u64>,
    exit_on_stdin_close: bool,
    verbose: bool,
}

fn usage_and_exit(message: &str) -> ! {
    eprintln!("sim-server: {message}");
    eprintln!("{USAGE}");
    std::process::exit(2)
}

fn parse_args() -> Options {
    let mut o = Options {
        port: 8787,
        seed: 1,
        exec_ms: None,
        exit_on_stdin_close: false,
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| -> String {
            inline
                .clone()
                .or_else(|| args.next())
                .unwrap_or_else(|| usage_and_exit(&format!("{what} needs a value")))
        };
        match name.as_str() {
            "--port" => {
                o.port = value("--port")
                    .parse()
                    .unwrap_or_else(|_| usage_and_exit("bad --port"))
            }
            "--seed" => {
                o.seed = value("--seed")
                    .parse()
                    .unwrap_or_else(|_| usage_and_exit("bad --seed"))
            }
            "--exec-ms" => {
                o.exec_ms = Some(
                    value("--exec-ms")
                        .parse()
                        .unwrap_or_else(|_| usage_and_exit("bad --exec-ms")),
                )
            }
            "--exit-on-stdin-close" => o.exit_on_stdin_close = true,
            "--verbose" => o.verbose = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            other => usage_and_exit(&format!("unknown argument {other}")),
        }
    }
    o
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// One request as read off the connection.
struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The client asked to close the connection after this answer.
    close: bool,
}

impl Incoming {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read: answer with this status and close.
struct Refusal(u16, &'static str);

/// Reads one line of the head, counting it against the head's limit.
fn read_line(reader: &mut impl BufRead, budget: &mut usize) -> Result<Option<String>, Refusal> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|_| Refusal(0, ""))?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(Refusal(431, "request header fields too large"));
    }
    *budget -= n;
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| Refusal(400, "the request head is not UTF-8"))
}

/// Reads the next request, or `None` when the client closed the connection.
fn read_request(reader: &mut impl BufRead) -> Result<Option<Incoming>, Refusal> {
    let mut budget = MAX_HEAD;
    let request_line = loop {
        match read_line(reader, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(Refusal(505, "only HTTP/1.x is spoken here"));
    }
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut budget)?.ok_or(Refusal(0, ""))?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Refusal(400, "malformed header line"));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut incoming = Incoming {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
        close: version == "HTTP/1.0",
    };
    if let Some(c) = incoming.header("connection") {
        let c = c.to_ascii_lowercase();
        incoming.close = c.contains("close") || (incoming.close && !c.contains("keep-alive"));
    }
    let chunked = incoming
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        incoming.body = read_chunked(reader)?;
    } else if let Some(len) = incoming.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| Refusal(400, "bad Content-Length"))?;
        if len > MAX_BODY {
            return Err(Refusal(413, "request body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).map_err(|_| Refusal(0, ""))?;
        incoming.body = body;
    }
    Ok(Some(incoming))
}

/// Reads a chunked request body.
fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, Refusal> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let size_line = read_line(reader, &mut budget)?.ok_or(Refusal(0, ""))?;
        let size_text = size_line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size_text, 16).map_err(|_| Refusal(400, "bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut budget = MAX_HEAD;
                match read_line(reader, &mut budget)? {
                    Some(l) if !l.is_empty() => continue,
                    _ => return Ok(body),
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(Refusal(413, "request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|_| Refusal(0, ""))?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(|_| Refusal(0, ""))?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

/// The CORS headers every answer carries, echoing a sane `Origin`.
fn cors_headers(origin: Option<&str>) -> Vec<(String, String)> {
    let origin = origin
        .filter(|o| !o.is_empty() && o.len() < 512 && o.bytes().all(|b| (0x21..0x7f).contains(&b)))
        .unwrap_or("*");
    [
        ("Access-Control-Allow-Origin", origin),
        (
            "Access-Control-Allow-Headers",
            "authorization, content-type, accept",
        ),
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Expose-Headers", EXPOSED),
        ("Access-Control-Max-Age", "600"),
        ("Vary", "Origin"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect()
}

/// A header value safe to write: no line breaks.
fn clean(v: &str) -> String {
    v.chars().filter(|c| *c != '\r' && *c != '\n').collect()
}

/// Writes an answer's status line and headers (Content-Length included).
fn head(status: u16, headers: &[(String, String)], length: usize, close: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (n, v) in headers {
        if n.eq_ignore_ascii_case("content-length") || n.eq_ignore_ascii_case("connection") {
            continue;
        }
        out.push_str(&format!("{}: {}\r\n", clean(n), clean(v)));
    }
    out.push_str(&format!("Content-Length: {length}\r\n"));
    out.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    out.into_bytes()
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    mut headers: Vec<(String, String)>,
    body: &[u8],
    origin: Option<&str>,
    close: bool,
) -> bool {
    headers.extend(cors_headers(origin));
    let mut bytes = head(status, &headers, body.len(), close);
    bytes.extend_from_slice(body);
    stream
        .write_all(&bytes)
        .and_then(|()| stream.flush())
        .is_ok()
}

/// Whether the client has closed its side of the connection (without
/// consuming anything it sent).
fn client_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut probe = [0u8; 1];
    let closed = match stream.peek(&mut probe) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    closed
}

/// Holds an answer back `ms`, watching the connection. False when the
/// client closed it meanwhile (it gave up on the request).
fn hold(stream: &TcpStream, ms: u64) -> bool {
    let until = Instant::now() + Duration::from_millis(ms.min(MAX_STALL_MS));
    while Instant::now() < until {
        if client_closed(stream) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    !client_closed(stream)
}

fn lock(sim: &Mutex<Sim>) -> std::sync::MutexGuard<'_, Sim> {
    match sim.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Serves one connection until either side closes it.
fn serve_connection(sim: &Mutex<Sim>, stream: TcpStream, verbose: bool) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        let incoming = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) | Err(Refusal(0, _)) => return,
            Err(Refusal(status, why)) => {
                let _ = respond(&mut stream, status, Vec::new(), why.as_bytes(), None, true);
                return;
            }
        };
        if !serve_one(sim, &mut stream, &incoming, verbose) || incoming.close {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Answers one request; false when the connection must end.
fn serve_one(sim: &Mutex<Sim>, stream: &mut TcpStream, incoming: &Incoming, verbose: bool) -> bool {
    let origin = incoming.header("origin");
    if verbose {
        let path = incoming.target.split(['?', '#']).next().unwrap_or("");
        eprintln!("{} {path}", incoming.method);
    }
    let close = incoming.close;
    let method = match incoming.method.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "OPTIONS" => return respond(stream, 204, Vec::new(), b"", origin, close),
        _ => {
            let allow = vec![("Allow".to_string(), "GET, POST, OPTIONS".to_string())];
            return respond(stream, 405, allow, b"method not allowed", origin, close);
        }
    };
    let mut req = HttpRequest::new(method, incoming.target.clone());
    req.headers = incoming.headers.clone();
    if method == Method::Post || !incoming.body.is_empty() {
        req.body = Some(String::from_utf8_lossy(&incoming.body).into_owned());
    }
    let mut resp: HttpResponse = lock(sim).handle(&req, now_ms());
    if let Some(ms) = usage_lens::sim::take_stall(&mut resp) {
        // A stalled connection: the answer comes late, unless the client
        // gives up first, which the scenario's stats then record.
        if !hold(stream, ms) {
            lock(sim).record_client_abort(&req);
            return false;
        }
    }
    if resp.status == usage_lens::sim::DROPPED {
        // The connection breaks in the middle of the body.
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        headers.extend(cors_headers(origin));
        let mut bytes = head(200, &headers, 4_096, false);
        bytes.extend_from_slice(b"{\"results\":[");
        let _ = stream.write_all(&bytes).and_then(|()| stream.flush());
        return false;
    }
    respond(
        stream,
        resp.status,
        resp.headers,
        resp.body.as_bytes(),
        origin,
        close,
    )
}

fn main() {
    let options = parse_args();
    let mut sim = Sim::new(options.seed);
    if let Some(ms) = options.exec_ms {
        sim = sim.with_default_exec_ms(ms);
    }
    let listener = match TcpListener::bind(("127.0.0.1", options.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "sim-server: cannot listen on 127.0.0.1:{}: {e}",
                options.port
            );
            std::process::exit(1)
        }
    };
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on http://127.0.0.1:{port}");
    let _ = stdout.flush();

    if options.exit_on_stdin_close {
        std::thread::spawn(|| {
            let mut stdin = std::io::stdin();
            let mut buf = [0u8; 1024];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => std::process::exit(0),
                    Ok(_) => {}
                }
            }
        });
    }

    let sim = Arc::new(Mutex::new(sim));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let sim = Arc::clone(&sim);
        let verbose = options.verbose;
        std::thread::spawn(move || serve_connection(&sim, stream, verbose));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn read(raw: &str) -> Result<Option<Incoming>, Refusal> {
        read_request(&mut BufReader::new(raw.as_bytes()))
    }

    #[test]
    fn requests_are_read_with_their_headers_and_body() {
        let r = read(
            "POST /v7/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nX-A:  b \r\n\r\nbodyNEXT",
        )
        .ok()
        .flatten()
        .unwrap();
        assert_eq!(
            (r.method.as_str(), r.target.as_str()),
            ("POST", "/v7/x?a=1")
        );
        assert_eq!(r.header("x-a"), Some("b"));
        assert_eq!(r.body, b"body");
        assert!(!r.close);
        let chunked = read("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab{}\r\n3;x=y\r\n123\r\n0\r\n\r\n")
            .ok()
            .flatten()
            .unwrap();
        assert_eq!(chunked.body, b"ab{}123");
        assert!(read("").ok().unwrap().is_none(), "a closed connection");
        let old = read("GET / HTTP/1.0\r\n\r\n").ok().flatten().unwrap();
        assert!(old.close);
        let close = read("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .ok()
            .flatten()
            .unwrap();
        assert!(close.close);
    }

    #[test]
    fn oversized_or_malformed_requests_are_refused_with_a_status() {
        let status = |raw: &str| match read(raw) {
            Err(Refusal(s, _)) => s,
            Ok(_) => 200,
        };
        let huge_head = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(status(&huge_head), 431);
        let huge_body = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(status(&huge_body), 413);
        assert_eq!(status("GET / HTTP/2\r\n\r\n"), 505);
        assert_eq!(status("GARBAGE\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nno colon\r\n\r\n"), 400);
        assert_eq!(status("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"), 400);
        assert_eq!(
            status("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nshort"),
            0,
            "cut off: just close"
        );
    }

    #[test]
    fn answers_cannot_be_split_by_header_values() {
        let h = head(
            200,
            &[("X-Evil".into(), "a\r\nSet-Cookie: b".into())],
            2,
            false,
        );
        let text = String::from_utf8(h).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("X-Evil: aSet-Cookie: b\r\n"));
        assert!(text.ends_with("Content-Length: 2\r\nConnection: keep-alive\r\n\r\n"));
    }

    #[test]
    fn a_client_that_closes_a_held_connection_is_counted_and_a_patient_one_is_answered() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let sim = Arc::new(Mutex::new(Sim::new(1)));
        let server_sim = Arc::clone(&sim);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let sim = Arc::clone(&server_sim);
                std::thread::spawn(move || serve_connection(&sim, stream, false));
            }
        });
        let ask = |scenario: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(
                s,
                "GET /_s/{scenario}/v7/quotas HTTP/1.1\r\nAuthorization: Bearer t\r\n\r\n"
            )
            .unwrap();
            s
        };
        // Held 5 s; the client leaves after 200 ms.
        let impatient = ask("id=gone;stall=1;stallms=5000");
        std::thread::sleep(Duration::from_millis(200));
        drop(impatient);
        std::thread::sleep(Duration::from_millis(300));
        let stats = lock(&sim).stats("gone");
        assert_eq!((stats.stalled, stats.client_aborts), (1, 1));
        // Held 300 ms; the client waits and gets its answer.
        let mut patient = ask("id=stays;stall=1;stallms=300");
        let mut answer = String::new();
        patient
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut buf = [0u8; 4096];
        while !answer.contains("\"quotas\"") {
            let n = patient.read(&mut buf).unwrap();
            assert!(n > 0, "closed early: {answer}");
            answer.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        assert!(answer.starts_with("HTTP/1.1 200 OK"));
        assert_eq!(lock(&sim).stats("stays").client_aborts, 0);
        // A dropped connection: the headers, then the body breaks off.
        let mut dropped = ask("id=cut;drop=1");
        let mut raw = Vec::new();
        dropped.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(raw.contains("Content-Length: 4096"), "{raw}");
        assert!(raw.ends_with("{\"results\":["), "{raw}");
    }
}
