//! Whether a body arriving in chunks is UTF-8, with sequences split between chunks carried over.

/// Whether the body is UTF-8, followed across chunks.
#[derive(Default)]
pub(super) struct Utf8Check {
    /// An incomplete sequence at the end of the last chunk.
    carry: [u8; 4],
    carry_len: usize,
    pub(super) non_ascii: bool,
    pub(super) invalid: bool,
}

impl Utf8Check {
    pub(super) fn update(&mut self, mut bytes: &[u8]) {
        if self.invalid {
            return;
        }
        if self.carry_len > 0 {
            let width: usize = match self.carry[0] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = width.saturating_sub(self.carry_len).min(bytes.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&bytes[..take]);
            self.carry_len += take;
            bytes = &bytes[take..];
            if self.carry_len < width {
                return;
            }
            self.carry_len = 0;
            if std::str::from_utf8(&self.carry[..width]).is_err() {
                self.invalid = true;
                return;
            }
        }
        if bytes.is_ascii() {
            return;
        }
        self.non_ascii = true;
        if let Err(e) = std::str::from_utf8(bytes) {
            let tail = &bytes[e.valid_up_to()..];
            if e.error_len().is_some() || tail.len() > 3 {
                self.invalid = true;
            } else {
                self.carry[..tail.len()].copy_from_slice(tail);
                self.carry_len = tail.len();
            }
        }
    }

    pub(super) fn valid_at_end(&self) -> bool {
        !self.invalid && self.carry_len == 0
    }
}
