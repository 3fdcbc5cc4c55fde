//! The environment variables that shape the built-in emulator:
//! `BEDROCK_BENCH_TIME_SCALE` (from 0 to [`MAX_TIME_SCALE`]) and
//! `BEDROCK_BENCH_EMULATOR_PROFILES` (a profile file, read strictly).

use bedrock_emulator::ProfileSet;

use super::{ClientError, EMULATOR_PROFILES_ENV, TIME_SCALE_ENV};
use crate::config::{self, MAX_TIME_SCALE};
use crate::side_file::{self, MAX_SIDE_FILE_BYTES};

/// The emulator's profiles: the built-in table with the overrides of the
/// file named by `BEDROCK_BENCH_EMULATOR_PROFILES`, if set. The file is
/// read as strictly as the config files: a regular file of at most
/// [`MAX_SIDE_FILE_BYTES`], UTF-8, each key once, no control character.
pub fn profiles_from_env() -> Result<ProfileSet, ClientError> {
    match std::env::var(EMULATOR_PROFILES_ENV) {
        Ok(path) if !path.trim().is_empty() => {
            let error = |expected: String| ClientError::Env {
                name: EMULATOR_PROFILES_ENV,
                value: path.clone(),
                expected,
            };
            let text = read_profile_file(std::path::Path::new(path.trim())).map_err(error)?;
            let mut profiles = ProfileSet::builtin();
            profiles
                .apply_overrides(&text, path.trim())
                .map_err(|e| error(e.to_string()))?;
            Ok(profiles)
        }
        _ => Ok(ProfileSet::builtin()),
    }
}

/// The text of an emulator profile file, or what is wrong with it.
fn read_profile_file(path: &std::path::Path) -> Result<String, String> {
    let shown = path.display();
    let bytes = side_file::read_regular_file(path, MAX_SIDE_FILE_BYTES).map_err(|error| {
        format!(
            "a readable regular file of at most {}: {shown}: {error}",
            side_file::Bytes(MAX_SIDE_FILE_BYTES)
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|error| format!("a UTF-8 file: {shown}: {}", error.utf8_error()))?;
    if let Some(problem) = config::strict_json_problem(&text) {
        return Err(format!("{problem} in {shown}"));
    }
    Ok(text)
}

/// The emulator time scale from `BEDROCK_BENCH_TIME_SCALE`, default 1;
/// from 0 to [`MAX_TIME_SCALE`].
pub fn time_scale_from_env() -> Result<f64, ClientError> {
    match std::env::var(TIME_SCALE_ENV) {
        Ok(value) if !value.trim().is_empty() => parse_time_scale(&value).ok_or(ClientError::Env {
            name: TIME_SCALE_ENV,
            value,
            expected: format!(
                "a number from 0 to {MAX_TIME_SCALE} (1 = real time, 0.1 = ten times faster, 0 = no waiting)"
            ),
        }),
        _ => Ok(1.0),
    }
}

/// A time scale's text as a number from 0 to [`MAX_TIME_SCALE`], if it is
/// one.
fn parse_time_scale(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|scale| (0.0..=MAX_TIME_SCALE).contains(scale))
}

#[cfg(test)]
mod tests {
    use super::parse_time_scale;

    #[test]
    fn time_scales_have_a_floor_and_a_ceiling() {
        assert_eq!(parse_time_scale("0"), Some(0.0));
        assert_eq!(parse_time_scale(" 0.25 "), Some(0.25));
        assert_eq!(parse_time_scale("100"), Some(100.0));
        for bad in ["-0.5", "100.5", "1e20", "inf", "NaN", "fast"] {
            assert_eq!(parse_time_scale(bad), None, "{bad}");
        }
    }
}
