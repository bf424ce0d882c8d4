//! A hostile PBX for tests: a server on a free loopback port with one [`Mode`] per way an
//! answer can attack or confuse a client (echoed secrets, terminal escapes, huge or malformed
//! answers), counting the requests it gets. It reads at most [`MAX_REQUEST`] bytes of a
//! request, answers each connection once and closes it, and stops with the test's runtime.

use crate::{element_text, header, http_response, read_request};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::AsyncWriteExt;

/// The largest request the server reads; a test's requests are a few kilobytes.
pub const MAX_REQUEST: usize = 1 << 20;

/// A token for calls to the hostile server, with the characters that escaping changes (`/`,
/// `&`, `$`, `.`) and a core (`Zq8Kp`) that occurs nowhere else.
pub const TOKEN: &str = "$1$a/b&c$Zq8Kp.NotSeen";

/// A password hash for agent-login calls to it, likewise unique.
pub const SENHAMD5: &str = "5f4dcc3b5aa765d61d8327deb882cf99";

/// Where an answer carries what the mode puts in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The service's message: `{"retorno": "..."}` in a NuSOAP envelope (HTTP 200).
    ServiceMessage,
    /// A SOAP fault's `faultstring` (HTTP 500).
    Fault,
    /// An HTML error page (HTTP 500), as a PHP or proxy error shows it.
    Html500,
    /// A redirect's `Location` header (HTTP 302).
    Redirect,
    /// A field of a cdrSearch row (a caller's name), for the table and CSV formats.
    Row,
}

/// Every place, for tests that try them all.
pub const PLACES: [Place; 5] = [
    Place::ServiceMessage,
    Place::Fault,
    Place::Html500,
    Place::Redirect,
    Place::Row,
];

/// How an echoed secret is spelled on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// As sent.
    Raw,
    /// Every character an XML numeric character reference (`&#36;`).
    XmlReferences,
    /// Every character a JSON `\u` escape, as PHP's `json_encode` writes non-ASCII text.
    JsonEscapes,
    /// Every byte percent-encoded, lower-case hex (`%24`), as in a URL.
    Percent,
}

pub const SPELLINGS: [Spelling; 4] = [
    Spelling::Raw,
    Spelling::XmlReferences,
    Spelling::JsonEscapes,
    Spelling::Percent,
];

/// What the server does with every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Refuses with `Token inválido: <token> / senha <senhamd5>`, echoing the request's own
    /// token and password hash, spelled so, in that place.
    EchoSecrets(Place, Spelling),
    /// Puts terminal control sequences (ESC [ 2 J, OSC 52 writing the clipboard, BEL, the C1
    /// CSI, a right-to-left override) in that place.
    TerminalEscapes(Place),
    /// A service refusal `len` bytes long (`Erro: xxxx...`).
    HugeMessage(usize),
    /// A successful answer whose `retorno` is one string, making a body of about `len` bytes,
    /// gzip-compressed when `gzip` (the client asks for it).
    Big { len: usize, gzip: bool },
    /// A status line that is not HTTP (`HTTP/1.1 OK-ish`).
    MalformedHead,
    /// `304 Not Modified` without a `Location` header.
    NotModified,
}

/// A running hostile server.
pub struct Hostile {
    /// Its endpoint URL.
    pub url: String,
    requests: Arc<AtomicUsize>,
}

impl Hostile {
    /// Starts a server in `mode` on the current tokio runtime.
    pub async fn start(mode: Mode) -> Hostile {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/aplicativos/webservice/wsuscall.php",
            listener.local_addr().unwrap()
        );
        let requests = Arc::new(AtomicUsize::new(0));
        let count = requests.clone();
        // Big answers are written as they are made, a piece at a time, so that the server
        // holds none of them: a test measuring a client's memory must not be dwarfed by its own.
        let big = match mode {
            Mode::Big { len, gzip: true } => Some(Arc::new(Big::gzip(big_answer(len)))),
            Mode::Big { len, gzip: false } => Some(Arc::new(big_answer(len))),
            Mode::HugeMessage(len) => Some(Arc::new(huge_message(len))),
            _ => None,
        };
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (count, big) = (count.clone(), big.clone());
                tokio::spawn(async move {
                    let Some((head, body)) = read_request(&mut sock).await else {
                        return;
                    };
                    if body.len() > MAX_REQUEST {
                        return;
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let _ = match &big {
                        Some(big) => big.write(&mut sock).await,
                        None => {
                            let reply = answer(mode, &head, &String::from_utf8_lossy(&body));
                            sock.write_all(&reply).await
                        }
                    };
                    let _ = sock.shutdown().await;
                });
            }
        });
        Hostile { url, requests }
    }

    /// How many requests it has answered.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// `secret` spelled as `spelling` says.
