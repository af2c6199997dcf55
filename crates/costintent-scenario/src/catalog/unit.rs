//! The billing units a catalog price line can have, and the families that
//! `costintent catalog list --unit` filters by.
//!
//! A line's unit says what one amount buys (a million input tokens, one
//! image, one second of video). Families group units the way a user asks
//! ("everything priced per second", "every cached-token price"):
//!
//! | family         | line units                                                     |
//! | -------------- | -------------------------------------------------------------- |
//! | `token`        | `input_token`, `output_token`, `reasoning_token`, `audio_input_token`, `audio_output_token` |
//! | `cached_token` | `cache_read_token`, `cache_write_5m_token`, `cache_write_1h_token`, `audio_cache_read_token` |
//! | `image`        | `image`                                                        |
//! | `second`       | `video_second`                                                 |
//! | `video`        | `video_second`, and every line of a model whose kind is `video` |
//! | `task`         | `request`, `task`                                              |
//! | `credit`       | every line of a model priced in provider credits               |
//!
//! Families overlap on purpose: a Runway price per second is in `second`,
//! `video` and `credit`, and a fal Pika clip (a `task`) is in `video` too.

use std::fmt;
use std::str::FromStr;

/// What one amount of a price line buys.
///
/// Not to be confused with `costintent_sim::Unit`, the unit a simulated
/// quantity is billed in: the engine folds the two cache-write lines into
/// one `CacheWriteTokens` and adds polls, which have no price line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PriceUnit {
    /// Text (or all) input tokens, per 1M.
    InputToken,
    /// Output tokens, per 1M.
    OutputToken,
    /// Reasoning tokens when priced apart from output, per 1M.
    ReasoningToken,
    /// Prompt-cache reads (hits), per 1M.
    CacheReadToken,
    /// Prompt-cache writes with a TTL up to 5 minutes, per 1M.
    CacheWrite5mToken,
    /// Prompt-cache writes with a TTL up to 1 hour, per 1M.
    CacheWrite1hToken,
    /// Audio input tokens, per 1M.
    AudioInputToken,
    /// Audio output tokens, per 1M.
    AudioOutputToken,
    /// Cached audio input tokens, per 1M.
    AudioCacheReadToken,
    /// One generated image.
    Image,
    /// One second of generated video.
    VideoSecond,
    /// A fee per API request (attempt), whatever it contains.
    Request,
    /// A fee per unit of async work (one job, one generated clip).
    Task,
}

impl PriceUnit {
    /// Every unit, in the order the catalog lists lines.
    pub const ALL: [PriceUnit; 13] = [
        PriceUnit::InputToken,
        PriceUnit::OutputToken,
        PriceUnit::ReasoningToken,
        PriceUnit::CacheReadToken,
        PriceUnit::CacheWrite5mToken,
        PriceUnit::CacheWrite1hToken,
        PriceUnit::AudioInputToken,
        PriceUnit::AudioOutputToken,
        PriceUnit::AudioCacheReadToken,
        PriceUnit::Image,
        PriceUnit::VideoSecond,
        PriceUnit::Request,
        PriceUnit::Task,
    ];

    /// The name used in catalog files, `PriceLine::unit` and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::InputToken => "input_token",
            Self::OutputToken => "output_token",
            Self::ReasoningToken => "reasoning_token",
            Self::CacheReadToken => "cache_read_token",
            Self::CacheWrite5mToken => "cache_write_5m_token",
            Self::CacheWrite1hToken => "cache_write_1h_token",
            Self::AudioInputToken => "audio_input_token",
            Self::AudioOutputToken => "audio_output_token",
            Self::AudioCacheReadToken => "audio_cache_read_token",
            Self::Image => "image",
            Self::VideoSecond => "video_second",
            Self::Request => "request",
            Self::Task => "task",
        }
    }

    /// What one amount buys, as `catalog show` prints it.
    pub fn per(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::VideoSecond => "second",
            Self::Request => "request",
            Self::Task => "task",
            _ => "1M tokens",
        }
    }

    /// Whether the amount is per million tokens.
    pub fn is_token(self) -> bool {
        self.per() == "1M tokens"
    }

    /// Whether the unit may carry `size` and `quality` qualifiers.
    pub fn takes_image_variant(self) -> bool {
        self == Self::Image
    }

    /// Whether the unit may carry `resolution` and `audio` qualifiers.
    pub fn takes_video_variant(self) -> bool {
        self == Self::VideoSecond
    }

    /// The families this unit belongs to by itself (the model-dependent
    /// families `video` and `credit` are added by [`families`]).
    fn own_families(self) -> &'static [UnitFamily] {
        match self {
            Self::InputToken
            | Self::OutputToken
            | Self::ReasoningToken
            | Self::AudioInputToken
            | Self::AudioOutputToken => &[UnitFamily::Token],
            Self::CacheReadToken
            | Self::CacheWrite5mToken
            | Self::CacheWrite1hToken
            | Self::AudioCacheReadToken => &[UnitFamily::CachedToken],
            Self::Image => &[UnitFamily::Image],
            Self::VideoSecond => &[UnitFamily::Second, UnitFamily::Video],
            Self::Request | Self::Task => &[UnitFamily::Task],
        }
    }
}

