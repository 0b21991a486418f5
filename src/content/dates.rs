//! Dates in front matter (`date`, `updated`) → [`Date`], normalised for feeds and sitemaps.
//!
//! Not for display formatting: templates get the parts they show from the renderer.

use serde::Serialize;

/// A date or datetime from front matter, normalised for sorting and for feeds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// `2026-09-14T08:30:00Z` or `2026-09-14T08:30:00+02:00`; midnight UTC for plain dates.
    pub rfc3339: String,
    /// `2026-09-14`.
    pub ymd: String,
}

/// Parses `YYYY-MM-DD` with an optional time (`T` or space) and offset.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let ymd = format!("{y:04}-{m:02}-{d:02}");
    if b.len() == 10 {
        return Some(Date {
            rfc3339: format!("{ymd}T00:00:00Z"),
            ymd,
        });
    }
    if b[10] != b'T' && b[10] != b' ' && b[10] != b't' {
        return None;
    }
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    if s.get(13..14)? != ":" || hh > 23 || mm > 59 {
        return None;
    }
    let mut rest = &s[16..];
    let mut ss = 0;
    if let Some(r) = rest.strip_prefix(':') {
        ss = r.get(0..2)?.parse::<u32>().ok().filter(|v| *v <= 60)?;
        rest = &r[2..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            rest = &frac[n..];
        }
    }
    let offset = match rest {
        "" | "Z" | "z" => "Z".to_string(),
        o if o.len() == 6
            && (o.starts_with('+') || o.starts_with('-'))
            && o.as_bytes()[3] == b':' =>
        {
            o.to_string()
        }
        _ => return None,
    };
    Some(Date {
        rfc3339: format!("{ymd}T{hh:02}:{mm:02}:{ss:02}{offset}"),
        ymd,
    })
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2026-02-03T04:05:06+02:00").unwrap().rfc3339,
            "2026-02-03T04:05:06+02:00"
        );
        assert_eq!(
            parse_date("2026-02-03 04:05").unwrap().rfc3339,
            "2026-02-03T04:05:00Z"
        );
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("yesterday").is_none());
    }
}
