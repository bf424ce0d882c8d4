//! Whole answers streamed: generated, damaged, large, foreign, from the corpus, at random, timed.

use super::*;

#[test]
fn generated_answers_stream_whatever_the_split() {
    for audio in [Vec::new(), noise(1), noise(2), noise(3), wav(700)] {
        for g in variants(audio) {
            let body = g.body();
            for sizes in SPLITS {
                assert_eq!(
                    check(&body, CONTENT_TYPE, sizes),
                    Outcome::Streamed,
                    "{g:?} {sizes:?}"
                );
            }
            assert_eq!(
                check(&body, None, &[5]),
                check(&body, Some("text/xml"), &[5])
            );
        }
    }
}

#[test]
fn damaged_small_answers_never_fail_midway() {
    for g in variants(noise(2000)) {
        let body = g.body();
        let len = body.len();
        let mut damaged: Vec<Vec<u8>> = (1..10).map(|k| body[..len * k / 10].to_vec()).collect();
        for k in 1..10 {
            damaged.push(edited(&body, len * k / 10, b"<", true));
            damaged.push(edited(&body, len * k / 10, b"&bogus;", false));
        }
        let b64 = memchr::memmem::find(&body, b"base_64").unwrap() + 40;
        damaged.push(edited(&body, b64, b"*", true));
        damaged.push(edited(&body, b64, b"=", true));
        // Some edits are harmless (quick-xml takes `<` inside an attribute value); the
        // check compares with the whole path either way, and nothing was written yet.
        for body in &damaged {
            for sizes in [&[usize::MAX][..], &[1], &[9, 2]] {
                assert_ne!(check(body, CONTENT_TYPE, sizes), Outcome::Malformed);
            }
        }
    }
}

#[test]
fn errors_found_after_writing_are_malformed() {
    let g = Gen::new(noise(600 * 1024));
    let body = g.body();
    let late = body.len() - 1000;
    for damaged in [
        body[..late].to_vec(),
        edited(&body, late, b"<", true),
        edited(&body, late, b"&bogus;", false),
        edited(&body, late, b"!", true),
        edited(&body, body.len() - 5, b"x", false),
    ] {
        assert_eq!(
            check(&damaged, CONTENT_TYPE, &[16 * 1024]),
            Outcome::Malformed
        );
    }
    // Early damage is found before the first write.
    assert_eq!(
        check(&edited(&body, 5000, b"!", true), CONTENT_TYPE, &[4096]),
        Outcome::Whole
    );
    // After a failure, feeding again repeats it.
    let mut decoder = RecordingStream::new(Some("ISO-8859-1"));
    let mut sink = |_: &[u8]| Ok(());
    let damaged = edited(&body, late, b"!", true);
    assert!(decoder.feed(&damaged, &mut sink).is_err());
    assert!(matches!(
        decoder.feed(b"more", &mut sink),
        Err(StreamError::Malformed { .. })
    ));
}

#[test]
fn large_answers_stream_in_pieces() {
    for g in [
        Gen::new(wav(400_000)),
        Gen {
            crlf: true,
            list: true,
            ..Gen::new(noise(700_000))
        },
    ] {
        let body = g.body();
        for sizes in [&[usize::MAX][..], &[16 * 1024], &[65_537, 3]] {
            assert_eq!(check(&body, CONTENT_TYPE, sizes), Outcome::Streamed);
        }
    }
}

#[test]
fn a_failing_sink_is_an_io_error() {
    let body = Gen::new(noise(600 * 1024)).body();
    let mut decoder = RecordingStream::new(None);
    let mut sink = |_: &[u8]| Err(io::Error::other("disk full"));
    let fed = decoder.feed(&body, &mut sink);
    assert!(matches!(fed, Err(StreamError::Io(_))), "{fed:?}");
}

#[test]
fn faults_html_and_other_charsets_go_whole() {
    let fault = br#"<?xml version="1.0" encoding="ISO-8859-1"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Falha</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    let html = b"<html><head><title>Erro</title></head><body>Erro</body></html>";
    let body = Gen::new(noise(100)).body();
    let utf16: Vec<u8> = String::from_utf8_lossy(&body)
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for (body, content_type) in [
        (&fault[..], CONTENT_TYPE),
        (html, Some("text/html")),
        (&utf16, Some("text/xml; charset=utf-16")),
        (&body, Some("text/xml; charset=iso-8859-2")),
        (b"", None),
    ] {
        for sizes in SPLITS {
            assert_eq!(check(body, content_type, sizes), Outcome::Whole);
        }
    }
}

