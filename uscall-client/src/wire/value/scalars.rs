//! The XSD built-in types as Rust values: their lexical forms read from and written to a
//! [`Value`], and the date, duration and binary types the standard library lacks.

use super::{SoapValue, Value, ValueError};
use crate::meta::Builtin;
use crate::xsd::ToXsd;
use base64::Engine;
use std::fmt;

/// At most this many characters of a refused text are quoted in an error.
const EXCERPT_CHARS: usize = 40;

/// `text`, cut to [`EXCERPT_CHARS`] characters, for an error message.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// The error for `value`, which is not `expected` (`an xsd:int (i32)`).
pub(crate) fn not_a(expected: &str, value: &Value) -> ValueError {
    let got = match value {
        Value::Nil => "nil".to_owned(),
        Value::Text(text) => excerpt(text),
        Value::Struct(_) => "a struct".to_owned(),
        Value::List(_) => "a list".to_owned(),
    };
    ValueError::new(format!("expected {expected}, got {got}"))
}

/// The text of a simple value, or the error naming `expected`.
fn text<'v>(value: &'v Value, expected: &str) -> Result<&'v str, ValueError> {
    match value {
        Value::Text(text) => Ok(text),
        other => Err(not_a(expected, other)),
    }
}

/// Reads `value` with `parse`, trimmed, refusing with `expected`.
fn parsed<T>(
    value: &Value,
    expected: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, ValueError> {
    let t = text(value, expected)?;
    parse(t.trim()).ok_or_else(|| not_a(expected, value))
}

impl SoapValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Text(text) => Ok(text),
            other => Err(not_a("an xsd:string", &other)),
        }
    }
}

impl SoapValue for bool {
    fn to_value(&self) -> Value {
        Value::Text(self.to_xsd())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:boolean (true, false, 1 or 0)", parse_bool)
    }
}

