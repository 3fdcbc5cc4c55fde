//! A prompt-cache point's time to live (`cachePoint.ttl`).

use std::time::Duration;

/// How long a cache entry lives after its last use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheTtl {
    /// `"5m"`, Bedrock's default.
    FiveMinutes,
    /// `"1h"`.
    OneHour,
}

impl CacheTtl {
    /// Both values, in the order `5m`, `1h`.
    pub const ALL: [CacheTtl; 2] = [CacheTtl::FiveMinutes, CacheTtl::OneHour];

    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheTtl::FiveMinutes => "5m",
            CacheTtl::OneHour => "1h",
        }
    }

    /// The value spelled `text`, if any.
    pub fn from_name(text: &str) -> Option<CacheTtl> {
        Self::ALL.into_iter().find(|ttl| ttl.as_str() == text)
    }

    /// The lifetime.
    pub fn duration(self) -> Duration {
        match self {
            CacheTtl::FiveMinutes => Duration::from_secs(5 * 60),
            CacheTtl::OneHour => Duration::from_secs(60 * 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for ttl in CacheTtl::ALL {
            assert_eq!(CacheTtl::from_name(ttl.as_str()), Some(ttl));
        }
        assert_eq!(CacheTtl::from_name("10m"), None);
        assert!(CacheTtl::OneHour.duration() > CacheTtl::FiveMinutes.duration());
    }
}
