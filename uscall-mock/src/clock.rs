//! The simulator's clock: the real one by default, or a virtual one a test moves by hand
//! (`Pbx::advance`), so durations, pause limits and "today" are deterministic. The PBX writes
//! local times without a zone; the simulator's are Brasília time (UTC-3, no summer time).

use jiff::civil::DateTime;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Where the simulator's time comes from.
#[derive(Debug, Clone)]
pub struct Clock(Source);

#[derive(Debug, Clone)]
enum Source {
    Real,
    Virtual(Arc<Mutex<Timestamp>>),
}

/// The PBX's offset from UTC: Brasília, UTC-3.
const OFFSET: Offset = Offset::constant(-3);

/// `at` in PBX local time.
pub(crate) fn local(at: Timestamp) -> DateTime {
    OFFSET.to_datetime(at)
}

impl Clock {
    /// The machine's clock.
    pub fn real() -> Clock {
        Clock(Source::Real)
    }

    /// A clock that starts at `start` (PBX local time) and moves only when advanced.
    pub fn starting_at(start: DateTime) -> Clock {
        let at = OFFSET.to_timestamp(start).unwrap_or(Timestamp::UNIX_EPOCH);
        Clock(Source::Virtual(Arc::new(Mutex::new(at))))
    }

    /// Whether it is virtual.
    pub fn is_virtual(&self) -> bool {
        matches!(self.0, Source::Virtual(_))
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        match &self.0 {
            Source::Real => Timestamp::now(),
            Source::Virtual(at) => *at.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Now, in PBX local time.
    pub fn local(&self) -> DateTime {
        local(self.now())
    }

    /// Moves a virtual clock forward by `by`; returns false (and does nothing) for the real one.
    pub(crate) fn advance(&self, by: Duration) -> bool {
        match &self.0 {
            Source::Real => false,
            Source::Virtual(at) => {
                let mut at = at.lock().unwrap_or_else(PoisonError::into_inner);
                let by = SignedDuration::try_from(by).unwrap_or(SignedDuration::MAX);
                *at = at.checked_add(by).unwrap_or(Timestamp::MAX);
                true
            }
        }
    }
}

/// `2025-06-02 09:30:15`, as the PBX writes its dates.
pub(crate) fn pbx_datetime(at: DateTime) -> String {
    at.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// `00:02:05`.
pub(crate) fn hms(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}
