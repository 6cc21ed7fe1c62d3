//! Dates as each locale writes them: `July 9, 2024` or `9 July 2024`.

use chrono::NaiveDate;

use crate::config::Locale;

/// `July 16, 2024` (en-US) or `16 July 2024` (en-GB).
pub fn date(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::EnUs => d.format("%B %-d, %Y").to_string(),
        Locale::EnGb => d.format("%-d %B %Y").to_string(),
    }
}

/// `July 9` (en-US) or `9 July` (en-GB), for dates within the brief's year.
pub fn day_month(d: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::EnUs => d.format("%B %-d").to_string(),
        Locale::EnGb => d.format("%-d %B").to_string(),
    }
}

/// `June 2023`, for monthly figures (the same in both locales).
pub fn month(d: NaiveDate) -> String {
    d.format("%B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_by_locale() {
        let d = NaiveDate::from_ymd_opt(2024, 7, 9).unwrap();
        assert_eq!(date(d, Locale::EnUs), "July 9, 2024");
        assert_eq!(date(d, Locale::EnGb), "9 July 2024");
        assert_eq!(day_month(d, Locale::EnUs), "July 9");
        assert_eq!(day_month(d, Locale::EnGb), "9 July");
        assert_eq!(month(d), "July 2024");
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(date(leap, Locale::EnGb), "29 February 2024");
    }
}
