//! Working days in Việt Nam, for deadlines counted in "ngày làm việc": Monday to Friday, less
//! the public holidays of Bộ luật Lao động 2019 Điều 112, with Tết and Giỗ Tổ found by the
//! Vietnamese lunar calendar (computed for UTC+7, which is not always China's), a holiday that
//! falls on a weekend given back on the next working day, and the government's yearly swaps
//! (a Saturday worked for a bridge day off) supplied as data.

use std::collections::BTreeSet;
use std::f64::consts::PI;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use super::documents::vietnam;

/// The calendar a deadline is counted on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    /// Extra days off (bridge days the government announces), `TTDT_HOLIDAYS`.
    pub extra_days_off: BTreeSet<NaiveDate>,
    /// Weekend days worked in exchange, `TTDT_WORKING_WEEKENDS`.
    pub worked_weekends: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.worked_weekends.contains(&day) {
            return true;
        }
        !is_weekend(day) && !self.extra_days_off.contains(&day) && !is_public_holiday(day)
    }

    /// The end of the `days`-th working day after the day of `from` (Vietnamese time): a
    /// question received on a Friday with 7 working days is due at the end of the Tuesday
    /// week after, later when holidays fall between.
    pub fn deadline(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let mut day = from.with_timezone(&vietnam()).date_naive();
        let mut left = days;
        while left > 0 {
            day = day.succ_opt().expect("dates stay in range");
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        let next = day.succ_opt().expect("dates stay in range");
        vietnam()
            .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .single()
            .expect("UTC+7 has no gaps")
            .with_timezone(&Utc)
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A public holiday of Điều 112 (or the working day given back for one on a weekend).
pub fn is_public_holiday(day: NaiveDate) -> bool {
    holidays(day.year()).contains(&day) || holidays(day.year() - 1).contains(&day)
}

/// The public holidays counted from year `year`'s dates: some of Tết's days or a day given
/// back may fall in January of the next year, which is why a day is looked up in two years.
fn holidays(year: i32) -> BTreeSet<NaiveDate> {
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a valid date");
    let mut fixed = vec![date(1, 1), date(4, 30), date(5, 1), date(9, 2)];
    // Quốc khánh: 2/9 and the day next to it, before if that is a weekday, else after.
    let before = date(9, 1);
    fixed.push(if is_weekend(before) {
        date(9, 3)
    } else {
        before
    });
    fixed.push(lunar_to_solar(10, 3, year)); // Giỗ Tổ Hùng Vương
    let mut days: BTreeSet<NaiveDate> = fixed.iter().copied().collect();
    // A holiday on a weekend is given back on the next day that is neither.
    for day in fixed {
        if is_weekend(day) {
            let mut back = day.succ_opt().expect("in range");
            while is_weekend(back) || days.contains(&back) {
                back = back.succ_opt().expect("in range");
            }
            days.insert(back);
        }
    }
    // Tết Nguyên đán: five days, the last day of the old year and the first four of the new.
    let tet = lunar_to_solar(1, 1, year);
    for offset in -1..=3 {
        days.insert(tet + Duration::days(offset));
    }
    days
}

const TIME_ZONE: f64 = 7.0;

fn julian_day(day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce()) + 1_721_425
}

fn from_julian_day(jd: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt((jd - 1_721_425) as i32).expect("in range")
}

/// The moment of the `k`-th new moon after 1900-01-01 (Julian day, UT), after Jean Meeus,
/// *Astronomical Algorithms*.
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 -= 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 += 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 -= 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 -= 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 += 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd + c1 - delta_t
}

