//! Dates in front matter (`date`, `updated`, a cell's `verified`) → [`Date`]: parsed by
//! `jiff`, kept as the text feeds and sitemaps print, and ordered by the instant they denote.
//! Also ages (`18m`, `90d`) → [`Age`], for how old a statement may get.
//!
//! The forms read are ISO 8601 / RFC 3339 as jiff's Temporal parser reads them: `2026-09-14`,
//! `2026-09-14T10:00:00Z`, `2026-09-14 10:00`, with an optional offset (`+02:00`), and TOML
//! datetime values (which arrive as their text). A date alone is midnight UTC, and a time
//! without an offset is UTC: front matter has no time zone of its own, and the feed needs an
//! instant. Not for display formatting: templates get the parts they show from the renderer.
//!
//! jiff rather than `time`: its parser takes every form above in one call and keeps the
//! offset as written (`-00:00` included), where `time`'s RFC 3339 format wants seconds and a
//! `T`, so a second format list would have to be kept by hand.

use std::cmp::Ordering;

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::fmt::temporal::{Pieces, PiecesOffset};
use jiff::tz::Offset;
use serde::Serialize;

/// A date or datetime from front matter. Two dates compare by the instant they denote, so
/// `10:00+02:00` comes before `09:00Z`; the same instant written with different offsets is
/// ordered by its text, to keep sorting stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Date {
    /// `2026-09-14T08:30:00Z` or `2026-09-14T08:30:00+02:00`, with the offset as written
    /// (`Z` when there was none) and no fraction of a second; midnight UTC for plain dates.
    pub rfc3339: String,
    /// `2026-09-14`: the calendar date as written, whatever the offset.
    pub ymd: String,
    /// The instant, fraction of a second included.
    #[serde(skip)]
    instant: Timestamp,
}

impl Date {
    /// The instant this date denotes (a date alone: midnight UTC).
    pub fn instant(&self) -> Timestamp {
        self.instant
    }

    /// The date of a Unix time seen at an offset from UTC (what git records for a commit).
    pub fn from_unix(seconds: i64, offset_seconds: i32) -> Option<Date> {
        let instant = Timestamp::from_second(seconds).ok()?;
        let offset = Offset::from_seconds(offset_seconds).ok()?;
        let dt = offset.to_datetime(instant);
        let sign = if offset_seconds < 0 { '-' } else { '+' };
        let minutes = offset_seconds.unsigned_abs() / 60;
        parse_date(&format!(
            "{}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            dt.date(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            minutes / 60,
            minutes % 60
        ))
    }

    /// The calendar date as written.
    pub fn civil(&self) -> Option<jiff::civil::Date> {
        self.ymd.parse().ok()
    }
}

/// A length of time written `<n><unit>`: `90d`, `6w`, `18m` (months), `2y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    pub count: u32,
    pub unit: AgeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Age {
    /// The calendar date this long before `day` (months and years by the calendar, so
    /// `1m` before 31 March is 28 or 29 February).
    pub fn before(&self, day: jiff::civil::Date) -> jiff::civil::Date {
        let n = i64::from(self.count);
        let span = match self.unit {
            AgeUnit::Days => jiff::Span::new().try_days(n),
            AgeUnit::Weeks => jiff::Span::new().try_weeks(n),
            AgeUnit::Months => jiff::Span::new().try_months(n),
            AgeUnit::Years => jiff::Span::new().try_years(n),
        };
        span.ok()
            .and_then(|s| day.checked_sub(s).ok())
            .unwrap_or(jiff::civil::Date::MIN)
    }
}

impl std::fmt::Display for Age {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            AgeUnit::Days => "day",
            AgeUnit::Weeks => "week",
            AgeUnit::Months => "month",
            AgeUnit::Years => "year",
        };
        let s = if self.count == 1 { "" } else { "s" };
        write!(f, "{} {unit}{s}", self.count)
    }
}

