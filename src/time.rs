//! Dates, timestamps and intervals, without a date library: the vendors use a
//! handful of ISO 8601 forms and this module reads and writes exactly those.
//!
//! All times are UTC seconds since the Unix epoch.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (days since 1970-01-01).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_timestamp(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let s = secs.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `YYYY-MM-DD`.
pub fn format_date(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The start of the UTC day that contains `secs`.
pub fn start_of_day(secs: i64) -> i64 {
    secs.div_euclid(DAY) * DAY
}

/// How precise a parsed instant was: a bare month or date names a whole period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// `YYYY-MM`
    Month,
    /// `YYYY-MM-DD`
    Day,
    /// A date with a time of day.
    Time,
}

/// A parsed instant and how precise its text was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instant {
    /// Seconds since the epoch, UTC.
    pub secs: i64,
    /// How much of the date and time the text gave.
    pub precision: Precision,
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Reads `YYYY-MM`, `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]`
/// (a missing zone means UTC). Fractions of a second are dropped.
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    let (ms, precision) = parse_instant_ms(text)?;
    Ok(Instant {
        secs: ms.div_euclid(1000),
        precision,
    })
}

/// Reads the forms of [`parse_instant`] to the millisecond: milliseconds
/// since the epoch (the first three digits of a fraction of a second count)
/// and how precise the text was.
pub fn parse_instant_ms(text: &str) -> Result<(i64, Precision), String> {
    let bad =
        || format!("`{text}` is not a date or time; use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)");
    let t = text.trim();
    if t.len() > 40 || !t.is_ascii() {
        return Err(bad());
    }
    let (date, time) = match t.split_once(['T', 't', ' ']) {
        Some((d, rest)) => (d, Some(rest)),
        None => (t, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let (y, m, d, precision) = match parts.as_slice() {
        [y, m] if time.is_none() => (digits(y, 4), digits(m, 2), Some(1), Precision::Month),
        [y, m, d] => (digits(y, 4), digits(m, 2), digits(d, 2), Precision::Day),
        _ => return Err(bad()),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    let y = i64::from(y);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(format!("`{text}` is not a real date"));
    }
    let mut secs = days_from_civil(y, m, d) * DAY;
    let Some(time) = time else {
        return Ok((secs * 1000, precision));
    };
    // Split off the zone.
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, z) = time.split_at(i);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let z = &z[1..];
        let (hh, mm) = match z.split_once(':') {
            Some((h, m)) => (digits(h, 2), digits(m, 2)),
            None if z.len() == 4 => (digits(&z[..2], 2), digits(&z[2..], 2)),
            None => (digits(z, 2), Some(0)),
        };
        match (hh, mm) {
            (Some(h), Some(m)) if h < 24 && m < 60 => (c, sign * i64::from(h * 3600 + m * 60)),
            _ => return Err(bad()),
        }
    } else {
        (time, 0)
    };
    let clock = clock.split('.').collect::<Vec<_>>();
    let (hms, frac) = match clock.as_slice() {
        [hms] => (*hms, None),
        [hms, frac] => (*hms, Some(*frac)),
        _ => return Err(bad()),
    };
    let mut millis = 0;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        millis = f
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(3)
            .fold(0, |ms, b| ms * 10 + i64::from(b - b'0'));
    }
    let hms: Vec<&str> = hms.split(':').collect();
    let (h, mi, s) = match hms.as_slice() {
        [h, mi] => (digits(h, 2), digits(mi, 2), Some(0)),
        [h, mi, s] => (digits(h, 2), digits(mi, 2), digits(s, 2)),
        _ => return Err(bad()),
    };
    let (Some(h), Some(mi), Some(s)) = (h, mi, s) else {
        return Err(bad());
    };
    if h > 24 || mi > 59 || s > 60 || (h == 24 && (mi, s) != (0, 0)) {
        return Err(format!("`{text}` is not a real time of day"));
    }
    secs += i64::from(h * 3600 + mi * 60 + s.min(59)) - offset;
    Ok((secs * 1000 + millis, Precision::Time))
}

