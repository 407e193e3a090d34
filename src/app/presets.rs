//! The interval presets of the query form (yesterday, last 7 days, this
//! month, …): their names in the URL, their labels, and the days they cover
//! on a given day.

use crate::time::{civil_from_days, days_from_civil};

/// An interval preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// Yesterday.
    Yesterday,
    /// The 7 days before today.
    #[default]
    Last7,
    /// The 30 days before today.
    Last30,
    /// The 90 days before today.
    Last90,
    /// From the 1st of this month to yesterday.
    ThisMonth,
    /// The whole of last month.
    LastMonth,
    /// The 26 weeks before today.
    Last6Months,
    /// The 52 weeks before today (a jobs query starts at most a year back).
    Last12Months,
    /// From 1 January to yesterday.
    ThisYear,
    /// The `from` and `to` dates.
    Custom,
}

impl Preset {
    /// Every preset, in the order of the picker.
    pub const ALL: [Preset; 10] = [
        Preset::Yesterday,
        Preset::Last7,
        Preset::Last30,
        Preset::Last90,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::Last6Months,
        Preset::Last12Months,
        Preset::ThisYear,
        Preset::Custom,
    ];

    /// Whether the preset reaches back further than 90 days: offered only
    /// for the kinds that answer such an interval
    /// ([`super::query_spec::Kind::answers_a_year`]).
    pub fn is_long(self) -> bool {
        matches!(
            self,
            Preset::Last6Months | Preset::Last12Months | Preset::ThisYear
        )
    }

