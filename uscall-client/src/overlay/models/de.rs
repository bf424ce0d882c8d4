//! Lenient field readers for the typed models: the PBX writes the same value as a string, a number
//! or an empty string depending on version and field, so each reader accepts every spelling of
//! its type and nothing else.
//!
//! Use them with `#[serde(deserialize_with = "de::...")]`; the `opt_` readers also need
//! `#[serde(default)]` so that a missing key is `None`.

use jiff::civil::DateTime;
use serde::Deserialize;
use serde::de::{Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::time::Duration;

/// A scalar as text: strings as they are, numbers and booleans as JSON writes them. Identifiers
/// (extensions, agents, DDRs, `bilheteunico`) go through here so that `0119` keeps its zero.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(Text).map(Cow::into_owned)
}

/// Like [`text`], but an empty string or `null` is `None`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_str(d)?.map(Cow::into_owned))
}

/// [`opt_text`] borrowed from the input where it can be, for the readers that parse the text.
fn opt_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    let s = d.deserialize_any(Text)?;
    Ok((!s.trim().is_empty()).then_some(s))
}

/// Reads any scalar as text (`null` as empty text), refusing lists and objects; the visitor
/// behind [`text`].
struct Text;

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("text")
    }
    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        // As serde_json writes the number; a non-finite one (only from a `Value`) is null.
        Ok(Cow::Owned(
            serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string()),
        ))
    }
    fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(if v { "true" } else { "false" }))
    }
    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(""))
    }
    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(""))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom("expected text, found a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(A::Error::custom("expected text, found an object"))
    }
}

/// A PBX-local date-time, `YYYY-MM-DD HH:MM:SS` (also with `T` or fractional seconds).
pub fn datetime<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
    opt_datetime(d)?.ok_or_else(|| {
        D::Error::custom("expected a date-time YYYY-MM-DD HH:MM:SS, found an empty value")
    })
}

/// Like [`datetime`], but empty, `null` and MySQL's zero date `0000-00-00 00:00:00` are `None`.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
    let Some(s) = opt_str(d)? else {
        return Ok(None);
    };
    parse_datetime(&s).map_err(D::Error::custom)
}

/// Parses a PBX date-time; `Ok(None)` for the zero date.
pub fn parse_datetime(s: &str) -> Result<Option<DateTime>, String> {
    let t = s.trim();
    if t.starts_with("0000-00-00") {
        return Ok(None);
    }
    // jiff accepts `YYYY-MM-DD HH:MM:SS`, the `T` form and fractional seconds.
    let parsed = t.parse::<DateTime>().or_else(|_| {
        // A bare date means midnight.
        t.parse::<jiff::civil::Date>().map(|d| d.at(0, 0, 0, 0))
    });
    parsed
        .map(Some)
        .map_err(|_| "expected a date-time YYYY-MM-DD HH:MM:SS".to_owned())
}

/// A duration written `HH:MM:SS` (hours may exceed 24; `MM:SS` is accepted too) or as a number of
/// seconds.
pub fn hms<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    opt_hms(d)?
        .ok_or_else(|| D::Error::custom("expected a duration HH:MM:SS, found an empty value"))
}

/// Like [`hms`], but empty or `null` is `None`.
pub fn opt_hms<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let Some(s) = opt_str(d)? else {
        return Ok(None);
    };
    parse_hms(&s).map(Some).map_err(D::Error::custom)
}

/// Parses `HH:MM:SS`, `MM:SS` or a number of seconds.
pub fn parse_hms(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let err = || format!("expected a duration HH:MM:SS, found {t:?}");
    if !t.contains(':') {
        return parse_seconds(t).ok_or_else(err);
    }
    // Two or three runs of digits; no allocation, as every CDR row has two durations.
    let mut nums = [0u64; 3];
    let mut count = 0;
    for part in t.split(':') {
        if count == 3 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        nums[count] = part.parse().map_err(|_| err())?;
        count += 1;
    }
    let (h, m, sec) = match (count, nums) {
        (2, [m, s, _]) => (0, m, s),
        (3, [h, m, s]) => (h, m, s),
        _ => return Err(err()),
    };
    if m >= 60 || sec >= 60 {
        return Err(err());
    }
    Ok(Duration::from_secs(h * 3600 + m * 60 + sec))
}