/// A time interval `start/end` as the Genesys usage API takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// Start, inclusive.
    pub start: i64,
    /// End. Genesys treats a date-only end as that whole day.
    pub end: i64,
}

impl Interval {
    /// Reads `start/end` in any of the forms of [`parse_instant`] and checks
    /// that the start comes first.
    pub fn parse(text: &str) -> Result<Interval, String> {
        let t = text.trim();
        let (a, b) = t.split_once('/').ok_or_else(|| {
            format!("the interval `{t}` must be `start/end`, for example 2026-07-01T00:00:00Z/2026-07-08T00:00:00Z")
        })?;
        let start = parse_instant(a)?;
        let end = parse_instant(b)?;
        if start.secs > end.secs {
            return Err(format!("the interval `{t}` ends before it starts"));
        }
        if start.secs == end.secs && end.precision == Precision::Time {
            return Err(format!(
                "the interval `{t}` is empty: the end must come after the start"
            ));
        }
        Ok(Interval {
            start: start.secs,
            end: end.secs,
        })
    }

    /// Length in seconds.
    pub fn len_secs(&self) -> i64 {
        self.end - self.start
    }

    /// `start/end` with full timestamps.
    pub fn format(&self) -> String {
        format!(
            "{}/{}",
            format_timestamp(self.start),
            format_timestamp(self.end)
        )
    }

    /// The two halves, split at a whole second (or `None` if it can't be split).
    pub fn halves(&self) -> Option<(Interval, Interval)> {
        let len = self.len_secs();
        if len < 2 {
            return None;
        }
        // Split on a day boundary when the interval spans days, since usage is daily.
        let mid = self.start + len / 2;
        let day_mid = start_of_day(mid);
        let mid = if len >= 2 * DAY && day_mid > self.start {
            day_mid
        } else {
            mid
        };
        Some((
            Interval {
                start: self.start,
                end: mid,
            },
            Interval {
                start: mid,
                end: self.end,
            },
        ))
    }
}

/// The calendar buckets a long interval is cut along, so that no bucket of
/// the answer is split between two parts: UTC days, weeks starting on
/// Monday (as Genesys buckets them), or months starting on the 1st.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// A UTC day.
    Day,
    /// A week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

impl Bucket {
    /// The first day (days since 1970-01-01) of the bucket after the one
    /// holding `day`.
    pub fn next_start(self, day: i64) -> i64 {
        match self {
            Bucket::Day => day + 1,
            // 1970-01-01 was a Thursday: Monday is weekday 0.
            Bucket::Week => day - (day + 3).rem_euclid(7) + 7,
            Bucket::Month => {
                let (y, m, _) = civil_from_days(day);
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                days_from_civil(y, m, 1)
            }
        }
    }
}

