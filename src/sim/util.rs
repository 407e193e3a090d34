//! Small deterministic helpers for the simulator: hashing, ids, days and the
//! ThousandEyes date rule, on top of [`crate::time`]. Integer arithmetic only
//! where the result feeds synthetic data, so that native and wasm32 builds
//! agree bit for bit.

use crate::time::{civil_from_days, days_from_civil, parse_instant_ms, Precision};

/// Milliseconds in one UTC day.
pub(crate) const DAY_MS: i64 = crate::time::DAY * 1000;

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

/// Day of the week, Monday = 0 … Sunday = 6.
pub(crate) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// The first day of the month containing `day`.
pub(crate) fn month_start(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    days_from_civil(y, m, 1)
}

/// The first day of the month after the one containing `day`.
pub(crate) fn next_month_start(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(y, m, 1)
}

/// `YYYY-MM-DD` of a day number.
pub(crate) fn day_date(day: i64) -> String {
    crate::time::format_date(day.saturating_mul(crate::time::DAY))
}

/// `YYYY-MM-DDThh:mm:ssZ` of a Unix-ms instant.
pub(crate) fn ms_timestamp(ms: i64) -> String {
    crate::time::format_timestamp(ms.div_euclid(1000))
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
    match parse_instant_ms(s).ok()? {
        (ms, Precision::Time) => Some(ms),
        _ => None,
    }
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
        assert_eq!(day_date(0), "1970-01-01");
        assert_eq!(weekday(0), 3); // a Thursday
        assert_eq!(ms_timestamp(1_781_020_860_000), "2026-06-09T16:01:00Z");
        assert_eq!(
            day_date(next_month_start(days_from_civil(2026, 12, 9))),
            "2027-01-01"
        );
    }

    #[test]
    fn iso_forms_parse() {
        let (a, p) = parse_instant_ms("2020-02-01").unwrap();
        assert_eq!(p, Precision::Day);
        assert_eq!(ms_timestamp(a), "2020-02-01T00:00:00Z");
        assert_eq!(parse_instant_ms("2021-01").unwrap().1, Precision::Month);
        let (b, _) = parse_instant_ms("2026-07-01T00:00:00.000Z").unwrap();
        assert_eq!(ms_timestamp(b), "2026-07-01T00:00:00Z");
        let (c, _) = parse_instant_ms("2026-07-01T02:00:00+02:00").unwrap();
        assert_eq!(ms_timestamp(c), "2026-07-01T00:00:00Z");
        assert!(parse_instant_ms("2026-13-01").is_err());
        assert!(parse_instant_ms("2026-02-30").is_err());
        assert!(parse_instant_ms("2026-02-3é").is_err());
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
    fn half_cuts_on_a_character_boundary() {
        assert_eq!(half("héllo wörld"), "héllo");
    }
}