fn parse_seconds(t: &str) -> Option<Duration> {
    let v: f64 = t.replace(',', ".").parse().ok()?;
    // A number of seconds no Duration can hold (a corrupt field) is not a duration.
    Duration::try_from_secs_f64(v).ok()
}

/// A number of seconds (a JSON number or numeric text).
pub fn secs<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    opt_secs(d)?
        .ok_or_else(|| D::Error::custom("expected a number of seconds, found an empty value"))
}

/// Like [`secs`], but empty or `null` is `None`.
pub fn opt_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let Some(s) = opt_str(d)? else {
        return Ok(None);
    };
    parse_seconds(s.trim())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a number of seconds, found {s:?}")))
}

/// A count (a JSON number or numeric text, no fraction, not negative).
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    opt_count(d)?.ok_or_else(|| D::Error::custom("expected a count, found an empty value"))
}

/// Like [`count`], but empty or `null` is `None`.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let Some(s) = opt_str(d)? else {
        return Ok(None);
    };
    let t = s.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse::<u64>()
        .map(Some)
        .map_err(|_| D::Error::custom(format!("expected a count, found {s:?}")))
}

/// A decimal number such as a percentage (a JSON number, or text with `.` or `,`).
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    opt_number(d)?.ok_or_else(|| D::Error::custom("expected a number, found an empty value"))
}

/// Like [`number`], but empty or `null` is `None`.
pub fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let Some(s) = opt_str(d)? else {
        return Ok(None);
    };
    let v: Option<f64> = s
        .trim()
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite());
    v.map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a number, found {s:?}")))
}

/// A list of identifiers: a JSON array of scalars, or one comma-separated string; empty is `[]`.
pub fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                other => Err(D::Error::custom(format!(
                    "expected a list of text, found {} in it",
                    kind(&other)
                ))),
            })
            .collect(),
        Value::String(s) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()),
        Value::Null => Ok(Vec::new()),
        other => Err(D::Error::custom(format!(
            "expected a list, found {}",
            kind(&other)
        ))),
    }
}

/// An enum field where an empty string or `null` is `None` (unknown values are kept by the enum).
/// The text is only copied for a value no variant knows (the usual value is read in place).
pub fn opt_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String> + for<'a> From<&'a str>,
{
    Ok(opt_str(d)?.map(|s| match s {
        Cow::Borrowed(s) => T::from(s),
        Cow::Owned(s) => T::from(s),
    }))
}

/// An enum field that is always present.
pub fn enum_text<'de, D: Deserializer<'de>, T: From<String>>(d: D) -> Result<T, D::Error> {
    Ok(T::from(text(d)?))
}

/// A list of objects that some PBX versions send as a JSON string holding the list.
pub fn nested<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    let value = match Value::deserialize(d)? {
        Value::String(s) if s.trim().is_empty() => return Ok(Vec::new()),
        Value::String(s) => serde_json::from_str(&s).map_err(|e| {
            D::Error::custom(format!("a JSON list inside a string does not parse: {e}"))
        })?,
        Value::Null => return Ok(Vec::new()),
        other => other,
    };
    Vec::<T>::deserialize(value).map_err(D::Error::custom)
}

/// A calendar date `YYYY-MM-DD` (a date-time keeps only its date); empty, `null` and the zero
/// date are `None`.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<jiff::civil::Date>, D::Error> {
    let Some(s) = opt_str(d)? else {
        return Ok(None);
    };
    let t = s.trim();
    if t.starts_with("0000-00-00") {
        return Ok(None);
    }
    t.parse::<jiff::civil::Date>()
        .or_else(|_| t.parse::<DateTime>().map(|dt| dt.date()))
        .map(Some)
        .map_err(|_| D::Error::custom("expected a date YYYY-MM-DD"))
}

