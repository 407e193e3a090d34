//! Small encodings shared by the sign-in helpers and the simulator.

use sha2::{Digest, Sha256};

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64url without padding (RFC 4648 §5), as PKCE and JWTs use it.
pub fn base64url(bytes: &[u8]) -> String {
    encode(bytes, B64URL, false)
}

/// Standard base64 with `=` padding (RFC 4648 §4).
pub fn base64_std(bytes: &[u8]) -> String {
    encode(bytes, B64STD, true)
}

fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if pad {
            out.extend(std::iter::repeat_n('=', 4 - chars));
        }
    }
    out
}

/// Decodes base64 in either alphabet (standard or URL-safe), with or without
/// padding; `None` if a character is outside both alphabets or bits are left over.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    if bits >= 6 {
        return None;
    }
    Some(out)
}

/// The PKCE `S256` code challenge of a verifier: base64url(SHA-256(verifier)).
pub fn pkce_challenge_s256(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648_vectors_without_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn standard_base64_is_padded_and_both_alphabets_decode() {
        for s in ["", "f", "fo", "foo", "{\"offset\":50}"] {
            assert_eq!(
                base64_decode(&base64_std(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
            assert_eq!(
                base64_decode(&base64url(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_std(b"{\"offset\":50}"), "eyJvZmZzZXQiOjUwfQ==");
        assert_eq!(base64_std(&[0xfb, 0xff]), "+/8=");
        assert!(base64_decode("a$b").is_none());
    }

    #[test]
    fn s256_challenge_matches_an_independent_sha256() {
        assert_eq!(
            pkce_challenge_s256("dBjftJeZ4CVP-mJ0z3gs1q3nI4e9LeYtq1uQo5KBZ04"),
            // base64url(sha256(verifier)) computed with Python hashlib.
            "bF4MRRQX2byJwidIospasMfXCiNfJWbkPCO2oAOTR5M"
        );
    }
}
