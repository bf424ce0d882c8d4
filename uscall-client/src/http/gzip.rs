//! Gzip answers (`Content-Encoding: gzip`) decompressed as they arrive: every member of the
//! stream (RFC 1952 allows several, and dropping one would lose part of the answer), never more
//! output than the body-size limit allows, and out in pieces of about [`PIECE`] bytes, whatever
//! one compressed piece expands to (a 400 KB piece of a gzip bomb would otherwise come out at
//! once, beside the body being gathered).

use bytes::Bytes;
use flate2::write::MultiGzDecoder;
use std::io::{self, Write};

/// How much decompressed output one [`Gunzip::pull`] gathers before giving it.
const PIECE: usize = 64 * 1024;
/// How much compressed input goes in at a time: at most about 1,032 times as much comes out.
const STEP: usize = 1024;

/// A gzip body being decompressed.
pub(crate) struct Gunzip {
    decoder: MultiGzDecoder<Capped>,
    /// Compressed bytes not decompressed yet.
    pending: Bytes,
    /// Whether any compressed byte came: an empty body is an empty answer, not a broken stream.
    fed: bool,
}

/// Why a gzip body could not be read.
#[derive(Debug)]
pub(crate) enum GunzipError {
    /// The decompressed bytes went over the limit.
    OverLimit,
    /// Not gzip, damaged, or cut short: the decompressor's complaint.
    Corrupt(String),
}

/// Where the decompressor writes: at most `room` more bytes.
struct Capped {
    out: Vec<u8>,
    room: usize,
}

/// The marker error [`Capped`] stops the decompressor with.
#[derive(Debug)]
struct OverLimit;

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("over the body-size limit")
    }
}

impl std::error::Error for OverLimit {}

impl Write for Capped {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.len() > self.room {
            return Err(io::Error::other(OverLimit));
        }
        self.room -= bytes.len();
        self.out.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Gunzip {
    /// A decompressor that gives at most `limit` bytes in all.
    pub(crate) fn new(limit: usize) -> Gunzip {
        Gunzip {
            decoder: MultiGzDecoder::new(Capped {
                out: Vec::new(),
                room: limit,
            }),
            pending: Bytes::new(),
            fed: false,
        }
    }

    /// Takes the next compressed piece of the body, to be decompressed by [`Gunzip::pull`].
    pub(crate) fn push(&mut self, compressed: Bytes) {
        debug_assert!(
            self.pending.is_empty(),
            "pushed before the last piece was pulled"
        );
        self.fed |= !compressed.is_empty();
        self.pending = compressed;
    }

    /// Decompresses what was pushed until about [`PIECE`] bytes came out; `None` when all of it
    /// is in and more is needed.
    pub(crate) fn pull(&mut self) -> Result<Option<Bytes>, GunzipError> {
        while !self.pending.is_empty() && self.decoder.get_ref().out.len() < PIECE {
            let step = self.pending.split_to(self.pending.len().min(STEP));
            self.decoder.write_all(&step).map_err(read_error)?;
        }
        self.decoder.flush().map_err(read_error)?;
        let out = self.take();
        Ok((!out.is_empty()).then_some(out))
    }

    /// Ends the stream: gives the last bytes, or why the stream is not whole.
    pub(crate) fn finish(&mut self) -> Result<Bytes, GunzipError> {
        if self.fed {
            self.decoder.try_finish().map_err(|e| match read_error(e) {
                GunzipError::Corrupt(message) => GunzipError::Corrupt(format!(
                    "{message} (the compressed stream is cut short or damaged)"
                )),
                over => over,
            })?;
        }
        Ok(self.take())
    }

    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.decoder.get_mut().out))
    }
}

fn read_error(e: io::Error) -> GunzipError {
    if e.get_ref().is_some_and(|inner| inner.is::<OverLimit>()) {
        GunzipError::OverLimit
    } else {
        GunzipError::Corrupt(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// Feeds `compressed` in pieces of `size`; gives all the output or the first error.
    fn run(compressed: &[u8], size: usize, limit: usize) -> Result<Vec<u8>, GunzipError> {
        let mut gunzip = Gunzip::new(limit);
        let mut out = Vec::new();
        for piece in compressed.chunks(size.max(1)) {
            gunzip.push(Bytes::copy_from_slice(piece));
            while let Some(bytes) = gunzip.pull()? {
                assert!(bytes.len() <= PIECE + (STEP << 11), "{}", bytes.len());
                out.extend_from_slice(&bytes);
            }
        }
        out.extend_from_slice(&gunzip.finish()?);
        Ok(out)
    }

    #[test]
    fn every_split_gives_the_same_bytes() {
        let text: Vec<u8> = (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let compressed = gzip(&text);
        for size in [1, 7, 512, compressed.len()] {
            assert_eq!(run(&compressed, size, usize::MAX).unwrap(), text, "{size}");
        }
    }

    #[test]
    fn every_member_is_read() {
        let mut two = gzip(b"first ");
        two.extend(gzip(b"second"));
        assert_eq!(run(&two, 5, usize::MAX).unwrap(), b"first second");
    }

    #[test]
    fn an_empty_body_is_empty() {
        assert_eq!(run(b"", 1, 10).unwrap(), b"");
    }

    #[test]
    fn a_bomb_stops_at_the_limit_without_expanding() {
        // 64 MiB of zeros compress to about 64 KiB: fed whole, at most the limit comes out.
        let compressed = gzip(&vec![0; 64 << 20]);
        let mut gunzip = Gunzip::new(1 << 20);
        gunzip.push(Bytes::from(compressed));
        let mut out = 0;
        let over = loop {
            match gunzip.pull() {
                Ok(Some(piece)) => out += piece.len(),
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
            assert!(gunzip.decoder.get_ref().out.capacity() <= 2 << 20);
        };
        assert!(matches!(over, Some(GunzipError::OverLimit)), "{over:?}");
        assert!(out <= 1 << 20);
        assert_eq!(run(&gzip(&[7; 100]), 3, 100).unwrap(), vec![7; 100]);
        assert!(matches!(
            run(&gzip(&[7; 101]), 3, 100),
            Err(GunzipError::OverLimit)
        ));
    }

    #[test]
    fn damage_is_told() {
        let compressed = gzip(b"some text that is long enough to be cut in the middle");
        for (bytes, what) in [
            (&b"not gzip at all"[..], "not gzip"),
            (&compressed[..compressed.len() / 2], "cut"),
            (&compressed[..compressed.len() - 1], "cut in the trailer"),
        ] {
            assert!(
                matches!(run(bytes, 4, usize::MAX), Err(GunzipError::Corrupt(_))),
                "{what}"
            );
        }
        let mut bad_crc = compressed.clone();
        let at = bad_crc.len() - 8;
        bad_crc[at] ^= 1;
        assert!(matches!(
            run(&bad_crc, 4, usize::MAX),
            Err(GunzipError::Corrupt(_))
        ));
    }
}
