//! How typed parameter values become the text of a SOAP part, and how command-line text is checked.

use crate::meta::XsdKind;

/// A value that can be sent as the text of an XSD simple type.
pub trait ToXsd {
    /// The value's lexical form in XML Schema.
    fn to_xsd(&self) -> String;
}

impl ToXsd for String {
    fn to_xsd(&self) -> String {
        self.clone()
    }
}

impl ToXsd for str {
    fn to_xsd(&self) -> String {
        self.to_owned()
    }
}

impl ToXsd for i64 {
    fn to_xsd(&self) -> String {
        self.to_string()
    }
}

impl ToXsd for bool {
    fn to_xsd(&self) -> String {
        self.to_string()
    }
}

impl ToXsd for f64 {
    fn to_xsd(&self) -> String {
        // Rust's shortest round-trip form is valid xsd:double / xsd:decimal for finite values.
        if self.is_nan() {
            "NaN".into()
        } else if self.is_infinite() {
            if *self > 0.0 {
                "INF".into()
            } else {
                "-INF".into()
            }
        } else {
            self.to_string()
        }
    }
}

impl ToXsd for jiff::civil::Date {
    fn to_xsd(&self) -> String {
        self.strftime("%Y-%m-%d").to_string()
    }
}

impl ToXsd for jiff::civil::DateTime {
    fn to_xsd(&self) -> String {
        self.strftime("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

impl ToXsd for jiff::civil::Time {
    fn to_xsd(&self) -> String {
        self.strftime("%H:%M:%S").to_string()
    }
}

/// Checks command-line text against a parameter's kind, returning the text to send or what
/// the kind expects. Strings are sent exactly as given.
pub fn check_text(kind: XsdKind, text: &str) -> Result<String, &'static str> {
    let t = text.trim();
    match kind {
        XsdKind::String => Ok(text.to_owned()),
        XsdKind::Integer => t
            .parse::<i64>()
            .map(|v| v.to_string())
            .map_err(|_| "an integer"),
        XsdKind::Boolean => match t {
            "true" | "1" => Ok("true".into()),
            "false" | "0" => Ok("false".into()),
            _ => Err("true or false"),
        },
        XsdKind::Decimal => t
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|_| t.to_owned())
            .ok_or("a decimal number"),
        XsdKind::Date => t
            .parse::<jiff::civil::Date>()
            .map(|d| d.to_xsd())
            .map_err(|_| "a date (YYYY-MM-DD)"),
        XsdKind::DateTime => t
            .parse::<jiff::civil::DateTime>()
            .map(|d| d.to_xsd())
            .map_err(|_| "a date-time (YYYY-MM-DDTHH:MM:SS)"),
        XsdKind::Time => t
            .parse::<jiff::civil::Time>()
            .map(|d| d.to_xsd())
            .map_err(|_| "a time (HH:MM:SS)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_forms() {
        let dt: jiff::civil::DateTime = "2025-06-02 08:15:00".parse().unwrap();
        assert_eq!(dt.to_xsd(), "2025-06-02T08:15:00");
        assert_eq!(dt.date().to_xsd(), "2025-06-02");
        assert_eq!(dt.time().to_xsd(), "08:15:00");
        assert_eq!(1.5f64.to_xsd(), "1.5");
        assert_eq!(f64::NEG_INFINITY.to_xsd(), "-INF");
        assert_eq!(true.to_xsd(), "true");
    }

    #[test]
    fn command_line_text_is_checked_by_kind() {
        assert_eq!(check_text(XsdKind::String, " 007 "), Ok(" 007 ".into()));
        assert_eq!(check_text(XsdKind::Integer, "42"), Ok("42".into()));
        assert_eq!(check_text(XsdKind::Integer, "4x"), Err("an integer"));
        assert_eq!(check_text(XsdKind::Boolean, "1"), Ok("true".into()));
        assert_eq!(
            check_text(XsdKind::Date, "2025-06-31"),
            Err("a date (YYYY-MM-DD)")
        );
        assert_eq!(
            check_text(XsdKind::DateTime, "2025-06-02 10:00:00"),
            Ok("2025-06-02T10:00:00".into())
        );
    }
}
