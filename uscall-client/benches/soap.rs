//! Criterion micro-benchmarks of the SOAP path (`cargo bench -p uscall-client`): request
//! envelopes, small and large answers, typed rows (straight from the text and by the `Value`
//! path), a streamed recording, one whole call over loopback.
//!
//! The answers are NuSOAP's own bytes (`benches/data/nusoap-*.xml`, captured from
//! tests/php/nusoap_server.php); the 10k-row answer repeats the captured cdrSearch rows.
//! The end-to-end comparison with the floors and the peers is `scripts/bench.sh`.

use base64::Engine;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use uscall_client::fuzzing::{
    build_envelope, parse_response, parse_rows, return_round_trip, stream_recording,
};
use uscall_client::models::{self, Cdr, Extension};

const CONTENT_TYPE: Option<&str> = Some("text/xml; charset=ISO-8859-1");
const SMALL: &[u8] = include_bytes!("data/nusoap-getExtens.xml");
const CDR_12: &str = include_str!("data/nusoap-cdrSearch.xml");
const RECORDING: &str = include_str!("data/nusoap-audioDownload.xml");

/// The captured audioDownload answer with a recording of `bytes` bytes instead, written as
/// PHP's json_encode does (every `/` as `\/`).
fn recording_answer(bytes: usize) -> Vec<u8> {
    let audio: Vec<u8> = (0..bytes).map(|i| (i * 7 % 251) as u8).collect();
    let b64 = base64::engine::general_purpose::STANDARD
        .encode(&audio)
        .replace('/', "\\/");
    let key = "arquivo_base_64&quot;:&quot;";
    let start = RECORDING.find(key).expect("the recording's key") + key.len();
    let end = start + RECORDING[start..].find("&quot;").expect("the string's end");
    format!("{}{b64}{}", &RECORDING[..start], &RECORDING[end..]).into_bytes()
}

/// The captured cdrSearch answer with its rows repeated to `rows` rows.
fn cdr_answer(rows: usize) -> Vec<u8> {
    let open = CDR_12.find("[{").expect("a row list") + 1;
    let close = CDR_12.rfind("}]").expect("a row list") + 1;
    let captured: Vec<&str> = CDR_12[open + 1..close - 1].split("},{").collect();
    let mut out = String::with_capacity(rows * (close - open) / captured.len() + 1024);
    out.push_str(&CDR_12[..open]);
    for i in 0..rows {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        out.push_str(captured[i % captured.len()]);
        out.push('}');
    }
    out.push_str(&CDR_12[close..]);
    out.into_bytes()
}

/// The JSON inside the 10k-row answer (what the envelope's `return` part carries).
fn cdr_json(body: &[u8]) -> String {
    parse_response("cdrSearch", body, CONTENT_TYPE, 200)
        .expect("the generated answer parses")
        .raw()
        .to_owned()
}

fn parsing(c: &mut Criterion) {
    let large = cdr_answer(10_000);
    let mut group = c.benchmark_group("parse_response");
    for (name, operation, body) in [
        ("getExtens_8_rows", "getExtens", SMALL),
        ("cdrSearch_10k_rows", "cdrSearch", &large[..]),
    ] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), body, |b, body| {
            b.iter(|| {
                parse_response(operation, black_box(body), CONTENT_TYPE, 200).expect("parses")
            });
        });
    }
    group.finish();

    // What a typed call does (the JSON text straight into the models), and the `Value` path it
    // falls back to for rows that do not decode.
    let mut group = c.benchmark_group("typed_rows");
    group.throughput(Throughput::Bytes(SMALL.len() as u64));
    group.bench_function("getExtens_8_rows", |b| {
        b.iter(|| {
            parse_rows::<Extension>("getExtens", black_box(SMALL), CONTENT_TYPE, 200).expect("rows")
        });
    });
    group.bench_function("getExtens_8_rows_value_path", |b| {
        b.iter(|| {
            let response =
                parse_response("getExtens", black_box(SMALL), CONTENT_TYPE, 200).expect("parses");
            models::rows::<Extension>(&response).expect("rows")
        });
    });
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("cdrSearch_10k_rows", |b| {
        b.iter(|| {
            let rows =
                parse_rows::<Cdr>("cdrSearch", black_box(&large), CONTENT_TYPE, 200).expect("rows");
            assert_eq!(rows.len(), 10_000);
            rows
        });
    });
    group.bench_function("cdrSearch_10k_rows_value_path", |b| {
        b.iter(|| {
            let response =
                parse_response("cdrSearch", black_box(&large), CONTENT_TYPE, 200).expect("parses");
            let rows = models::rows::<Cdr>(&response).expect("rows");
            assert_eq!(rows.len(), 10_000);
            rows
        });
    });
    group.finish();

    // A 4 MB recording streamed in 16 KiB pieces, as a download reads it.
    let recording = recording_answer(4 << 20);
    let mut group = c.benchmark_group("recording_stream");
    group.throughput(Throughput::Bytes(recording.len() as u64));
    group.bench_function("audioDownload_4MB", |b| {
        b.iter(|| {
            let audio = stream_recording(black_box(&recording), CONTENT_TYPE, 16 << 10);
            assert_eq!(audio, Ok(Some(4 << 20)));
        });
    });
    group.finish();
}

/// Request envelopes as calls build them: getExtens (token only given) and cdrSearch with
/// every part given, accents and XML specials included.
fn building(c: &mut Criterion) {
    let mut group = c.benchmark_group("envelope_build");
    for (name, all) in [("getExtens", false), ("cdrSearch", true)] {
        let op = uscall_client::Client::operation(name).expect("in the WSDL");
        let args: Vec<Option<&str>> = op
            .params
            .iter()
            .map(|p| match p.name {
                "token" => Some("bench-token"),
                n if n.starts_with("data") && all => Some("2025-06-02 00:00:00"),
                _ if all => Some("Recepção & <Financeiro>"),
                _ => None,
            })
            .collect();
        group.bench_function(name, |b| {
            b.iter(|| build_envelope(black_box(name), &args).expect("builds"));
        });
    }
    group.finish();
}

/// Argument text escaped into an envelope the way requests are built, then read back.
/// (The request builder itself is crate-private; this is its public escaping path.)
fn envelope(c: &mut Criterion) {
    let small = "Recepção & <Financeiro> \"2001\"";
    let large = cdr_json(&cdr_answer(10_000));
    let mut group = c.benchmark_group("envelope_round_trip");
    for (name, text) in [
        ("short_argument", small),
        ("cdrSearch_10k_json", large.as_str()),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| {
                return_round_trip(black_box(text))
                    .expect("XML can carry it")
                    .expect("reads back")
            });
        });
    }
    group.finish();
}

/// One whole typed call (envelope, HTTP over loopback keep-alive, parse, rows) against a
/// server that answers the captured bytes at once.
fn call(c: &mut Criterion) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding loopback");
    let url = format!(
        "http://{}/aplicativos/webservice/wsuscall.php",
        listener.local_addr().expect("address")
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = uscall_client::Client::new(&url, "bench-token").expect("client");
    c.bench_function("call/getExtens_loopback", |b| {
        b.iter(|| runtime.block_on(client.get_extens().send()).expect("call"));
    });
}

/// Answers every request on one keep-alive connection with the captured getExtens answer.
fn serve(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {}\r\n\r\n",
        SMALL.len()
    );
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let length = String::from_utf8_lossy(&buf[..end])
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while buf.len() < end + 4 + length {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..end + 4 + length);
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(SMALL).is_err() {
            return;
        }
    }
}

criterion_group!(benches, parsing, building, envelope, call);
criterion_main!(benches);
