//! Serialisers that write values back in the service's own formats, so a serialised model is the
//! PBX's JSON normalised (dates `YYYY-MM-DD HH:MM:SS`, `HH:MM:SS` or seconds as the field was
//! sent) and reads back through the lenient readers of [`super::de`].

use jiff::civil::{Date, DateTime};
use serde::Serializer;
use std::time::Duration;

/// `YYYY-MM-DD HH:MM:SS`, the service's date-time format (no `T`, no fraction).
pub(crate) fn datetime_text(dt: DateTime) -> String {
    dt.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

pub(crate) fn datetime<S: Serializer>(v: &DateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&datetime_text(*v))
}

pub(crate) fn opt_datetime<S: Serializer>(v: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => datetime(v, s),
        None => s.serialize_none(),
    }
}

pub(crate) fn opt_date<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(&v.strftime("%Y-%m-%d")),
        None => s.serialize_none(),
    }
}

/// `HH:MM:SS`, hours not wrapped at 24; a fraction of a second is dropped.
pub(crate) fn hms_text(d: Duration) -> String {
    let t = d.as_secs();
    format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

pub(crate) fn opt_hms<S: Serializer>(v: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&hms_text(*v)),
        None => s.serialize_none(),
    }
}

/// Whole seconds as an integer, fractional ones as a float.
pub(crate) fn secs<S: Serializer>(v: &Duration, s: S) -> Result<S::Ok, S::Error> {
    if v.subsec_nanos() == 0 {
        s.serialize_u64(v.as_secs())
    } else {
        s.serialize_f64(v.as_secs_f64())
    }
}

pub(crate) fn opt_secs<S: Serializer>(v: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => secs(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_formats() {
        let dt: DateTime = "2025-06-04T23:59:59.5".parse().unwrap();
        assert_eq!(datetime_text(dt), "2025-06-04 23:59:59");
        assert_eq!(hms_text(Duration::from_secs(450_001)), "125:00:01");
        assert_eq!(hms_text(Duration::from_secs(65)), "00:01:05");
    }
}
