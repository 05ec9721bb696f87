//! Plotly date strings ⇄ milliseconds since the Unix epoch, in UTC.
//!
//! Civil-calendar arithmetic is the proleptic Gregorian "days from civil"
//! computation (400-year eras of 146,097 days, years starting in March so
//! the leap day is the last day of a year), done in `i64` so it holds for
//! every year Plotly accepts, including years before 1970 and before 0.

use std::fmt;

const MS_PER_DAY: i64 = 86_400_000;
/// No date Plotly writes is longer; anything longer is rejected unread.
const MAX_DATE_LEN: usize = 64;
/// Fraction digits beyond this are checked but do not change the value.
const MAX_FRACTION_DIGITS: u32 = 9;
const MIN_YEAR: i64 = -9999;
const MAX_YEAR: i64 = 9999;

/// Why a string is not a Plotly date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// The string is longer than 64 bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The string is not of the form `YYYY[-M[M][-D[D][ H[H][:MM[:SS[.f…]]]]]]`.
    Syntax,
    /// A field is outside its range (month 13, 30 February, minute 60, …).
    OutOfRange {
        /// The field: `"month"`, `"day"`, `"hour"`, `"minute"` or `"second"`.
        field: &'static str,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { len } => {
                write!(
                    f,
                    "date string of {len} bytes is longer than {MAX_DATE_LEN}"
                )
            }
            Self::Syntax => f.write_str("not a Plotly date (expected `YYYY-MM-DD HH:MM:SS.sss`)"),
            Self::OutOfRange { field } => write!(f, "date has an out-of-range {field}"),
        }
    }
}

impl std::error::Error for DateError {}

/// Parses a Plotly date string into milliseconds since the Unix epoch (UTC).
///
/// Accepts what Plotly sends for date axes: `"2026"`, `"2026-01"`,
/// `"2026-01-03"`, `"2026-01-03 12"`, `"2026-01-03 12:34"`,
/// `"2026-01-03 12:34:56"` and `"2026-01-03 12:34:56.789"` (any number of
/// fraction digits; sub-millisecond digits are kept as a fraction). Also
/// accepted: one-digit months, days and hours, `T` instead of the space, a
/// trailing `Z`, surrounding whitespace, and a leading `-` on the year
/// (years -9999 to 9999). Time zone offsets are rejected.
///
/// ```
/// use ferrodash_figures::downsample::parse_plotly_date;
///
/// assert_eq!(parse_plotly_date("1970-01-01 00:00:01.5"), Ok(1500.0));
/// assert_eq!(parse_plotly_date("2026-01-03"), Ok(1_767_398_400_000.0));
/// assert!(parse_plotly_date("2026-02-29").is_err()); // not a leap year
/// ```
///
/// # Errors
///
/// [`DateError`] when the string is too long, malformed or names a
/// field out of range. Never panics, whatever the input.
pub fn parse_plotly_date(s: &str) -> Result<f64, DateError> {
    if s.len() > MAX_DATE_LEN {
        return Err(DateError::TooLong { len: s.len() });
    }
    let mut p = Cursor {
        bytes: s.trim().as_bytes(),
        at: 0,
    };
    let negative = p.eat(b"-");
    let year = i64::from(p.digits(4, 4)?);
    let year = if negative { -year } else { year };
    let (mut month, mut day, mut hour, mut minute, mut second) = (1, 1, 0, 0, 0);
    let mut fraction_ms = 0.0;
    if p.eat(b"-") {
        month = p.digits(1, 2)?;
        if p.eat(b"-") {
            day = p.digits(1, 2)?;
            if p.eat(b" Tt") {
                hour = p.digits(1, 2)?;
                if p.eat(b":") {
                    minute = p.digits(2, 2)?;
                    if p.eat(b":") {
                        second = p.digits(2, 2)?;
                        if p.eat(b".") {
                            fraction_ms = p.fraction_ms()?;
                        }
                    }
                }
            }
        }
    }
    p.eat(b"Zz");
    if p.at != p.bytes.len() {
        return Err(DateError::Syntax);
    }
    let out_of_range = |field| Err(DateError::OutOfRange { field });
    if !(1..=12).contains(&month) {
        return out_of_range("month");
    }
    if day < 1 || day > days_in_month(year, month) {
        return out_of_range("day");
    }
    if hour > 23 {
        return out_of_range("hour");
    }
    if minute > 59 {
        return out_of_range("minute");
    }
    if second > 59 {
        return out_of_range("second");
    }
    let days = days_from_civil(year, month, day);
    let ms = days * MS_PER_DAY
        + i64::from(hour) * 3_600_000
        + i64::from(minute) * 60_000
        + i64::from(second) * 1000;
    // |ms| < 2^53, so the conversion is exact.
    #[expect(clippy::cast_precision_loss, reason = "|ms| < 2^53 is exact in f64")]
    Ok(ms as f64 + fraction_ms)
}

