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
}