pub fn spell(secret: &str, spelling: Spelling) -> String {
    match spelling {
        Spelling::Raw => secret.to_owned(),
        Spelling::XmlReferences => secret.chars().map(|c| format!("&#{};", c as u32)).collect(),
        Spelling::JsonEscapes => secret
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect(),
        Spelling::Percent => secret.bytes().map(|b| format!("%{b:02x}")).collect(),
    }
}

/// Every spelling of [`TOKEN`] and [`SENHAMD5`] the server can echo, and their unique cores
/// as they are: text that shows none of these shows neither secret.
pub fn echoed_spellings() -> Vec<String> {
    let mut all = vec!["Zq8Kp".to_owned(), "5f4dcc3b".to_owned()];
    for secret in [TOKEN, SENHAMD5] {
        for spelling in SPELLINGS {
            all.push(spell(secret, spelling));
        }
        // As JSON writes it when it escapes only what it must, and `\/`.
        all.push(secret.replace('/', "\\/"));
    }
    all
}

/// The terminal control sequences [`Mode::TerminalEscapes`] sends.
pub const ESCAPES: &str = "\u{1b}[2J\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{9b}31m\u{202e}";

/// The answer to one request.
fn answer(mode: Mode, head: &str, request: &str) -> Vec<u8> {
    let operation = soap_operation(head);
    match mode {
        Mode::EchoSecrets(place, spelling) => {
            let token = element_text(request, "token").unwrap_or_default();
            let mut words = format!("Token inválido: {}", spell(&token, spelling));
            if let Some(hash) = element_text(request, "senhamd5") {
                words.push_str(&format!(" / senha {}", spell(&hash, spelling)));
            }
            // Raw text goes through the JSON and XML escaping a real server applies; the other
            // spellings are put on the wire as they are.
            placed(&operation, place, &words, spelling == Spelling::Raw)
        }
        Mode::TerminalEscapes(place) => {
            placed(&operation, place, &format!("Erro{ESCAPES} fatal"), true)
        }
        Mode::MalformedHead => b"HTTP/1.1 OK-ish\r\nContent-Length: 0\r\n\r\n".to_vec(),
        Mode::NotModified => b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n".to_vec(),
        Mode::HugeMessage(_) | Mode::Big { .. } => unreachable!("made once, at start"),
    }
}

/// `text` in `place`; `escape` writes it as a server would (JSON, then XML escaping), else it
/// goes on the wire as it is (it is already spelled for it).
fn placed(operation: &str, place: Place, text: &str, escape: bool) -> Vec<u8> {
    let xml = |s: &str| if escape { xml_escape(s) } else { s.to_owned() };
    match place {
        Place::ServiceMessage => {
            let json = if escape {
                serde_json::json!({ "retorno": text }).to_string()
            } else {
                format!("{{\"retorno\":\"{text}\"}}")
            };
            nusoap(operation, &xml_escape_json(&json, escape))
        }
        Place::Row => {
            let json = serde_json::json!({ "retorno": [{
                "calldate": "2025-06-02 10:00:00", "src": "11999990000", "dst": "2001",
                "nome": text, "status": "ANSWERED", "duration": "30"
            }]});
            nusoap(operation, &xml_escape(&json.to_string()))
        }
        Place::Fault => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>{}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>",
                xml(text)
            );
            http_response(
                "500 Internal Server Error",
                "text/xml; charset=UTF-8",
                body.as_bytes(),
            )
        }
        Place::Html500 => {
            let page = format!(
                "<html><head><title>Erro</title></head><body><h1>Fatal error</h1><p>{}</p></body></html>",
                xml(text)
            );
            http_response(
                "500 Internal Server Error",
                "text/html; charset=UTF-8",
                page.as_bytes(),
            )
        }
        Place::Redirect => {
            // A header cannot carry raw control characters or non-ASCII: they are dropped.
            let location: String = text
                .chars()
                .filter(|c| c.is_ascii() && !c.is_ascii_control())
                .map(|c| if c == ' ' { '+' } else { c })
                .collect();
            format!(
                "HTTP/1.1 302 Found\r\nLocation: https://pbx.example.com/login.php?m={location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .into_bytes()
        }
    }
}