/// Any JSON, kept as it is; a string that holds a JSON list or object (as some PBX versions send
/// nested lists) is parsed, other strings stay strings. A missing key is `null`.
pub fn json<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if matches!(s.trim_start().as_bytes().first(), Some(b'[' | b'{')) => {
            serde_json::from_str(&s).unwrap_or(Value::String(s))
        }
        other => other,
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Row {
        #[serde(deserialize_with = "text")]
        id: String,
        #[serde(default, deserialize_with = "opt_datetime")]
        when: Option<DateTime>,
        #[serde(default, deserialize_with = "opt_hms")]
        took: Option<Duration>,
        #[serde(default, deserialize_with = "opt_count")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "text_list")]
        filas: Vec<String>,
    }

    fn row(v: serde_json::Value) -> Result<Row, serde_json::Error> {
        serde_json::from_value(v)
    }

    /// Found by the `overlay` fuzz target: a number of seconds too big for a `Duration` (a
    /// corrupt `pausas` of an agent report) panicked instead of being a row error.
    #[test]
    fn seconds_no_duration_can_hold_are_refused_not_a_panic() {
        #[derive(Deserialize, Debug)]
        struct Secs {
            #[serde(deserialize_with = "opt_secs")]
            #[allow(dead_code)]
            s: Option<Duration>,
        }
        for v in [
            json!(2.5e89),
            json!("1e300"),
            json!(-1),
            json!("NaN"),
            json!("inf"),
        ] {
            let e = serde_json::from_value::<Secs>(json!({ "s": v })).unwrap_err();
            assert!(
                e.to_string().contains("expected a number of seconds"),
                "{e}"
            );
        }
        let ok: Secs = serde_json::from_value(json!({"s": "1,5"})).unwrap();
        assert_eq!(ok.s, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn identifiers_stay_text_and_empty_values_are_none() {
        let r = row(json!({"id": "0119", "when": "", "took": "", "n": ""})).unwrap();
        assert_eq!(
            r,
            Row {
                id: "0119".into(),
                when: None,
                took: None,
                n: None,
                filas: vec![]
            }
        );
        assert_eq!(row(json!({"id": 600})).unwrap().id, "600");
    }

    #[test]
    fn dates_durations_counts_and_lists() {
        let r = row(json!({"id": "1", "when": "2025-06-02 09:30:15", "took": "01:02:05", "n": "14", "filas": ["900", 901]})).unwrap();
        assert_eq!(r.when, Some("2025-06-02T09:30:15".parse().unwrap()));
        assert_eq!(r.took, Some(Duration::from_secs(3725)));
        assert_eq!(r.n, Some(14));
        assert_eq!(r.filas, vec!["900", "901"]);
        assert_eq!(
            row(json!({"id": "1", "when": "0000-00-00 00:00:00"}))
                .unwrap()
                .when,
            None
        );
        assert_eq!(
            row(json!({"id": "1", "when": "2025-06-02 17:39:16.123456"}))
                .unwrap()
                .when
                .unwrap()
                .second(),
            16
        );
        assert_eq!(
            row(json!({"id": "1", "filas": "900, 901"})).unwrap().filas,
            vec!["900", "901"]
        );
        assert_eq!(parse_hms("125:00:01"), Ok(Duration::from_secs(450_001)));
        assert_eq!(parse_hms("42"), Ok(Duration::from_secs(42)));
    }

    #[test]
    fn bad_values_say_what_was_expected() {
        let e = row(json!({"id": "1", "when": "ontem"}))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("expected a date-time YYYY-MM-DD HH:MM:SS"),
            "{e}"
        );
        let e = row(json!({"id": "1", "took": "1:99:00"}))
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a duration HH:MM:SS"), "{e}");
        let e = row(json!({"id": "1", "n": "-3"})).unwrap_err().to_string();
        assert!(e.contains("expected a count"), "{e}");
        let e = row(json!({"id": {"x": 1}})).unwrap_err().to_string();
        assert!(e.contains("expected text, found an object"), "{e}");
    }
}
