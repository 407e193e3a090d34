//! Numbers as people read them, without `core::fmt`'s float formatter
//! (which would add to the download).

/// `v` with `decimals` digits after the point, without the float formatter
/// of `core::fmt` (which would add to the download).
pub fn fixed(v: f64, decimals: u32) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let p = 10u64.pow(decimals);
    let scaled = (v * p as f64).round() as i64;
    let mut out = String::new();
    if scaled < 0 {
        out.push('-');
    }
    let a = scaled.unsigned_abs();
    out.push_str(&(a / p).to_string());
    if decimals > 0 {
        let frac = (a % p).to_string();
        out.push('.');
        for _ in frac.len()..decimals as usize {
            out.push('0');
        }
        out.push_str(&frac);
    }
    out
}

/// A share as a percentage with one decimal.
pub fn percent1(x: f64) -> String {
    format!("{}%", fixed(x * 100.0, 1))
}

/// A compact number: 950, 12.3k, 4.5M, 4.32B.
pub fn short(n: f64) -> String {
    let a = n.abs();
    let (v, suffix) = if a >= 1e9 {
        (n / 1e9, "B")
    } else if a >= 1e6 {
        (n / 1e6, "M")
    } else if a >= 1e3 {
        (n / 1e3, "k")
    } else {
        return format!("{}", n.round() as i64);
    };
    if v.abs() >= 100.0 {
        format!("{}{suffix}", fixed(v, 0))
    } else if v.abs() >= 10.0 {
        format!("{}{suffix}", fixed(v, 1))
    } else {
        format!("{}{suffix}", fixed(v, 2))
    }
}

/// A round number at or above `v` (1, 2 or 5 times a power of ten).
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

/// `1234567` as `1,234,567`.
pub fn group_digits(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A letter in lower case, for filtering and sorting without regard to case.
/// It covers the capitals of ASCII, Latin-1, Latin Extended-A, and the basic
/// Greek and Cyrillic alphabets, the scripts of client, user and group names in practice; any
/// other character is kept as it is. (`char::to_lowercase` would bring the
/// whole Unicode case table into the download, about 9 KB gzip.)
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => u + 0x20,
        0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => u + 0x20,
        0x400..=0x40F => u + 0x50,
        0x130 => 0x69,
        0x100..=0x137 | 0x14A..=0x177 if u.is_multiple_of(2) => u + 1,
        0x139..=0x148 | 0x179..=0x17E if !u.is_multiple_of(2) => u + 1,
        0x178 => 0xFF,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

/// `text` with every letter through [`fold_char`].
pub fn fold_case(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_and_numbers_short() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(1234.0), 2000.0);
        assert_eq!(nice_max(200.0), 200.0);
        assert_eq!(short(4_320_000_000.0), "4.32B");
        assert_eq!(short(950.0), "950");
        assert_eq!(short(12_345.0), "12.3k");
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(1234567), "1,234,567");
        assert_eq!(group_digits(-1000), "-1,000");
        assert_eq!(fixed(2.345, 2), "2.35");
        assert_eq!(fixed(-0.5, 1), "-0.5");
        assert_eq!(percent1(0.0291), "2.9%");
    }

    #[test]
    fn case_folding_agrees_with_unicode_for_the_scripts_it_covers() {
        let mut folded = 0;
        for u in 0..0x530u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let mut std = c.to_lowercase();
            let (Some(l), None) = (std.next(), std.next()) else {
                assert_eq!(fold_char(c), if u == 0x130 { 'i' } else { c }, "{c}");
                continue;
            };
            let covered = matches!(u, 0..=0x17F | 0x391..=0x3AB | 0x400..=0x42F);
            if covered && l != c {
                assert_eq!(fold_char(c), l, "U+{u:04X} {c}");
                folded += 1;
            } else if !covered {
                assert_eq!(fold_char(c), c, "U+{u:04X} {c} is left as it is");
            }
        }
        // ASCII 26, Latin-1 30, Latin Extended-A 63, Greek 25, Cyrillic 48.
        assert!(folded >= 180, "{folded}");
        assert_eq!(
            fold_case("ÉCOLE Ørsted ĀBOLS ΣΟΦΙΑ ЖУК"),
            "école ørsted ābols σοφια жук"
        );
    }
}
