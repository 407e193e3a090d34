//! Small deterministic helpers for the simulator: hashing, ids, calendar
//! arithmetic, timestamp parsing and base64. Integer arithmetic only where the
//! result feeds synthetic data, so that native and wasm32 builds agree bit for bit.

/// Milliseconds in one UTC day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The SplitMix64 finaliser: a cheap, well-mixed 64-bit hash step.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a few numbers into one.
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(0x005E_ED0F_5111_u64, |acc, p| mix(acc.rotate_left(17) ^ *p))
}

/// FNV-1a over the bytes of a string.
pub(crate) fn str_hash(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |acc, b| {
        (acc ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A value in `lo..=hi` picked by `h` (returns `lo` if the range is empty).
pub(crate) fn pick(h: u64, lo: u64, hi: u64) -> u64 {
    if hi <= lo {
        return lo;
    }
    lo + h % (hi - lo + 1)
}

/// A UUID-shaped (version 4 layout) id made from two hashes.
pub(crate) fn uuid(a: u64, b: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        8 + ((b >> 62) & 3),
        (b >> 48) & 0xFFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// `u64` milliseconds as `i64`, saturating.
pub(crate) fn ms_i64(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// The UTC day number (days since 1970-01-01) of a Unix-ms instant.
pub(crate) fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let d = i64::from(d);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: `(year, month, day)`.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z.saturating_add(719_468);
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Number of days in a month.
pub(crate) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// Day of the week, Monday = 0 … Sunday = 6.
pub(crate) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// The first day of the month containing `day`.
pub(crate) fn month_start(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    days_from_civil(y, m, 1)
}

/// `YYYY-MM-DD`.
pub(crate) fn fmt_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDThh:mm:ssZ` for a Unix-ms instant.
pub(crate) fn fmt_datetime(ms: i64) -> String {
    let day = day_of(ms);
    let rem = ms.rem_euclid(DAY_MS) / 1000;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        fmt_date(day),
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// How precise a parsed timestamp was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Precision {
    /// `YYYY-MM`
    Month,
    /// `YYYY-MM-DD`
    Day,
    /// A date with a time of day.
    Time,
}

fn digits(s: &str, from: usize, len: usize) -> Option<i64> {
    let part = s.get(from..from + len)?;
    if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

fn byte_at(s: &str, i: usize) -> Option<u8> {
    s.as_bytes().get(i).copied()
}

/// Parses the ISO-8601 forms the Genesys interval accepts: `YYYY-MM`,
/// `YYYY-MM-DD` and `YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm|±hhmm]` (no zone = UTC).
/// Returns the instant in Unix ms and the precision.
pub(crate) fn parse_iso(s: &str) -> Option<(i64, Precision)> {
    let s = s.trim();
    let y = digits(s, 0, 4)?;
    if byte_at(s, 4)? != b'-' {
        return None;
    }
    let m = u32::try_from(digits(s, 5, 2)?).ok()?;
    if !(1..=12).contains(&m) {
        return None;
    }
    if s.len() == 7 {
        return Some((days_from_civil(y, m, 1) * DAY_MS, Precision::Month));
    }
    if byte_at(s, 7)? != b'-' {
        return None;
    }
    let d = u32::try_from(digits(s, 8, 2)?).ok()?;
    if d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let day_ms = days_from_civil(y, m, d) * DAY_MS;
    if s.len() == 10 {
        return Some((day_ms, Precision::Day));
    }
    if !matches!(byte_at(s, 10)?, b'T' | b't') {
        return None;
    }
    let hh = digits(s, 11, 2)?;
    if byte_at(s, 13)? != b':' {
        return None;
    }
    let mm = digits(s, 14, 2)?;
    let mut i = 16;
    let mut ss = 0;
    let mut frac_ms = 0;
    if byte_at(s, i) == Some(b':') {
        ss = digits(s, i + 1, 2)?;
        i += 3;
        if byte_at(s, i) == Some(b'.') {
            i += 1;
            let start = i;
            while byte_at(s, i).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
            }
            let frac = s.get(start..i)?;
            if frac.is_empty() {
                return None;
            }
            let mut v = 0;
            for (k, b) in frac.bytes().take(3).enumerate() {
                v += i64::from(b - b'0') * [100, 10, 1].get(k).copied().unwrap_or(0);
            }
            frac_ms = v;
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let offset_min = match s.get(i..)? {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = match zone.len() {
                6 if zone.as_bytes().get(3) == Some(&b':') => {
                    (digits(zone, 1, 2)?, digits(zone, 4, 2)?)
                }
                5 => (digits(zone, 1, 2)?, digits(zone, 3, 2)?),
                3 => (digits(zone, 1, 2)?, 0),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    let ms = day_ms + ((hh * 60 + mm - offset_min) * 60 + ss.min(59)) * 1000 + frac_ms;
    Some((ms, Precision::Time))
}

/// Parses a ThousandEyes `startDate`/`endDate`: a date with a full time of day
/// (hours, minutes and seconds), an optional fraction and an optional zone
/// (`Z`, `±hh:mm`, `±hhmm` or `±hh`; none means UTC). Besides the documented
/// `2026-06-01T00:00:00Z`, this is what the vendor's own Python SDK sends on
/// every call: `2026-06-01T00:00:00.000000+0000` (or no zone for a naive
/// datetime). A bare date or a time without seconds is refused.
pub(crate) fn parse_te_datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 || !matches!(b.get(10), Some(b'T' | b't')) || b.get(16) != Some(&b':') {
        return None;
    }
    match parse_iso(s)? {
        (ms, Precision::Time) => Some(ms),
        _ => None,
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding.
pub(crate) fn base64_std(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(B64.get(idx).map_or('A', |c| *c as char));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64 in either alphabet (standard or URL-safe), with or without padding.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
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

/// Cuts a string to at most half its length, on a character boundary.
pub(crate) fn half(s: &str) -> String {
    let mut cut = s.len() / 2;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.get(..cut).unwrap_or("").to_string()
}

/// Encodes a query value for a link, leaving `:` and `,` readable (they are
/// legal in a query) and escaping everything else outside the unreserved set.
pub(crate) fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b',') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for d in [-1000, 0, 1, 59, 10_000, 20_000, 20_600] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(fmt_date(0), "1970-01-01");
        assert_eq!(weekday(0), 3); // a Thursday
        assert_eq!(fmt_datetime(1_781_020_860_000), "2026-06-09T16:01:00Z");
    }

    #[test]
    fn iso_forms_parse() {
        let (a, p) = parse_iso("2020-02-01").unwrap();
        assert_eq!(p, Precision::Day);
        assert_eq!(fmt_datetime(a), "2020-02-01T00:00:00Z");
        assert_eq!(parse_iso("2021-01").unwrap().1, Precision::Month);
        let (b, _) = parse_iso("2026-07-01T00:00:00.000Z").unwrap();
        assert_eq!(fmt_datetime(b), "2026-07-01T00:00:00Z");
        let (c, _) = parse_iso("2026-07-01T02:00:00+02:00").unwrap();
        assert_eq!(fmt_datetime(c), "2026-07-01T00:00:00Z");
        assert!(parse_iso("2026-13-01").is_none());
        assert!(parse_iso("2026-02-30").is_none());
        assert!(parse_iso("2026-02-3é").is_none());
        let z = parse_te_datetime("2026-06-01T00:00:00Z").unwrap();
        for same in [
            "2026-06-01T00:00:00.000Z",
            "2026-06-01T00:00:00.000000+0000",
            "2026-06-01T02:00:00.000000+0200",
            "2026-05-31T20:00:00-04:00",
            "2026-06-01T00:00:00.000000",
            "2026-06-01T00:00:00",
        ] {
            assert_eq!(parse_te_datetime(same), Some(z), "{same}");
        }
        for bad in [
            "2026-06-01",
            "2026-06-01T00:00Z",
            "2026-06-01T00:00:00.Z",
            "2026-06-01T00:00:00 0000",
            "2026-06-01T00:00:00+2500",
            "2026-06-01 00:00:00Z",
        ] {
            assert!(parse_te_datetime(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn base64_round_trips() {
        for s in ["", "f", "fo", "foo", "{\"offset\":50}"] {
            assert_eq!(
                base64_decode(&base64_std(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_std(b"{\"offset\":50}"), "eyJvZmZzZXQiOjUwfQ==");
        assert!(base64_decode("a$b").is_none());
        assert_eq!(half("héllo wörld"), "héllo");
    }
}
