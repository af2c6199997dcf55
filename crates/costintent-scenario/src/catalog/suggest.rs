//! Did-you-mean for model ids and source keys.
//!
//! Ids are compared after normalising case and the separators people mix up
//! (`claude-sonnet-4.5` and `claude_sonnet_4_5` both mean
//! `claude-sonnet-4-5`), and with and without the provider prefix, so
//! `claude-sonnet-4-5` and `openai/claude-sonnet-4-5` both find
//! `anthropic/claude-sonnet-4-5`. Otherwise the nearest id by edit distance
//! wins if it is close enough to be a typo.

/// The candidate most likely meant by `query`, if any is close.
pub(crate) fn nearest<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let q_full = normalize(query);
    let q_model = normalize(model_part(query));
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let c_full = normalize(candidate);
        let c_model = normalize(model_part(candidate));
        let score = if c_full == q_full {
            0
        } else if c_model == q_model {
            1
        } else {
            // Typos cost one more than the two exact-after-normalising cases.
            2 + strsim::levenshtein(&q_full, &c_full).min(strsim::levenshtein(&q_model, &c_model))
        };
        let better = match best {
            None => true,
            Some((s, c)) => score < s || (score == s && candidate < c),
        };
        if better {
            best = Some((score, candidate));
        }
    }
    // A typo may change about a quarter of the model name, and never less
    // than two characters.
    let allowed = 2 + (q_model.chars().count() / 4).max(2);
    best.filter(|&(score, _)| score <= allowed).map(|(_, c)| c.to_owned())
}

/// The part after the provider prefix (`claude-sonnet-4-5` of
/// `anthropic/claude-sonnet-4-5`); the whole text if there is no prefix.
fn model_part(id: &str) -> &str {
    id.split_once('/').map_or(id, |(_, model)| model)
}

fn normalize(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '.' | '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 5] = [
        "anthropic/claude-sonnet-4-5",
        "anthropic/claude-sonnet-4-6",
        "anthropic/claude-opus-4-1",
        "openai/gpt-5",
        "openai/gpt-5-mini",
    ];

    #[test]
    fn finds_typos() {
        assert_eq!(
            nearest("anthropic/claude-sonet-4-5", IDS).as_deref(),
            Some("anthropic/claude-sonnet-4-5")
        );
        assert_eq!(nearest("openai/gpt5", IDS).as_deref(), Some("openai/gpt-5"));
    }

    #[test]
    fn ignores_separators_case_and_provider() {
        assert_eq!(
            nearest("anthropic/claude-sonnet-4.5", IDS).as_deref(),
            Some("anthropic/claude-sonnet-4-5")
        );
        assert_eq!(
            nearest("Claude_Sonnet_4_6", IDS).as_deref(),
            Some("anthropic/claude-sonnet-4-6")
        );
        assert_eq!(
            nearest("openai/claude-opus-4-1", IDS).as_deref(),
            Some("anthropic/claude-opus-4-1")
        );
    }

    #[test]
    fn stays_quiet_when_nothing_is_close() {
        assert_eq!(nearest("mistral/mistral-large-2512", IDS), None);
        assert_eq!(nearest("x", std::iter::empty()), None);
    }
}