fn parse_bool(t: &str) -> Option<bool> {
    match t {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

macro_rules! integers {
    ($($ty:ty => $expected:literal),* $(,)?) => {$(
        impl SoapValue for $ty {
            fn to_value(&self) -> Value {
                Value::Text(self.to_string())
            }
            fn from_value(value: Value) -> Result<Self, ValueError> {
                parsed(&value, $expected, |t| t.parse().ok())
            }
        }
    )*};
}

integers! {
    i8 => "an xsd:byte (i8)",
    i16 => "an xsd:short (i16)",
    i32 => "an xsd:int (i32)",
    i64 => "an xsd:long (i64)",
    u8 => "an xsd:unsignedByte (u8)",
    u16 => "an xsd:unsignedShort (u16)",
    u32 => "an xsd:unsignedInt (u32)",
    u64 => "an xsd:unsignedLong (u64)",
}

macro_rules! to_xsd_by_display {
    ($($ty:ty),*) => {$(
        impl ToXsd for $ty {
            fn to_xsd(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

to_xsd_by_display!(i8, i16, i32, u8, u16, u32, u64);

/// An xsd:float or xsd:double: `INF`, `-INF` and `NaN` besides the decimal and exponent forms.
fn parse_float<T: std::str::FromStr + From<f32>>(t: &str) -> Option<T> {
    match t {
        "INF" | "+INF" => Some(T::from(f32::INFINITY)),
        "-INF" => Some(T::from(f32::NEG_INFINITY)),
        "NaN" => Some(T::from(f32::NAN)),
        // Rust also reads `inf` and `nan` spelled otherwise; XSD does not write them, and
        // refusing them would only make reading less tolerant.
        _ => t.parse().ok(),
    }
}

impl SoapValue for f64 {
    fn to_value(&self) -> Value {
        Value::Text(self.to_xsd())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:double (f64)", parse_float)
    }
}

impl SoapValue for f32 {
    fn to_value(&self) -> Value {
        Value::Text(self.to_xsd())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:float (f32)", parse_float)
    }
}

impl ToXsd for f32 {
    fn to_xsd(&self) -> String {
        if self.is_nan() || self.is_infinite() {
            f64::from(*self).to_xsd()
        } else {
            self.to_string()
        }
    }
}

/// The offset written at the end of an xsd date, time or dateTime (`Z`, `+02:00`), split off.
fn split_offset(t: &str) -> Result<(&str, Option<jiff::tz::Offset>), ()> {
    if let Some(rest) = t.strip_suffix('Z') {
        return Ok((rest, Some(jiff::tz::Offset::UTC)));
    }
    let b = t.as_bytes();
    let n = b.len();
    // `±HH:MM` after at least a time or date: its sign is never the date's own hyphens, since
    // a date ends in two digits and a colon follows the sign's hours.
    if n > 6 && matches!(b[n - 6], b'+' | b'-') && b[n - 3] == b':' {
        let digits = |s: &str| -> Result<i32, ()> {
            (s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| s.parse().map_err(|_| ()))
                .ok_or(())?
        };
        let hours = digits(&t[n - 5..n - 3])?;
        let minutes = digits(&t[n - 2..])?;
        if hours > 14 || minutes > 59 {
            return Err(());
        }
        let sign = if b[n - 6] == b'-' { -1 } else { 1 };
        let offset =
            jiff::tz::Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).map_err(|_| ())?;
        return Ok((&t[..n - 6], Some(offset)));
    }
    Ok((t, None))
}

fn write_offset(out: &mut String, offset: jiff::tz::Offset) {
    let seconds = offset.seconds();
    if seconds == 0 {
        out.push('Z');
        return;
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
}

/// `.5`, `.123` for nanoseconds past the second; nothing for none.
fn fraction(nanos: i32) -> String {
    if nanos == 0 {
        return String::new();
    }
    let digits = format!("{nanos:09}");
    format!(".{}", digits.trim_end_matches('0'))
}

fn parse_date(t: &str) -> Option<jiff::civil::Date> {
    let (date, _) = split_offset(t).ok()?;
    // jiff also reads `20250602`; xsd:date always has its hyphens.
    (date.len() >= 10 && date.as_bytes().get(date.len() - 3) == Some(&b'-'))
        .then(|| date.parse().ok())?
}

fn parse_time(t: &str) -> Option<jiff::civil::Time> {
    let (time, _) = split_offset(t).ok()?;
    (time.as_bytes().get(2) == Some(&b':'))
        .then(|| time.parse().ok())
        .flatten()
}

fn write_time(time: jiff::civil::Time) -> String {
    format!("{}{}", time.to_xsd(), fraction(time.subsec_nanosecond()))
}

impl SoapValue for jiff::civil::Date {
    fn to_value(&self) -> Value {
        Value::Text(self.to_xsd())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:date (YYYY-MM-DD)", parse_date)
    }
}

impl SoapValue for jiff::civil::Time {
    fn to_value(&self) -> Value {
        Value::Text(write_time(*self))
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:time (HH:MM:SS)", parse_time)
    }
}

/// An `xsd:dateTime`: the civil date and time as written, and the offset when one was written
/// (`Z`, `-03:00`). Without one, what the time means depends on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// The date and time of day, as written.
    pub civil: jiff::civil::DateTime,
    /// The offset from UTC written after it, if any.
    pub offset: Option<jiff::tz::Offset>,
}

impl From<jiff::civil::DateTime> for DateTime {
    fn from(civil: jiff::civil::DateTime) -> DateTime {
        DateTime {
            civil,
            offset: None,
        }
    }
}

impl DateTime {
    /// Reads the lexical form (`2025-06-02T10:00:00`, `...Z`, `...-03:00`, fractions of a
    /// second); leading and trailing whitespace is ignored.
    pub fn parse(text: &str) -> Option<DateTime> {
        let (civil, offset) = split_offset(text.trim()).ok()?;
        let t = civil.as_bytes();
        if t.len() < 19 || t.get(10) != Some(&b'T') && t.get(10) != Some(&b' ') {
            return None;
        }
        Some(DateTime {
            civil: civil.parse().ok()?,
            offset,
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = self.civil.to_xsd();
        out.push_str(&fraction(self.civil.subsec_nanosecond()));
        if let Some(offset) = self.offset {
            write_offset(&mut out, offset);
        }
        f.write_str(&out)
    }
}

impl ToXsd for DateTime {
    fn to_xsd(&self) -> String {
        self.to_string()
    }
}

impl SoapValue for DateTime {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(
            &value,
            "an xsd:dateTime (YYYY-MM-DDTHH:MM:SS)",
            DateTime::parse,
        )
    }
}

/// An `xsd:duration` (`P1Y2M3DT4H5M6S`, `-PT1.5S`).
#[derive(Debug, Clone, Copy)]
pub struct Duration(pub jiff::Span);

impl PartialEq for Duration {
    fn eq(&self, other: &Duration) -> bool {
        self.0.fieldwise() == other.0.fieldwise()
    }
}

impl Duration {
    /// Reads the ISO 8601 form XSD uses; leading and trailing whitespace is ignored.
    pub fn parse(text: &str) -> Option<Duration> {
        let t = text.trim();
        let body = t.strip_prefix('-').unwrap_or(t);
        // jiff also reads its friendly form (`1 day`) and weeks; XSD has neither.
        if !body.starts_with('P') || body.contains(['W', 'w']) {
            return None;
        }
        t.parse().ok().map(Duration)
    }
}

impl fmt::Display for Duration {
    /// XSD's form: weeks are written as days and the units below the second as its fraction.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let abs = |v: i64| v.unsigned_abs();
        let (years, months) = (abs(s.get_years().into()), abs(s.get_months().into()));
        let days = abs(s.get_weeks().into()) * 7 + abs(s.get_days().into());
        let (hours, minutes) = (abs(s.get_hours().into()), abs(s.get_minutes()));
        let nanos = u128::from(abs(s.get_seconds())) * 1_000_000_000
            + u128::from(abs(s.get_milliseconds())) * 1_000_000
            + u128::from(abs(s.get_microseconds())) * 1_000
            + u128::from(abs(s.get_nanoseconds()));
        let mut out = String::from(if s.is_negative() { "-P" } else { "P" });
        for (n, unit) in [(years, 'Y'), (months, 'M'), (days, 'D')] {
            if n != 0 {
                out.push_str(&format!("{n}{unit}"));
            }
        }
        if hours != 0 || minutes != 0 || nanos != 0 {
            out.push('T');
            for (n, unit) in [(hours, 'H'), (minutes, 'M')] {
                if n != 0 {
                    out.push_str(&format!("{n}{unit}"));
                }
            }
            if nanos != 0 {
                let sub = (nanos % 1_000_000_000) as i32;
                out.push_str(&format!("{}{}S", nanos / 1_000_000_000, fraction(sub)));
            }
        } else if out.ends_with('P') {
            out.push_str("T0S");
        }
        f.write_str(&out)
    }
}

impl ToXsd for Duration {
    fn to_xsd(&self) -> String {
        self.to_string()
    }
}

impl SoapValue for Duration {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:duration (PnYnMnDTnHnMnS)", Duration::parse)
    }
}

/// An `xsd:base64Binary`: the bytes, written in standard base64.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Base64Binary(pub Vec<u8>);

impl Base64Binary {
    /// Decodes standard base64, ignoring the whitespace and line breaks servers wrap it with.
    pub fn parse(text: &str) -> Option<Base64Binary> {
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .ok()
            .map(Base64Binary)
    }
}

impl ToXsd for Base64Binary {
    fn to_xsd(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

impl SoapValue for Base64Binary {
    fn to_value(&self) -> Value {
        Value::Text(self.to_xsd())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        let t = text(&value, "xsd:base64Binary")?;
        Base64Binary::parse(t).ok_or_else(|| not_a("an xsd:base64Binary", &value))
    }
}

/// An `xsd:hexBinary`: the bytes, written as upper-case hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HexBinary(pub Vec<u8>);

impl HexBinary {
    /// Decodes hexadecimal digits of either case (leading and trailing whitespace ignored).
    pub fn parse(text: &str) -> Option<HexBinary> {
        let t = text.trim().as_bytes();
        if !t.len().is_multiple_of(2) {
            return None;
        }
        let digit = |b: u8| char::from(b).to_digit(16);
        t.chunks(2)
            .map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
            .collect::<Option<Vec<u8>>>()
            .map(HexBinary)
    }
}

impl ToXsd for HexBinary {
    fn to_xsd(&self) -> String {
        self.0.iter().map(|b| format!("{b:02X}")).collect()
    }
}

impl SoapValue for HexBinary {
    fn to_value(&self) -> Value {
        Value::Text(self.to_xsd())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        parsed(&value, "an xsd:hexBinary", HexBinary::parse)
    }
}

/// An answer of nothing: written as nil, and any answer reads as it.
impl SoapValue for () {
    fn to_value(&self) -> Value {
        Value::Nil
    }
    fn from_value(_: Value) -> Result<Self, ValueError> {
        Ok(())
    }
    fn absent() -> Option<Self> {
        Some(())
    }
}

/// Checks `text` against the lexical space of `builtin` (as the Rust type it maps to reads
/// it), for values that come from elsewhere than the wire (the command line's JSON).
pub(crate) fn check(builtin: Builtin, text: &str) -> Result<(), ValueError> {
    fn ok<T: SoapValue>(text: &str) -> Result<(), ValueError> {
        T::from_value(Value::Text(text.to_owned())).map(|_| ())
    }
    match builtin {
        Builtin::String | Builtin::AnyUri => Ok(()),
        Builtin::Boolean => ok::<bool>(text),
        Builtin::Byte => ok::<i8>(text),
        Builtin::Short => ok::<i16>(text),
        Builtin::Int => ok::<i32>(text),
        Builtin::Long | Builtin::Integer => ok::<i64>(text),
        Builtin::UnsignedByte => ok::<u8>(text),
        Builtin::UnsignedShort => ok::<u16>(text),
        Builtin::UnsignedInt => ok::<u32>(text),
        Builtin::UnsignedLong => ok::<u64>(text),
        Builtin::Float => ok::<f32>(text),
        Builtin::Double | Builtin::Decimal => ok::<f64>(text),
        Builtin::Date => ok::<jiff::civil::Date>(text),
        Builtin::DateTime => ok::<DateTime>(text),
        Builtin::Time => ok::<jiff::civil::Time>(text),
        Builtin::Duration => ok::<Duration>(text),
        Builtin::Base64Binary => ok::<Base64Binary>(text),
        Builtin::HexBinary => ok::<HexBinary>(text),
        // A Builtin added later is read as text until it has its own type.
        #[allow(unreachable_patterns)]
        _ => Ok(()),
    }
}