/// The local day (Julian day number) of the `k`-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// Which twelfth of the ecliptic the sun is in at the start of local day `jd` (0 = from the
/// vernal equinox).
fn sun_longitude_sector(jd: i64) -> i64 {
    let t = (jd as f64 - 0.5 - TIME_ZONE / 24.0 - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    let l = l - 2.0 * PI * (l / (2.0 * PI)).floor();
    (l / PI * 6.0).floor() as i64
}

/// The first day of the lunar month holding the winter solstice, in solar year `year`.
fn month_eleven(year: i32) -> i64 {
    let off = julian_day(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid")) - 2_415_021;
    let k = (off as f64 / 29.530_588_853).floor() as i64;
    let start = new_moon_day(k);
    if sun_longitude_sector(start) >= 9 {
        new_moon_day(k - 1)
    } else {
        start
    }
}

/// How many months after month eleven the leap month comes.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_longitude_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_longitude_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The solar date of day `day` of (non-leap) lunar month `month` of lunar year `year`.
pub fn lunar_to_solar(day: u32, month: u32, year: i32) -> NaiveDate {
    let (a11, b11) = if month < 11 {
        (month_eleven(year - 1), month_eleven(year))
    } else {
        (month_eleven(year), month_eleven(year + 1))
    };
    let k = (0.5 + (a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853).floor() as i64;
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 && off >= leap_month_offset(a11) {
        off += 1;
    }
    from_julian_day(new_moon_day(k + off) + i64::from(day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn tet_and_gio_to_fall_where_the_vietnamese_calendar_puts_them() {
        // Mùng 1 Tết, as printed on Vietnamese calendars.
        for (year, tet) in [
            (2020, d(2020, 1, 25)),
            (2021, d(2021, 2, 12)),
            (2022, d(2022, 2, 1)),
            (2023, d(2023, 1, 22)),
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2028, d(2028, 1, 26)),
        ] {
            assert_eq!(lunar_to_solar(1, 1, year), tet, "Tết {year}");
        }
        // 1985: the UTC+7 calendar put Tết on 21 January, a month before China's (20 February).
        assert_eq!(lunar_to_solar(1, 1, 1985), d(1985, 1, 21));
        // 10/3 âm lịch, a year with a leap month (2023 had a leap 2nd month) and years without.
        assert_eq!(lunar_to_solar(10, 3, 2023), d(2023, 4, 29));
        assert_eq!(lunar_to_solar(10, 3, 2024), d(2024, 4, 18));
        assert_eq!(lunar_to_solar(10, 3, 2025), d(2025, 4, 7));
        assert_eq!(lunar_to_solar(10, 3, 2026), d(2026, 4, 26));
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_the_days_given_back() {
        let cal = WorkingCalendar::default();
        assert!(cal.is_working_day(d(2026, 12, 3))); // a Thursday
        assert!(!cal.is_working_day(d(2026, 12, 5))); // Saturday
        assert!(!cal.is_working_day(d(2026, 4, 30)));
        assert!(!cal.is_working_day(d(2026, 5, 1)));
        assert!(!cal.is_working_day(d(2026, 9, 2)));
        assert!(!cal.is_working_day(d(2026, 9, 1))); // the Tuesday before Quốc khánh
        assert!(!cal.is_working_day(d(2024, 9, 3))); // 1/9/2024 was a Sunday: after instead
        // Giỗ Tổ 2026 is Sunday 26 April: given back on Monday 27.
        assert!(!cal.is_working_day(d(2026, 4, 27)));
        // Tết 2026: 16–20 February.
        for day in 16..=20 {
            assert!(!cal.is_working_day(d(2026, 2, day)), "{day}/2/2026");
        }
        assert!(cal.is_working_day(d(2026, 2, 23)));
        // Tết 2028 starts on 25 January 2028, counted from 2028's own dates.
        assert!(!cal.is_working_day(d(2028, 1, 25)));
        // 1/1/2028 is a Saturday: Monday 3 January is given back.
        assert!(!cal.is_working_day(d(2028, 1, 3)));
    }

    #[test]
    fn swaps_come_from_configuration() {
        let cal = WorkingCalendar {
            extra_days_off: [d(2026, 12, 4)].into(),
            worked_weekends: [d(2026, 12, 5)].into(),
        };
        assert!(!cal.is_working_day(d(2026, 12, 4)));
        assert!(cal.is_working_day(d(2026, 12, 5)));
    }

    #[test]
    fn a_deadline_ends_with_the_last_working_day_in_vietnamese_time() {
        let cal = WorkingCalendar::default();
        // Thursday 3 December 2026, 10:00 in Hà Nội; 7 working days: Fri 4, Mon 7 … Fri 11,
        // Mon 14 → due at midnight after Monday 14 December (17:00 UTC on the 14th).
        let from = Utc.with_ymd_and_hms(2026, 12, 3, 3, 0, 0).unwrap();
        assert_eq!(
            cal.deadline(from, 7),
            Utc.with_ymd_and_hms(2026, 12, 14, 17, 0, 0).unwrap()
        );
        // Late on Thursday UTC is already Friday in Việt Nam.
        let late = Utc.with_ymd_and_hms(2026, 12, 3, 18, 0, 0).unwrap();
        assert_eq!(
            cal.deadline(late, 1),
            Utc.with_ymd_and_hms(2026, 12, 7, 17, 0, 0).unwrap()
        );
        // Received on 27 April 2026 before the holidays: 28, 29 count; 30/4 and 1/5 don't.
        let april = Utc.with_ymd_and_hms(2026, 4, 27, 3, 0, 0).unwrap();
        assert_eq!(
            cal.deadline(april, 3),
            Utc.with_ymd_and_hms(2026, 5, 4, 17, 0, 0).unwrap()
        );
    }
}