/// The JSON of an answer as it goes inside `<return>`: XML-escaped when `escape`, else with
/// only its own quotes escaped (the rest is spelled for the wire already).
fn xml_escape_json(json: &str, escape: bool) -> String {
    if escape {
        xml_escape(json)
    } else {
        json.replace("{\"", "{&quot;")
            .replace("\":\"", "&quot;:&quot;")
            .replace("\"}", "&quot;}")
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A NuSOAP answer (UTF-8: the texts here are not all Latin-1) with `escaped` as the return.
fn nusoap(operation: &str, escaped: &str) -> Vec<u8> {
    let body = String::from_utf8(uscall_client::fuzzing::nusoap_envelope(
        operation,
        escaped.as_bytes(),
    ))
    .unwrap()
    .replacen("ISO-8859-1", "UTF-8", 1);
    http_response("200 OK", "text/xml; charset=UTF-8", body.as_bytes())
}

/// A big answer, made as it is written: an HTTP head, then a NuSOAP envelope whose return text
/// is `start`, `piece` repeated `times` times, and `end` (already escaped for XML); or such an
/// answer gzip-compressed, kept whole (a repetitive text compresses a thousandfold).
enum Big {
    Pieces {
        start: String,
        piece: &'static str,
        times: usize,
        end: &'static str,
    },
    Gzip(Vec<u8>),
}

impl Big {
    /// The envelope around the return text, split where the text goes.
    fn envelope() -> (Vec<u8>, Vec<u8>) {
        let whole = uscall_client::fuzzing::nusoap_envelope("getExtens", b"\0");
        let at = whole.iter().position(|b| *b == 0).unwrap();
        (whole[..at].to_vec(), whole[at + 1..].to_vec())
    }

    fn body_len(&self) -> usize {
        self.pieces().map(|piece| piece.len()).sum()
    }

    /// The pieces of the body in order: for a made answer the envelope's start, the text's
    /// start, its repetitions in batches, its end and the envelope's end.
    fn pieces(&self) -> Box<dyn Iterator<Item = std::borrow::Cow<'_, [u8]>> + Send + '_> {
        use std::borrow::Cow;
        const BATCH: usize = 4096;
        match self {
            Big::Gzip(bytes) => Box::new(std::iter::once(Cow::Borrowed(bytes.as_slice()))),
            Big::Pieces {
                start,
                piece,
                times,
                end,
            } => {
                let (before, after) = Big::envelope();
                let batch = Cow::Owned(piece.repeat(BATCH).into_bytes());
                Box::new(
                    [Cow::Owned(before), Cow::Borrowed(start.as_bytes())]
                        .into_iter()
                        .chain(std::iter::repeat_n(batch, times / BATCH))
                        .chain([
                            Cow::Owned(piece.repeat(times % BATCH).into_bytes()),
                            Cow::Borrowed(end.as_bytes()),
                            Cow::Owned(after),
                        ]),
                )
            }
        }
    }

    /// Writes the whole answer.
    async fn write(&self, sock: &mut tokio::net::TcpStream) -> std::io::Result<()> {
        let encoding = match self {
            Big::Gzip(_) => "Content-Encoding: gzip\r\n",
            Big::Pieces { .. } => "",
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=ISO-8859-1\r\n{encoding}Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body_len()
        );
        sock.write_all(head.as_bytes()).await?;
        for piece in self.pieces() {
            sock.write_all(&piece).await?;
        }
        Ok(())
    }

    /// `answer` gzip-compressed.
    fn gzip(answer: Big) -> Big {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        for piece in answer.pieces() {
            encoder.write_all(&piece).unwrap();
        }
        Big::Gzip(encoder.finish().unwrap())
    }
}

/// A refusal whose body is about `len` bytes: `Erro: xxxx...`.
fn huge_message(len: usize) -> Big {
    let piece = "x";
    Big::Pieces {
        start: "{&quot;retorno&quot;:&quot;Erro: ".to_owned(),
        piece,
        times: len.saturating_sub(700),
        end: "&quot;}",
    }
}

/// A successful getExtens answer of about `len` bytes whose `retorno` is a list of one string
/// of `/`-separated words, as PHP's `json_encode` writes it (`\/`): every path that copies or
/// unescapes it shows in the memory it takes.
fn big_answer(len: usize) -> Big {
    let piece = "abcdefgh\\/";
    Big::Pieces {
        start: "{&quot;retorno&quot;:[&quot;".to_owned(),
        piece,
        times: len.saturating_sub(700) / piece.len(),
        end: "&quot;]}",
    }
}

/// The operation named by `SOAPAction: "urn:wsuscall#startCall"`.
pub fn soap_operation(head: &str) -> String {
    let action = header(head, "soapaction")
        .unwrap_or_default()
        .trim_matches('"');
    action.rsplit('#').next().unwrap_or(action).to_owned()
}