/// The corpus responses: headers split off, chunked and gzip ones skipped.
#[test]
fn corpus_answers_match_the_whole_path() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "http") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        let split = memchr::memmem::find(&raw, b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        if head.contains("chunked") || head.contains("content-encoding: gzip") {
            continue;
        }
        let content_type = head
            .lines()
            .find_map(|l| l.strip_prefix("content-type:"))
            .map(str::trim);
        let body = &raw[split + 4..];
        for sizes in SPLITS {
            check(body, content_type, sizes);
        }
        seen += 1;
    }
    assert!(seen > 40, "only {seen} corpus files in {}", dir.display());
}

fn any_gen() -> impl Strategy<Value = Gen> {
    (
        prop::collection::vec(any::<u8>(), 0..1500),
        prop_oneof![Just(Names::Ascii), Just(Names::Utf8), Just(Names::Latin1)],
        any::<[bool; 5]>(),
    )
        .prop_map(
            |(audio, names, [list, crlf, numeric_quotes, cdata, bom])| Gen {
                audio,
                names,
                list,
                crlf,
                numeric_quotes,
                cdata,
                bom: bom && names != Names::Latin1,
            },
        )
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..200, 1..20)
}

proptest! {
    #[test]
    fn generated_answers_stream(g in any_gen(), sizes in sizes()) {
        prop_assert_eq!(check(&g.body(), CONTENT_TYPE, &sizes), Outcome::Streamed);
    }

    #[test]
    fn edited_answers_match_the_whole_path(
        g in any_gen(),
        at in 0.0..1.0f64,
        byte in prop::sample::select(b"<>&;\"\\/\r\n]=-?!#x0Au \xc3\xe9\xff".to_vec()),
        replace in any::<bool>(),
        sizes in sizes(),
    ) {
        let body = g.body();
        let body = edited(&body, (body.len() as f64 * at) as usize, &[byte], replace);
        check(&body, CONTENT_TYPE, &sizes);
        check(&body, Some("text/xml; charset=utf-8"), &sizes);
    }

    #[test]
    fn garbage_never_panics(
        head in prop::sample::select(vec![&b""[..], b"\xef\xbb\xbf", b"<?xml version='1.0'?>"]),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        sizes in sizes(),
    ) {
        let mut body = head.to_vec();
        body.extend_from_slice(&soap("{\"retorno\":{\"arquivo_base_64\":\"")[..]);
        body.extend_from_slice(&bytes);
        check(&body, None, &sizes);
        check(&bytes, None, &sizes);
    }
}

/// The benchmark's answer: a WAV of `USCALL_STREAM_BENCH_MB` megabytes (2 unless set),
/// base64, PHP's `\/`, NuSOAP's `&quot;` and envelope, fed in 16 KiB chunks to a sink that
/// discards. Run with `--release`, `--nocapture` and the variable at 60 to measure the
/// throughput (`USCALL_STREAM_BENCH_RUNS` times, 1 unless set).
#[test]
fn benchmark_answer_throughput() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let audio = wav(env("USCALL_STREAM_BENCH_MB", 2) * 1_000_000 / 2);
    let body = Gen::new(audio.clone()).body();
    let mut rates = Vec::new();
    for _ in 0..env("USCALL_STREAM_BENCH_RUNS", 1) {
        let started = std::time::Instant::now();
        let mut decoder = RecordingStream::new(Some("ISO-8859-1"));
        let mut count = 0u64;
        let mut sink = |piece: &[u8]| {
            count += piece.len() as u64;
            Ok(())
        };
        for chunk in body.chunks(16 * 1024) {
            decoder.feed(chunk, &mut sink).unwrap();
        }
        let finished = decoder.finish(&mut sink).unwrap();
        rates.push(body.len() as f64 / 1e6 / started.elapsed().as_secs_f64());
        let streamed =
            matches!(finished, Finished::Streamed { audio_bytes, .. } if audio_bytes == count);
        assert!(streamed && count == audio.len() as u64);
    }
    rates.sort_by(f64::total_cmp);
    eprintln!(
        "streamed a {:.1} MB answer ({:.1} MB of audio) {} times: median {:.0} MB/s, best {:.0} MB/s",
        body.len() as f64 / 1e6,
        audio.len() as f64 / 1e6,
        rates.len(),
        rates[rates.len() / 2],
        rates[rates.len() - 1],
    );
}