    /// The name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Yesterday => "yesterday",
            Preset::Last7 => "7d",
            Preset::Last30 => "30d",
            Preset::Last90 => "90d",
            Preset::ThisMonth => "this-month",
            Preset::LastMonth => "last-month",
            Preset::Last6Months => "6m",
            Preset::Last12Months => "12m",
            Preset::ThisYear => "this-year",
            Preset::Custom => "custom",
        }
    }

    /// The preset named in the URL.
    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Yesterday => "Yesterday",
            Preset::Last7 => "Last 7 days",
            Preset::Last30 => "Last 30 days",
            Preset::Last90 => "Last 90 days",
            Preset::ThisMonth => "This month",
            Preset::LastMonth => "Last month",
            Preset::Last6Months => "Last 6 months",
            Preset::Last12Months => "Last 12 months",
            Preset::ThisYear => "This year",
            Preset::Custom => "Custom dates",
        }
    }

    /// First and last day (inclusive, days since 1970-01-01) for `today`.
    pub fn days(self, today: i64) -> Option<(i64, i64)> {
        let (y, m, _) = civil_from_days(today);
        let first_of_month = days_from_civil(y, m, 1);
        match self {
            Preset::Yesterday => Some((today - 1, today - 1)),
            Preset::Last7 => Some((today - 7, today - 1)),
            Preset::Last30 => Some((today - 30, today - 1)),
            Preset::Last90 => Some((today - 90, today - 1)),
            Preset::ThisMonth => Some((first_of_month, (today - 1).max(first_of_month))),
            Preset::LastMonth => {
                let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
                Some((days_from_civil(py, pm, 1), first_of_month - 1))
            }
            Preset::Last6Months => Some((today - 26 * 7, today - 1)),
            Preset::Last12Months => Some((today - 52 * 7, today - 1)),
            Preset::ThisYear => {
                let first_of_year = days_from_civil(y, 1, 1);
                Some((first_of_year, (today - 1).max(first_of_year)))
            }
            Preset::Custom => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_date, DAY};

    fn day(text: &str) -> i64 {
        let p: Vec<i64> = text.split('-').map(|x| x.parse().unwrap()).collect();
        days_from_civil(p[0], p[1] as u32, p[2] as u32)
    }

    /// The preset's days on `today`, as dates.
    fn on(p: Preset, today: &str) -> (String, String) {
        let (a, b) = p.days(day(today)).unwrap();
        (format_date(a * DAY), format_date(b * DAY))
    }

    /// Checks each (preset, today, first day, last day).
    fn check(cases: &[(Preset, &str, &str, &str)]) {
        for (p, today, a, b) in cases {
            assert_eq!(
                on(*p, today),
                (a.to_string(), b.to_string()),
                "{p:?} on {today}"
            );
        }
    }

    #[test]
    fn last_month_ends_on_the_last_day_of_each_month() {
        use Preset::LastMonth as L;
        check(&[
            (L, "2024-03-15", "2024-02-01", "2024-02-29"),
            (L, "2023-03-01", "2023-02-01", "2023-02-28"),
            (L, "2100-03-31", "2100-02-01", "2100-02-28"),
            (L, "2000-03-10", "2000-02-01", "2000-02-29"),
            (L, "2024-05-31", "2024-04-01", "2024-04-30"),
            (L, "2024-08-01", "2024-07-01", "2024-07-31"),
            // In January: last December.
            (L, "2025-01-01", "2024-12-01", "2024-12-31"),
            (L, "2025-01-31", "2024-12-01", "2024-12-31"),
        ]);
    }

    #[test]
    fn this_month_on_the_first_is_the_first_alone() {
        // Nothing of the month is over yet: the first day stands for it.
        use Preset::ThisMonth as T;
        check(&[
            (T, "2024-03-01", "2024-03-01", "2024-03-01"),
            (T, "2024-03-31", "2024-03-01", "2024-03-30"),
            (T, "2024-02-29", "2024-02-01", "2024-02-28"),
        ]);
    }

    #[test]
    fn yesterday_crosses_month_year_and_leap_day() {
        use Preset::Yesterday as Y;
        check(&[
            (Y, "2024-03-01", "2024-02-29", "2024-02-29"),
            (Y, "2100-03-01", "2100-02-28", "2100-02-28"),
            (Y, "2025-01-01", "2024-12-31", "2024-12-31"),
        ]);
    }

    #[test]
    fn rolling_presets_end_yesterday_and_count_their_days() {
        for (p, n) in [
            (Preset::Last7, 7),
            (Preset::Last30, 30),
            (Preset::Last90, 90),
            (Preset::Last6Months, 26 * 7),
            (Preset::Last12Months, 52 * 7),
        ] {
            let today = day("2024-03-01");
            let (a, b) = p.days(today).unwrap();
            assert_eq!(b, today - 1, "{p:?} ends yesterday");
            assert_eq!(b - a + 1, n, "{p:?} covers {n} days");
        }
        check(&[
            (Preset::Last7, "2025-01-03", "2024-12-27", "2025-01-02"),
            (Preset::Last30, "2024-03-01", "2024-01-31", "2024-02-29"),
            // Six and twelve months are whole weeks back.
            (
                Preset::Last6Months,
                "2024-07-01",
                "2024-01-01",
                "2024-06-30",
            ),
            (
                Preset::Last12Months,
                "2024-12-31",
                "2024-01-02",
                "2024-12-30",
            ),
            (
                Preset::Last12Months,
                "2025-03-01",
                "2024-03-02",
                "2025-02-28",
            ),
        ]);
    }

    #[test]
    fn this_year_starts_on_the_first_of_january() {
        use Preset::ThisYear as Y;
        check(&[
            (Y, "2024-12-31", "2024-01-01", "2024-12-30"),
            (Y, "2025-01-01", "2025-01-01", "2025-01-01"),
            (Y, "2024-03-01", "2024-01-01", "2024-02-29"),
        ]);
    }

    #[test]
    fn custom_has_no_days_of_its_own() {
        assert_eq!(Preset::Custom.days(day("2024-03-01")), None);
    }

    #[test]
    fn every_preset_round_trips_through_its_url_name() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Some(p));
        }
        assert_eq!(Preset::parse("8d"), None);
        assert_eq!(Preset::parse(""), None);
        let long: Vec<_> = Preset::ALL.into_iter().filter(|p| p.is_long()).collect();
        assert_eq!(
            long,
            [Preset::Last6Months, Preset::Last12Months, Preset::ThisYear]
        );
    }
}
