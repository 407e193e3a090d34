//! `sim-server`: the usage-lens simulator behind a loopback HTTP server, for
//! browser, Node and end-to-end tests.
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

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use tiny_http::{Header, Method as TinyMethod, Request, Response, Server};
use usage_lens::http::{HttpRequest, HttpResponse, Method};
use usage_lens::sim::Sim;

/// Largest request body read (bytes); larger bodies get 413.
const MAX_BODY: u64 = 1_048_576;
/// Worker threads sharing the simulator.
const WORKERS: usize = 16;

const EXPOSED: &str =
    "Retry-After, ININ-Correlation-Id, inin-ratelimit-allowed, inin-ratelimit-count, \
inin-ratelimit-reset, X-Organization-Rate-Limit-Limit, X-Organization-Rate-Limit-Remaining, \
X-Organization-Rate-Limit-Reset, Location";

struct Options {
    port: u16,
    seed: u64,
    exec_ms: Option<u64>,
    exit_on_stdin_close: bool,
    verbose: bool,
}

fn usage_and_exit(message: &str) -> ! {
    eprintln!("sim-server: {message}");
    eprintln!("usage: sim-server [--port N] [--seed S] [--exec-ms MS] [--exit-on-stdin-close] [--verbose]");
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
                println!("usage: sim-server [--port N] [--seed S] [--exec-ms MS] [--exit-on-stdin-close] [--verbose]");
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

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn cors_headers(origin: Option<&str>) -> Vec<Header> {
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
    .filter_map(|(n, v)| header(n, v))
    .collect()
}

fn respond(
    request: Request,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    origin: Option<&str>,
) {
    let mut response = Response::from_data(body).with_status_code(status);
    for (n, v) in &headers {
        if let Some(h) = header(n, v) {
            response.add_header(h);
        }
    }
    for h in cors_headers(origin) {
        response.add_header(h);
    }
    // A client that went away is not our problem.
    let _ = request.respond(response);
}

fn serve_one(sim: &Mutex<Sim>, mut request: Request, verbose: bool) {
    let origin = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Origin"))
        .map(|h| h.value.as_str().to_string());
    let origin = origin.as_deref();
    let url = request.url().to_string();
    if verbose {
        let path = url.split(['?', '#']).next().unwrap_or("");
        eprintln!("{} {path}", request.method());
    }
    let method = match request.method() {
        TinyMethod::Get => Method::Get,
        TinyMethod::Post => Method::Post,
        TinyMethod::Options => return respond(request, 204, Vec::new(), Vec::new(), origin),
        _ => {
            let allow = vec![("Allow".to_string(), "GET, POST, OPTIONS".to_string())];
            return respond(request, 405, allow, b"method not allowed".to_vec(), origin);
        }
    };
    let mut bytes = Vec::new();
    if request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return respond(
            request,
            400,
            Vec::new(),
            b"could not read the request body".to_vec(),
            origin,
        );
    }
    if bytes.len() as u64 > MAX_BODY {
        return respond(
            request,
            413,
            Vec::new(),
            b"request body too large".to_vec(),
            origin,
        );
    }
    let mut req = HttpRequest::new(method, url);
    for h in request.headers() {
        req.headers.push((
            h.field.as_str().as_str().to_string(),
            h.value.as_str().to_string(),
        ));
    }
    if method == Method::Post || !bytes.is_empty() {
        req.body = Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    let mut resp: HttpResponse = {
        let mut guard = match sim.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.handle(&req, now_ms())
    };
    if let Some(ms) = usage_lens::sim::take_stall(&mut resp) {
        // A stalled connection: the answer comes, but late.
        std::thread::sleep(std::time::Duration::from_millis(ms.min(120_000)));
    }
    if resp.status == usage_lens::sim::DROPPED {
        // No CORS headers: a browser sees a failed fetch, as for a dropped connection.
        let _ = request.respond(Response::from_data(Vec::new()).with_status_code(502));
        return;
    }
    respond(
        request,
        resp.status,
        resp.headers,
        resp.body.into_bytes(),
        origin,
    );
}

fn main() {
    let options = parse_args();
    let mut sim = Sim::new(options.seed);
    if let Some(ms) = options.exec_ms {
        sim = sim.with_default_exec_ms(ms);
    }
    let server = match Server::http(("127.0.0.1", options.port)) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!(
                "sim-server: cannot listen on 127.0.0.1:{}: {e}",
                options.port
            );
            std::process::exit(1)
        }
    };
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
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
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let server = Arc::clone(&server);
            let sim = Arc::clone(&sim);
            let verbose = options.verbose;
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    serve_one(&sim, request, verbose);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
}