/// Formats milliseconds since the Unix epoch as a Plotly date string in UTC,
/// rounded to the millisecond, dropping parts that are zero the way Plotly
/// does: `"2026-01-03"`, `"2026-01-03 12:34"`, `"2026-01-03 12:34:56"`,
/// `"2026-01-03 12:34:56.78"`.
///
/// Returns `None` for NaN, infinities and dates outside years -9999 to 9999.
/// [`parse_plotly_date`] reads every string this returns back to the same
/// (rounded) number.
///
/// ```
/// use ferrodash_figures::downsample::format_plotly_date;
///
/// assert_eq!(format_plotly_date(-1.0).as_deref(), Some("1969-12-31 23:59:59.999"));
/// assert_eq!(format_plotly_date(1_767_398_400_000.0).as_deref(), Some("2026-01-03"));
/// assert_eq!(format_plotly_date(f64::NAN), None);
/// ```
#[must_use]
pub fn format_plotly_date(ms: f64) -> Option<String> {
    let min = days_from_civil(MIN_YEAR, 1, 1) * MS_PER_DAY;
    let max = days_from_civil(MAX_YEAR + 1, 1, 1) * MS_PER_DAY;
    let ms = ms.round();
    #[expect(clippy::cast_precision_loss, reason = "both bounds are below 2^53")]
    let in_range = ms >= min as f64 && ms < max as f64;
    if !in_range {
        return None; // also NaN
    }
    #[expect(clippy::cast_possible_truncation, reason = "checked in range above")]
    let ms = ms as i64;
    let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let sign = if year < 0 { "-" } else { "" };
    let mut out = format!("{sign}{:04}-{month:02}-{day:02}", year.abs());
    if in_day == 0 {
        return Some(out);
    }
    let (hour, minute) = (in_day / 3_600_000, in_day / 60_000 % 60);
    let (second, milli) = (in_day / 1000 % 60, in_day % 1000);
    out.push_str(&format!(" {hour:02}:{minute:02}"));
    if second != 0 || milli != 0 {
        out.push_str(&format!(":{second:02}"));
    }
    if milli != 0 {
        let digits = format!("{milli:03}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    Some(out)
}

/// Days from 1970-01-01 to the given proleptic Gregorian date.
pub(super) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400; // 0..=399
    let march_month = (month + 9) % 12; // March = 0 … February = 11
    let day_of_year = (153 * march_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01.
pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097; // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    #[expect(clippy::cast_possible_truncation, reason = "month ≤ 12, day ≤ 31")]
    #[expect(clippy::cast_sign_loss, reason = "month, day ≥ 1")]
    (year, month as u32, day as u32)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A byte cursor over an ASCII date string.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Consumes one byte if it is one of `any`.
    fn eat(&mut self, any: &[u8]) -> bool {
        match self.bytes.get(self.at) {
            Some(b) if any.contains(b) => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }

    /// Reads `min..=max` decimal digits (at most 4, so no overflow).
    fn digits(&mut self, min: usize, max: usize) -> Result<u32, DateError> {
        let mut value = 0;
        let start = self.at;
        while self.at - start < max {
            match self.bytes.get(self.at) {
                Some(b @ b'0'..=b'9') => value = value * 10 + u32::from(b - b'0'),
                _ => break,
            }
            self.at += 1;
        }
        if self.at - start < min {
            return Err(DateError::Syntax);
        }
        Ok(value)
    }

    /// Reads one or more fraction-of-a-second digits, returning milliseconds.
    fn fraction_ms(&mut self) -> Result<f64, DateError> {
        let (mut value, mut scale, mut count) = (0_u64, 1_u64, 0_u32);
        while let Some(b @ b'0'..=b'9') = self.bytes.get(self.at) {
            if count < MAX_FRACTION_DIGITS {
                value = value * 10 + u64::from(b - b'0');
                scale *= 10;
            }
            count += 1;
            self.at += 1;
        }
        if count == 0 {
            return Err(DateError::Syntax);
        }
        #[expect(clippy::cast_precision_loss, reason = "both are below 10^10")]
        Ok(value as f64 * 1000.0 / scale as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Day count by walking years and months one at a time.
    fn naive_days(year: i64, month: u32, day: u32) -> i64 {
        let mut days = 0;
        let year_len = |y| if is_leap(y) { 366 } else { 365 };
        if year >= 1970 {
            days += (1970..year).map(year_len).sum::<i64>();
        } else {
            days -= (year..1970).map(year_len).sum::<i64>();
        }
        days += (1..month)
            .map(|m| i64::from(days_in_month(year, m)))
            .sum::<i64>();
        days + i64::from(day) - 1
    }

    #[test]
    fn known_dates() {
        // Checked with `date -u -d … +%s`.
        assert_eq!(parse_plotly_date("2026-01-03"), Ok(1_767_398_400_000.0));
        assert_eq!(parse_plotly_date("1900-03-01"), Ok(-2_203_891_200_000.0));
        assert_eq!(parse_plotly_date("1970"), Ok(0.0));
        assert_eq!(parse_plotly_date("1970-02"), Ok(31.0 * 86_400_000.0));
        assert_eq!(parse_plotly_date("1970-01-01 01"), Ok(3_600_000.0));
        assert_eq!(parse_plotly_date("1970-01-01 00:01"), Ok(60_000.0));
        assert_eq!(parse_plotly_date(" 1970-1-1T0:00:02Z "), Ok(2000.0));
        assert_eq!(parse_plotly_date("1969-12-31 23:59:59.999"), Ok(-1.0));
        assert_eq!(parse_plotly_date("1970-01-01 00:00:00.0005"), Ok(0.5));
        assert_eq!(parse_plotly_date("2024-02-29"), Ok(1_709_164_800_000.0));
        assert_eq!(parse_plotly_date("2000-02-29 12:00"), Ok(951_825_600_000.0));
        assert_eq!(parse_plotly_date("0000-03-01"), Ok(-62_162_035_200_000.0));
        let long = format!("1970-01-01 00:00:00.{}", "1".repeat(40));
        assert!((parse_plotly_date(&long).unwrap() - 111.111_111).abs() < 1e-9);
    }

    #[test]
    fn rejects_garbage() {
        let syntax = Err(DateError::Syntax);
        for s in [
            "",
            "-",
            "26-01-03",
            "2026-",
            "2026-01-",
            "2026-01-03 12:3",
            "2026-01-03 12:34:5",
            "2026-01-03 12:34:56.",
            "2026/01/03",
            "2026-01-03x",
            "2026-01-03 12:34:56+01:00",
            "20260-01-01",
            "nan",
            "1e12",
            "٢٠٢٦-01-01",
        ] {
            assert_eq!(parse_plotly_date(s), syntax, "{s:?}");
        }
        let range = |field| Err(DateError::OutOfRange { field });
        assert_eq!(parse_plotly_date("2026-13-01"), range("month"));
        assert_eq!(parse_plotly_date("2026-00-01"), range("month"));
        assert_eq!(parse_plotly_date("2026-02-29"), range("day"));
        assert_eq!(parse_plotly_date("1900-02-29"), range("day"));
        assert_eq!(parse_plotly_date("2026-04-31"), range("day"));
        assert_eq!(parse_plotly_date("2026-01-00"), range("day"));
        assert_eq!(parse_plotly_date("2026-01-01 24:00"), range("hour"));
        assert_eq!(parse_plotly_date("2026-01-01 00:60"), range("minute"));
        assert_eq!(parse_plotly_date("2026-01-01 00:00:60"), range("second"));
        let huge = "2".repeat(10_000_000);
        assert_eq!(
            parse_plotly_date(&huge),
            Err(DateError::TooLong { len: 10_000_000 })
        );
        assert!(!DateError::Syntax.to_string().is_empty());
    }

    #[test]
    fn formats_like_plotly() {
        let cases = [
            (0.0, "1970-01-01"),
            (1_767_398_400_000.0 + 45_240_000.0, "2026-01-03 12:34"),
            (1_767_398_400_000.0 + 45_296_000.0, "2026-01-03 12:34:56"),
            (1_767_398_400_000.0 + 45_296_780.0, "2026-01-03 12:34:56.78"),
            (-62_162_035_200_000.0, "0000-03-01"),
            (-62_162_035_200_000.0 - 86_400_000.0, "0000-02-29"),
            (-62_167_219_200_001.0, "-0001-12-31 23:59:59.999"),
        ];
        for (ms, s) in cases {
            assert_eq!(format_plotly_date(ms).as_deref(), Some(s));
            assert_eq!(parse_plotly_date(s), Ok(ms));
        }
        assert_eq!(format_plotly_date(f64::INFINITY), None);
        assert_eq!(format_plotly_date(1e300), None);
    }

    proptest! {
        #[test]
        fn civil_matches_naive(year in -2500_i64..2500, month in 1_u32..=12, day in 1_u32..=31) {
            prop_assume!(day <= days_in_month(year, month));
            let days = days_from_civil(year, month, day);
            prop_assert_eq!(days, naive_days(year, month, day));
            prop_assert_eq!(civil_from_days(days), (year, month, day));
        }

        #[test]
        fn round_trips(ms in -315_000_000_000_000_i64..253_000_000_000_000) {
            #[expect(clippy::cast_precision_loss, reason = "below 2^53")]
            let ms = ms as f64;
            let s = format_plotly_date(ms).unwrap();
            prop_assert_eq!(parse_plotly_date(&s), Ok(ms), "{}", s);
        }

        #[test]
        fn never_panics(s in proptest::collection::vec(any::<char>(), 0..80)) {
            let s: String = s.into_iter().collect();
            let _ = parse_plotly_date(&s);
        }

        #[test]
        fn never_panics_on_date_like(s in proptest::collection::vec(
            proptest::sample::select(b"0123456789-: T.Z".to_vec()), 0..40)
        ) {
            let _ = parse_plotly_date(&String::from_utf8(s).unwrap());
        }
    }
}