impl Interval {
    /// Cuts the interval into consecutive parts of at most `max_days` days,
    /// cutting only where a `bucket` starts, each part as long as the limit
    /// allows. The parts cover the interval exactly, in order; an interval
    /// within the limit is its own single part. `None` when `max_days` is
    /// shorter than one bucket (a part could not hold it whole).
    pub fn split(&self, max_days: i64, bucket: Bucket) -> Option<Vec<Interval>> {
        let limit = max_days.saturating_mul(DAY);
        let mut parts = Vec::new();
        let mut start = self.start;
        while self.end - start > limit {
            // The last bucket start that keeps this part within the limit.
            let first = bucket.next_start(start.div_euclid(DAY));
            let cut = std::iter::successors(Some(first), |&d| Some(bucket.next_start(d)))
                .map(|d| d * DAY)
                .take_while(|&at| at - start <= limit && at < self.end)
                .last()?;
            parts.push(Interval { start, end: cut });
            start = cut;
        }
        parts.push(Interval {
            start,
            end: self.end,
        });
        Some(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-1_000_000, -1, 0, 1, 18_000, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(format_timestamp(1_781_020_860), "2026-06-09T16:01:00Z");
        assert_eq!(format_date(0), "1970-01-01");
    }

    #[test]
    fn every_documented_form_parses() {
        let i = Interval::parse("2020-02-01/2020-02-28").unwrap();
        assert_eq!(format_date(i.start), "2020-02-01");
        assert_eq!(format_date(i.end), "2020-02-28");
        let i = Interval::parse("2021-01/2021-02").unwrap();
        assert_eq!(i.len_secs(), 31 * DAY);
        let i = Interval::parse("2026-07-01T00:00:00.000Z/2026-07-08T00:00:00.000Z").unwrap();
        assert_eq!(i.len_secs(), 7 * DAY);
        let i = Interval::parse("2026-07-01T02:00:00+02:00/2026-07-02T00:00:00").unwrap();
        assert_eq!(format_timestamp(i.start), "2026-07-01T00:00:00Z");
    }

    #[test]
    fn bad_intervals_say_why() {
        assert!(Interval::parse("2026-07-08/2026-07-01")
            .unwrap_err()
            .contains("before"));
        assert!(Interval::parse("2026-07-01")
            .unwrap_err()
            .contains("start/end"));
        assert!(Interval::parse("2026-02-30/2026-03-01")
            .unwrap_err()
            .contains("real date"));
        assert!(Interval::parse("yesterday/today").is_err());
        assert!(Interval::parse("2026-07-01T25:00:00Z/2026-07-02").is_err());
        assert!(Interval::parse("2026-07-01T00:00:00Z/2026-07-01T00:00:00Z").is_err());
        assert!(parse_instant("2026-07-01T00:00:00+1").is_err());
        assert!(parse_instant("２０２６-07-01").is_err());
    }

    #[test]
    fn milliseconds_keep_the_fraction() {
        let (ms, p) = parse_instant_ms("2026-07-01T00:00:01.25Z").unwrap();
        assert_eq!((ms % 1000, p), (250, Precision::Time));
        assert_eq!(
            parse_instant("2026-07-01T00:00:01.25Z").unwrap().secs,
            ms / 1000
        );
        assert_eq!(parse_instant_ms("2021-01").unwrap().1, Precision::Month);
    }

    #[test]
    fn halves_split_on_day_boundaries() {
        let i = Interval::parse("2026-07-01/2026-07-08").unwrap();
        let (a, b) = i.halves().unwrap();
        assert_eq!(a.end, b.start);
        assert_eq!(a.end % DAY, 0);
        assert_eq!(a.start, i.start);
        assert_eq!(b.end, i.end);
    }

    fn day(text: &str) -> i64 {
        parse_instant(text).unwrap().secs
    }

    fn split(text: &str, max_days: i64, bucket: Bucket) -> Vec<String> {
        Interval::parse(text)
            .unwrap()
            .split(max_days, bucket)
            .unwrap()
            .iter()
            .map(|p| format!("{}/{}", format_date(p.start), format_date(p.end)))
            .collect()
    }

    fn check_parts(text: &str, max_days: i64, bucket: Bucket) {
        let whole = Interval::parse(text).unwrap();
        let parts = whole.split(max_days, bucket).unwrap();
        assert_eq!(parts.first().unwrap().start, whole.start, "{text}");
        assert_eq!(parts.last().unwrap().end, whole.end, "{text}");
        for pair in parts.windows(2) {
            assert_eq!(pair[0].end, pair[1].start, "{text}: parts touch");
            let cut_day = pair[0].end.div_euclid(DAY);
            assert_eq!(pair[0].end % DAY, 0, "{text}: cut at midnight");
            let previous = cut_day - 1;
            assert_eq!(
                bucket.next_start(previous),
                cut_day,
                "{text}: cut at a bucket start"
            );
        }
        for p in &parts {
            assert!(
                p.len_secs() > 0 && p.len_secs() <= max_days * DAY,
                "{text}: {p:?}"
            );
        }
    }

    #[test]
    fn an_interval_within_the_limit_is_one_part() {
        assert_eq!(
            split("2026-01-01/2026-03-31T00:00:00Z", 90, Bucket::Day),
            ["2026-01-01/2026-03-31"]
        );
        assert_eq!(
            split("2026-01-01/2026-04-01T00:00:00Z", 90, Bucket::Day),
            ["2026-01-01/2026-04-01"],
            "exactly 90 days is allowed"
        );
    }

    #[test]
    fn one_day_over_the_limit_makes_two_parts() {
        assert_eq!(
            split("2026-01-01T00:00:00Z/2026-04-02T00:00:00Z", 90, Bucket::Day),
            ["2026-01-01/2026-04-01", "2026-04-01/2026-04-02"]
        );
    }

    #[test]
    fn weeks_are_never_cut_in_two() {
        // 2026-01-05 is a Monday; 84 days (12 weeks) is the most that fits in 90.
        assert_eq!(
            split(
                "2026-01-05T00:00:00Z/2026-07-06T00:00:00Z",
                90,
                Bucket::Week
            ),
            [
                "2026-01-05/2026-03-30",
                "2026-03-30/2026-06-22",
                "2026-06-22/2026-07-06"
            ]
        );
        for text in [
            "2026-01-07T00:00:00Z/2026-12-31T00:00:00Z",
            "2025-12-01T06:30:00Z/2026-11-30T18:00:00Z",
        ] {
            check_parts(text, 90, Bucket::Week);
        }
    }

    #[test]
    fn months_are_never_cut_in_two() {
        // January to March 2027 is 90 days: one part. In 2028, a leap year, 91.
        assert_eq!(
            split(
                "2027-01-01T00:00:00Z/2027-04-01T00:00:00Z",
                90,
                Bucket::Month
            ),
            ["2027-01-01/2027-04-01"]
        );
        assert_eq!(
            split(
                "2028-01-01T00:00:00Z/2028-04-01T00:00:00Z",
                90,
                Bucket::Month
            ),
            ["2028-01-01/2028-03-01", "2028-03-01/2028-04-01"]
        );
        assert_eq!(
            split(
                "2027-12-01T00:00:00Z/2028-12-01T00:00:00Z",
                90,
                Bucket::Month
            ),
            [
                "2027-12-01/2028-02-01",
                "2028-02-01/2028-05-01",
                "2028-05-01/2028-07-01",
                "2028-07-01/2028-09-01",
                "2028-09-01/2028-11-01",
                "2028-11-01/2028-12-01",
            ]
        );
    }

    #[test]
    fn a_year_that_starts_mid_month_cuts_on_the_first_of_months() {
        assert_eq!(
            split(
                "2026-03-15T00:00:00Z/2027-03-15T00:00:00Z",
                90,
                Bucket::Month
            ),
            [
                "2026-03-15/2026-06-01",
                "2026-06-01/2026-08-01",
                "2026-08-01/2026-10-01",
                "2026-10-01/2026-12-01",
                "2026-12-01/2027-03-01",
                "2027-03-01/2027-03-15",
            ]
        );
        check_parts(
            "2026-03-15T09:00:00Z/2027-03-15T00:00:00Z",
            90,
            Bucket::Month,
        );
    }

    #[test]
    fn days_cut_a_leap_year_into_full_parts() {
        let parts = split("2028-01-01T00:00:00Z/2029-01-01T00:00:00Z", 90, Bucket::Day);
        assert_eq!(
            parts,
            [
                "2028-01-01/2028-03-31",
                "2028-03-31/2028-06-29",
                "2028-06-29/2028-09-27",
                "2028-09-27/2028-12-26",
                "2028-12-26/2029-01-01",
            ]
        );
        check_parts("2028-02-28T12:00:00Z/2029-02-28T12:00:00Z", 90, Bucket::Day);
        assert_eq!(
            day("2028-03-01") - day("2028-02-28"),
            2 * DAY,
            "29 February exists"
        );
    }

    #[test]
    fn a_limit_shorter_than_a_bucket_cannot_split() {
        let year = Interval::parse("2026-01-01/2026-12-31").unwrap();
        assert_eq!(year.split(20, Bucket::Month), None);
        assert_eq!(year.split(6, Bucket::Week), None);
        assert_eq!(year.split(i64::MAX, Bucket::Day), Some(vec![year.clone()]));
        assert_eq!(year.split(0, Bucket::Day), None);
        assert!(year.split(7, Bucket::Week).is_some());
    }
}