/// Parses an age: a whole number and `d`, `w`, `m` (months) or `y`, as in `18m`.
pub fn parse_age(s: &str) -> Option<Age> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (count, unit) = s.split_at(split);
    let unit = match unit.trim() {
        "d" => AgeUnit::Days,
        "w" => AgeUnit::Weeks,
        "m" => AgeUnit::Months,
        "y" => AgeUnit::Years,
        _ => return None,
    };
    Some(Age {
        count: count.parse().ok()?,
        unit,
    })
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.rfc3339.cmp(&other.rfc3339))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses a date, or a date and time (`T` or a space between) with an optional offset.
/// `None` for anything else, including names of time zones (`[Europe/Paris]`), which would
/// need a time-zone database, and offsets with seconds, which RFC 3339 cannot write.
pub fn parse_date(s: &str) -> Option<Date> {
    let pieces = Pieces::parse(s.trim()).ok()?;
    if pieces.time_zone_annotation().is_some() {
        return None;
    }
    let date = pieces.date();
    let time = pieces.time().unwrap_or(Time::midnight());
    let (offset, written) = match pieces.offset() {
        None | Some(PiecesOffset::Zulu) => (Offset::UTC, "Z".to_string()),
        Some(PiecesOffset::Numeric(n)) => {
            let offset = n.offset();
            let seconds = offset.seconds();
            if seconds % 60 != 0 {
                return None;
            }
            // `-00:00` (RFC 3339: "offset unknown") keeps its sign.
            let sign = if seconds < 0 || n.is_negative() {
                '-'
            } else {
                '+'
            };
            let minutes = seconds.abs() / 60;
            (
                offset,
                format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60),
            )
        }
        Some(_) => return None,
    };
    // jiff's instants stop a day short of the civil calendar's ends (9999-12-31 in UTC is
    // past the last one): such dates sort at the end they are near.
    let instant = offset
        .to_timestamp(date.to_datetime(time))
        .unwrap_or(if date.year() > 0 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        });
    let ymd = date.to_string();
    Some(Date {
        rfc3339: format!(
            "{ymd}T{:02}:{:02}:{:02}{written}",
            time.hour(),
            time.minute(),
            time.second()
        ),
        ymd,
        instant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(s: &str) -> String {
        parse_date(s)
            .unwrap_or_else(|| panic!("{s} should parse"))
            .rfc3339
    }

    #[test]
    fn the_documented_forms_keep_their_text() {
        for (input, want) in [
            ("2026-09-14", "2026-09-14T00:00:00Z"),
            ("2026-09-14T10:00:00Z", "2026-09-14T10:00:00Z"),
            ("2026-09-14 10:00", "2026-09-14T10:00:00Z"),
            ("2026-09-14t10:00z", "2026-09-14T10:00:00Z"),
            ("2026-02-03T04:05:06+02:00", "2026-02-03T04:05:06+02:00"),
            ("2026-02-03T04:05:06.789-05:30", "2026-02-03T04:05:06-05:30"),
            ("2026-02-03T04:05:06-00:00", "2026-02-03T04:05:06-00:00"),
            (" 2024-02-29 ", "2024-02-29T00:00:00Z"),
        ] {
            assert_eq!(rfc(input), want, "{input}");
            assert_eq!(parse_date(input).unwrap().ymd, want[..10], "{input}");
        }
    }

    #[test]
    fn nonsense_and_zone_names_are_refused() {
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-09-14T24:00:00Z",
            "2026-09-14T10:00:00+02:00[Europe/Paris]",
            "2026-09-14T10:00:00+02:00:30",
            "yesterday",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn unix_times_keep_their_offset() {
        let d = Date::from_unix(1_700_000_000, 3600).unwrap();
        assert_eq!(d.rfc3339, "2023-11-14T23:13:20+01:00");
        let d = Date::from_unix(1_700_000_000, -7 * 3600).unwrap();
        assert_eq!(d.ymd, "2023-11-14");
        assert_eq!(d.instant(), Timestamp::from_second(1_700_000_000).unwrap());
    }

    #[test]
    fn ages() {
        let day: jiff::civil::Date = "2026-03-31".parse().unwrap();
        let age = |s| parse_age(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(age("18m").before(day).to_string(), "2024-09-30");
        assert_eq!(age("1m").before(day).to_string(), "2026-02-28");
        assert_eq!(age("90d").before(day).to_string(), "2025-12-31");
        assert_eq!(age("2y").before(day).to_string(), "2024-03-31");
        assert_eq!(age("1w").to_string(), "1 week");
        assert_eq!(age("18m").to_string(), "18 months");
        for bad in ["", "m", "18", "18x", "-3d", "1.5y", "18 months"] {
            assert!(parse_age(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_order_by_instant() {
        let d = |s| parse_date(s).unwrap();
        // As text the first is larger; as instants it is an hour earlier.
        assert!(d("2026-09-14T10:00:00+02:00") < d("2026-09-14T09:00:00Z"));
        // A date alone is midnight UTC.
        assert!(d("2026-09-14") < d("2026-09-13T23:30:00-01:00"));
        assert_eq!(d("2026-09-14"), d("2026-09-14T00:00:00Z"));
        // Fractions order, though the text drops them.
        assert!(d("2026-09-14T10:00:00.1Z") < d("2026-09-14T10:00:00.2Z"));
        // The same instant with two offsets: different, ordered, never equal.
        let (a, b) = (d("2026-09-14T10:00:00+02:00"), d("2026-09-14T08:00:00Z"));
        assert_eq!(a.instant(), b.instant());
        assert_ne!(a.cmp(&b), Ordering::Equal);
        assert_ne!(a, b);
        // The ends of the calendar still parse, and sort at their end.
        assert!(d("9999-12-31") > d("9999-12-30T12:00:00Z"));
        assert!(d("0000-01-01") < d("0000-01-02"));
    }
}
