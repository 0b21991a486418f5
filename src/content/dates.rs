//! Dates in front matter (`date`, `updated`) → [`Date`]: parsed by `jiff`, kept as the text
//! feeds and sitemaps print, and ordered by the instant they denote.
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
