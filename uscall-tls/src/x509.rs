//! Just enough DER to read what webpki leaves unchecked when a trusted self-signed certificate
//! is the server's own: whether it is self-signed, its dates and its extended key usage.
//!
//! webpki refuses a CA certificate as an end entity before it gets to its names and extended
//! key usage, so for that one case these checks are done here; names are still checked by
//! webpki (through rustls). What this reader does not understand is never accepted.

use rustls::crypto::WebPkiSupportedAlgorithms;

/// The parts of an X.509 certificate the trust-anchor checks need, borrowed from its DER.
#[derive(Debug)]
pub(crate) struct Certificate<'a> {
    /// The whole `TBSCertificate` (tag and length included): what the signature covers.
    tbs: &'a [u8],
    /// The `signatureAlgorithm` AlgorithmIdentifier's contents, as webpki compares them.
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    /// The subject public key's AlgorithmIdentifier contents.
    key_algorithm: &'a [u8],
    key: &'a [u8],
    /// notBefore and notAfter, in seconds since the Unix epoch.
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    /// The extendedKeyUsage purposes (DER OID contents), `None` when the extension is absent.
    purposes: Option<Vec<&'a [u8]>>,
}

/// id-ce-extKeyUsage, 2.5.29.37.
const EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
/// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1.
const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const SEQUENCE: u8 = 0x30;
const BOOLEAN: u8 = 0x01;
/// `[0] EXPLICIT` (version) and `[3] EXPLICIT` (extensions) in a TBSCertificate.
const VERSION: u8 = 0xa0;
const EXTENSIONS: u8 = 0xa3;

