//! The built-in types' lexical forms: round trips, tolerant reading, refusals.

use super::super::*;

#[test]
fn every_builtin_round_trips() {
    fn again<T: SoapValue + PartialEq + std::fmt::Debug>(v: T) {
        assert_eq!(T::from_value(v.to_value()).unwrap(), v);
    }
    again("  spaced  ".to_owned());
    again(true);
    again(false);
    again(i8::MIN);
    again(i16::MAX);
    again(-5i32);
    again(i64::MIN);
    again(u8::MAX);
    again(u16::MAX);
    again(u32::MAX);
    again(u64::MAX);
    again(1.5f32);
    again(f32::NEG_INFINITY);
    again(-0.1f64);
    again(f64::INFINITY);
    again(jiff::civil::date(2025, 6, 2));
    again(jiff::civil::time(10, 0, 0, 500_000_000));
    again(DateTime::parse("2025-06-02T10:00:00").unwrap());
    again(DateTime::parse("2025-06-02T10:00:00.123Z").unwrap());
    again(DateTime::parse("2025-06-02T10:00:00+05:30").unwrap());
    again(Duration::parse("P1Y2M3DT4H5M6S").unwrap());
    again(Duration::parse("-PT1.5S").unwrap());
    again(Base64Binary(vec![0, 1, 2, 250, 255]));
    again(HexBinary(vec![0, 0xAB, 0xFF]));
    again(());
    assert!(f64::from_value(f64::NAN.to_value()).unwrap().is_nan());
    assert_eq!(f64::NAN.to_value(), Value::Text("NaN".into()));
}

#[test]
fn lexical_forms_are_read_tolerantly_and_written_canonically() {
    let t = |s: &str| Value::Text(s.into());
    assert_eq!(i32::from_value(t(" 42\n")).unwrap(), 42);
    assert!(bool::from_value(t("1")).unwrap());
    assert!(!bool::from_value(t(" 0 ")).unwrap());
    assert_eq!(f64::from_value(t("-INF")).unwrap(), f64::NEG_INFINITY);
    assert_eq!(f32::from_value(t("1e3")).unwrap(), 1000.0);
    assert_eq!(String::from_value(t(" x ")).unwrap(), " x ");
    let dt = DateTime::from_value(t(" 2025-06-02T10:00:00-03:00 ")).unwrap();
    assert_eq!(dt.offset.map(|o| o.seconds()), Some(-3 * 3600));
    assert_eq!(dt.to_string(), "2025-06-02T10:00:00-03:00");
    assert_eq!(
        DateTime::from(jiff::civil::date(2025, 6, 2).at(8, 15, 0, 0)).to_string(),
        "2025-06-02T08:15:00"
    );
    assert_eq!(
        jiff::civil::Date::from_value(t("2025-06-02Z")).unwrap(),
        jiff::civil::date(2025, 6, 2)
    );
    assert_eq!(
        jiff::civil::Time::from_value(t("10:00:00+01:00")).unwrap(),
        jiff::civil::time(10, 0, 0, 0)
    );
    assert_eq!(
        Duration(jiff::Span::new().weeks(1).milliseconds(1500)).to_string(),
        "P7DT1.5S"
    );
    assert_eq!(Duration(jiff::Span::new()).to_string(), "PT0S");
    assert_eq!(
        Base64Binary::from_value(t("AAEC\n+v8=\r\n")).unwrap(),
        Base64Binary(vec![0, 1, 2, 250, 255])
    );
    assert_eq!(HexBinary(vec![0xab, 1]).to_value(), t("AB01"));
    assert_eq!(HexBinary::parse("ab01").unwrap(), HexBinary(vec![0xab, 1]));
    use crate::xsd::ToXsd;
    assert_eq!(7u8.to_xsd(), "7");
    assert_eq!(f32::NAN.to_xsd(), "NaN");
    assert_eq!(Duration::parse("P1D").unwrap().to_xsd(), "P1D");
}

#[test]
fn refusals_say_what_was_expected_with_a_short_excerpt() {
    let long = "x".repeat(100);
    let err = i32::from_value(Value::Text(long)).unwrap_err();
    assert!(
        err.message()
            .starts_with("expected an xsd:int (i32), got \"xxx"),
        "{err}"
    );
    assert!(err.message().len() < 90, "{err}");
    for bad in ["", "3000000000", "1.5"] {
        assert!(i32::from_value(Value::Text(bad.into())).is_err(), "{bad}");
    }
    for bad in ["yes", "2025-13-01", "P1W", "1 day", "zz", "2025-06-02"] {
        assert!(
            bool::from_value(Value::Text(bad.into())).is_err()
                && DateTime::from_value(Value::Text(bad.into())).is_err(),
            "{bad}"
        );
    }
    assert!(Duration::parse("P1W").is_none());
    assert!(HexBinary::parse("abc").is_none());
    assert!(Base64Binary::parse("!!").is_none());
    let err = String::from_value(Value::Nil).unwrap_err();
    assert_eq!(err.message(), "expected an xsd:string, got nil");
}
