//! The base64 decoder of the recording's text: batches decoded with a branch-free table, the
//! last quad (which may hold padding) by the base64 crate.

use base64::Engine as _;

/// The recording's base64 text, decoded in batches.
#[derive(Default)]
pub(super) struct Audio {
    /// Base64 text not decoded yet.
    pub(super) acc: Vec<u8>,
    /// Decoded bytes not handed to the sink yet.
    pub(super) out: Vec<u8>,
    /// Bytes handed to the sink.
    pub(super) total: u64,
}

impl Audio {
    /// Drops spaces (`models::cdr`'s decoder ignores ASCII whitespace; the JSON escapes of the
    /// others never reach here, and raw control characters are not JSON).
    fn compact(&mut self, at: u64) -> Result<(), String> {
        if self.acc.iter().fold(false, |any, &b| any | (b <= b' ')) {
            if self.acc.iter().any(|&b| b < b' ') {
                return Err(format!(
                    "a control character inside the recording's base64 text, before byte {at}"
                ));
            }
            self.acc.retain(|&b| b != b' ');
        }
        Ok(())
    }

    /// Decodes all whole quads but the last, which may hold the padding.
    pub(super) fn decode_batch(&mut self, at: u64) -> Result<(), String> {
        let whole = self.acc.len().saturating_sub(1) / 4 * 4;
        if decode_quads(&self.acc[..whole], &mut self.out) {
            self.acc.drain(..whole);
            return Ok(());
        }
        // Spaces, or a byte the base64 decoder refuses.
        self.compact(at)?;
        let whole = self.acc.len().saturating_sub(1) / 4 * 4;
        if !decode_quads(&self.acc[..whole], &mut self.out) {
            return Err(format!(
                "invalid base64 in the recording (a byte outside the alphabet, or padding before the end), before byte {at}"
            ));
        }
        self.acc.drain(..whole);
        Ok(())
    }

    /// Decodes the rest: the end of the recording's string.
    pub(super) fn finish(&mut self, at: u64) -> Result<(), String> {
        self.compact(at)?;
        self.decode_into_out(self.acc.len(), at)?;
        self.acc = Vec::new();
        Ok(())
    }

    fn decode_into_out(&mut self, len: usize, at: u64) -> Result<(), String> {
        base64::engine::general_purpose::STANDARD
            .decode_vec(&self.acc[..len], &mut self.out)
            .map_err(|e| format!("invalid base64 in the recording before byte {at}: {e}"))
    }
}

/// Decodes whole quads of the standard base64 alphabet, none of them padded, after `out`.
/// Returns false, leaving `out` as it was, if any byte is outside the alphabet: the base64
/// crate refuses those too, and there it is the final quad only that may hold padding. Table
/// lookups without a branch per quad, two quads at a time, make it faster than the crate.
pub(super) fn decode_quads(input: &[u8], out: &mut Vec<u8>) -> bool {
    const fn table(shift: u32) -> [u32; 256] {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        // Any value at or above 1 << 24 marks a byte outside the alphabet.
        let mut t = [1u32 << 24; 256];
        let mut i = 0;
        while i < 64 {
            t[alphabet[i] as usize] = (i as u32) << shift;
            i += 1;
        }
        t
    }
    static TABLES: [[u32; 256]; 4] = [table(18), table(12), table(6), table(0)];
    let [t0, t1, t2, t3] = &TABLES;
    let quad = |q: &[u8]| {
        t0[usize::from(q[0])]
            | t1[usize::from(q[1])]
            | t2[usize::from(q[2])]
            | t3[usize::from(q[3])]
    };
    let start = out.len();
    out.resize(start + input.len() / 4 * 3, 0);
    let pairs = input.len() / 8;
    let (paired, single) = out[start..].split_at_mut(pairs * 6);
    let mut seen = 0u32;
    for (eight, six) in input.chunks_exact(8).zip(paired.chunks_exact_mut(6)) {
        let (a, b) = (quad(&eight[..4]), quad(&eight[4..]));
        seen |= a | b;
        six.copy_from_slice(&((u64::from(a) << 24) | u64::from(b)).to_be_bytes()[2..]);
    }
    for (four, three) in input[pairs * 8..]
        .chunks_exact(4)
        .zip(single.chunks_exact_mut(3))
    {
        let v = quad(four);
        seen |= v;
        three.copy_from_slice(&v.to_be_bytes()[1..]);
    }
    if seen >> 24 != 0 {
        out.truncate(start);
        return false;
    }
    true
}