impl<'a> Certificate<'a> {
    /// Reads a DER certificate; `None` if it is not one this reader understands.
    pub(crate) fn parse(der: &'a [u8]) -> Option<Certificate<'a>> {
        let mut outer = Reader(der);
        let certificate = outer.expect(SEQUENCE)?;
        outer.end()?;
        let mut certificate = Reader(certificate);
        let tbs = certificate.0;
        let (SEQUENCE, tbs_contents, tbs_len) = certificate.next()? else {
            return None;
        };
        let tbs = &tbs[..tbs_len];
        let signature_algorithm = certificate.expect(SEQUENCE)?;
        let signature = bits(certificate.expect(BIT_STRING)?)?;
        certificate.end()?;

        let mut tbs_reader = Reader(tbs_contents);
        if tbs_reader.peek() == Some(VERSION) {
            tbs_reader.next()?;
        }
        tbs_reader.expect(INTEGER)?;
        tbs_reader.expect(SEQUENCE)?;
        let issuer = tbs_reader.expect(SEQUENCE)?;
        let mut validity = Reader(tbs_reader.expect(SEQUENCE)?);
        let not_before = validity.time()?;
        let not_after = validity.time()?;
        validity.end()?;
        let subject = tbs_reader.expect(SEQUENCE)?;
        let mut spki = Reader(tbs_reader.expect(SEQUENCE)?);
        let key_algorithm = spki.expect(SEQUENCE)?;
        let key = bits(spki.expect(BIT_STRING)?)?;
        spki.end()?;
        let mut purposes = None;
        // issuerUniqueID and subjectUniqueID ([1], [2]) may come before the extensions.
        while let Some(tag) = tbs_reader.peek() {
            let (_, contents, _) = tbs_reader.next()?;
            if tag == EXTENSIONS {
                purposes = extended_key_usage(contents)?;
            }
        }
        Some(Certificate {
            tbs,
            signature_algorithm,
            signature,
            issuer,
            subject,
            key_algorithm,
            key,
            not_before,
            not_after,
            purposes,
        })
    }

    /// Whether the certificate is signed by its own key (and names itself as its issuer), with
    /// one of the provider's algorithms.
    pub(crate) fn is_self_signed(&self, algorithms: &WebPkiSupportedAlgorithms) -> bool {
        self.issuer == self.subject
            && algorithms.all.iter().any(|algorithm| {
                algorithm.signature_alg_id().as_ref() == self.signature_algorithm
                    && algorithm.public_key_alg_id().as_ref() == self.key_algorithm
                    && algorithm
                        .verify_signature(self.key, self.tbs, self.signature)
                        .is_ok()
            })
    }

    /// Whether a server may use it: no extendedKeyUsage, or one that lists serverAuth (as
    /// webpki requires of every other server certificate).
    pub(crate) fn allows_server_auth(&self) -> bool {
        self.purposes
            .as_ref()
            .is_none_or(|purposes| purposes.contains(&SERVER_AUTH))
    }
}

/// The purposes in an `Extensions` SEQUENCE's extendedKeyUsage; `Some(None)` when it has none.
fn extended_key_usage(extensions: &[u8]) -> Option<Option<Vec<&[u8]>>> {
    let mut list = Reader(extensions);
    let mut extensions = Reader(list.expect(SEQUENCE)?);
    list.end()?;
    while !extensions.0.is_empty() {
        let mut extension = Reader(extensions.expect(SEQUENCE)?);
        let id = extension.expect(OID)?;
        if extension.peek() == Some(BOOLEAN) {
            extension.next()?;
        }
        let value = extension.expect(OCTET_STRING)?;
        extension.end()?;
        if id == EXTENDED_KEY_USAGE {
            let mut value = Reader(value);
            let mut oids = Reader(value.expect(SEQUENCE)?);
            value.end()?;
            let mut purposes = Vec::new();
            while !oids.0.is_empty() {
                purposes.push(oids.expect(OID)?);
            }
            return Some(Some(purposes));
        }
    }
    Some(None)
}

/// A BIT STRING's bits, which for keys and signatures are whole bytes (no unused bits).
fn bits(contents: &[u8]) -> Option<&[u8]> {
    match contents.split_first() {
        Some((0, bits)) => Some(bits),
        _ => None,
    }
}

/// Reads DER elements one after another; every method answers `None` on malformed input.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    /// The next element's tag, contents, and whole length (tag and length octets included).
    fn next(&mut self) -> Option<(u8, &'a [u8], usize)> {
        let (&tag, rest) = self.0.split_first()?;
        // High tag numbers (0x1f) never occur in the parts of a certificate read here.
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81..=0x84 => {
                let count = usize::from(first & 0x7f);
                if rest.len() < count {
                    return None;
                }
                let (octets, rest) = rest.split_at(count);
                let len = octets
                    .iter()
                    .fold(0usize, |len, octet| (len << 8) | usize::from(*octet));
                (len, rest)
            }
            // Indefinite lengths are BER, not DER; longer ones do not fit a certificate.
            _ => return None,
        };
        if rest.len() < len {
            return None;
        }
        let header = self.0.len() - rest.len();
        let (contents, rest) = rest.split_at(len);
        self.0 = rest;
        Some((tag, contents, header + len))
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.next()? {
            (found, contents, _) if found == tag => Some(contents),
            _ => None,
        }
    }

    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }

    /// A `Time` (UTCTime or GeneralizedTime, in the `Z` form RFC 5280 requires), as seconds
    /// since the Unix epoch.
    fn time(&mut self) -> Option<i64> {
        let (tag, text, _) = self.next()?;
        let (year, rest) = match (tag, text.len()) {
            (UTC_TIME, 13) => {
                let yy = digits(&text[..2])?;
                // RFC 5280 4.1.2.5.1: YY of 50 and above is 19YY, below is 20YY.
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &text[2..])
            }
            (GENERALIZED_TIME, 15) => (digits(&text[..4])?, &text[4..]),
            _ => return None,
        };
        if rest[10] != b'Z' {
            return None;
        }
        let month = digits(&rest[0..2])?;
        let day = digits(&rest[2..4])?;
        let hour = digits(&rest[4..6])?;
        let minute = digits(&rest[6..8])?;
        let second = digits(&rest[8..10])?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
            return None;
        }
        // 60 is a leap second, which RFC 5280 allows.
        if second > 60 {
            return None;
        }
        let days = days_since_epoch(year, month, day);
        Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
    }
}

fn digits(text: &[u8]) -> Option<i64> {
    text.iter().try_fold(0i64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

/// Days from 1970-01-01 to the given date of the proleptic Gregorian calendar.
pub(crate) fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    // Counted from 0000-03-01, so that the leap day ends a year: eras of 400 years of
    // 146 097 days, and within a year months of 153 days per 5, starting in March.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719 468 days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}