impl fmt::Display for PriceUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PriceUnit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PriceUnit::ALL.into_iter().find(|u| u.name() == s).ok_or_else(|| {
            let names: Vec<&str> = PriceUnit::ALL.iter().map(|u| u.name()).collect();
            format!("unknown unit `{s}`; expected one of {}", names.join(", "))
        })
    }
}

/// The unit groups `catalog list --unit` accepts (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitFamily {
    /// Uncached token prices.
    Token,
    /// Cache read and write prices.
    CachedToken,
    /// Prices in provider credits.
    Credit,
    /// Prices per second.
    Second,
    /// Prices per image.
    Image,
    /// Prices of video models.
    Video,
    /// Prices per request or task.
    Task,
}

impl UnitFamily {
    /// Every family.
    pub const ALL: [UnitFamily; 7] = [
        UnitFamily::Token,
        UnitFamily::CachedToken,
        UnitFamily::Credit,
        UnitFamily::Second,
        UnitFamily::Image,
        UnitFamily::Video,
        UnitFamily::Task,
    ];

    /// The name `--unit` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::CachedToken => "cached_token",
            Self::Credit => "credit",
            Self::Second => "second",
            Self::Image => "image",
            Self::Video => "video",
            Self::Task => "task",
        }
    }
}

impl fmt::Display for UnitFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for UnitFamily {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        UnitFamily::ALL.into_iter().find(|u| u.name() == wanted).ok_or_else(|| {
            let names: Vec<&str> = UnitFamily::ALL.iter().map(|u| u.name()).collect();
            format!("unknown unit family `{s}`; expected one of {}", names.join(", "))
        })
    }
}

/// The families of a line with `unit`, on a model of kind `video_model`
/// whose amounts are in credits when `credits` is true.
pub(crate) fn families(unit: PriceUnit, video_model: bool, credits: bool) -> Vec<UnitFamily> {
    let mut out = unit.own_families().to_vec();
    if video_model && !out.contains(&UnitFamily::Video) {
        out.push(UnitFamily::Video);
    }
    if credits {
        out.push(UnitFamily::Credit);
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_round_trip() {
        for unit in PriceUnit::ALL {
            assert_eq!(unit.name().parse::<PriceUnit>(), Ok(unit));
        }
        assert!("tokens".parse::<PriceUnit>().is_err());
    }

    #[test]
    fn family_names_round_trip_and_accept_dashes() {
        for family in UnitFamily::ALL {
            assert_eq!(family.name().parse::<UnitFamily>(), Ok(family));
        }
        assert_eq!("cached-token".parse::<UnitFamily>(), Ok(UnitFamily::CachedToken));
        assert!("minute".parse::<UnitFamily>().is_err());
    }

    #[test]
    fn every_unit_has_a_family() {
        for unit in PriceUnit::ALL {
            assert!(!families(unit, false, false).is_empty(), "{unit}");
        }
        assert_eq!(
            families(PriceUnit::VideoSecond, true, true),
            vec![UnitFamily::Credit, UnitFamily::Second, UnitFamily::Video]
        );
        assert_eq!(
            families(PriceUnit::Task, true, false),
            vec![UnitFamily::Video, UnitFamily::Task]
        );
    }
}
