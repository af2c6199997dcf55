//! Prepaid credit: top-ups, purchase fees and usage fees per trial.
//!
//! A trial starts with an empty wallet, and a top-up of `topup` USD is
//! bought whenever the balance cannot cover the next charge (as many as that
//! charge needs). After the trial the number of top-ups is exactly
//! `⌈U / topup⌉`, where `U` is the USD of credit used, whatever the order of
//! the charges:
//!
//! Let `U_j` be the credit used after charge `j` and `k_j` the top-ups bought
//! by then; claim `k_j = ⌈U_j / topup⌉`. Before any charge `k_0 = 0 = ⌈0⌉`.
//! At charge `j` the wallet buys while `k · topup − U_{j−1} < a_j`, that is
//! while `k · topup < U_j`, and stops at the first `k ≥ k_{j−1}` with
//! `k · topup ≥ U_j`. Since `k_{j−1} = ⌈U_{j−1} / topup⌉ ≤ ⌈U_j / topup⌉`
//! (charges are not negative), that first `k` is `⌈U_j / topup⌉`. `U_n` is
//! the sum of all charges, which does not depend on their order. ∎
//!
//! Free requests: a wallet whose usage fee starts after a monthly allowance
//! of requests (OpenRouter's first 1,000,000 BYOK requests a month) charges
//! the fee on the share of the trial's use beyond the allowance, prorated to
//! the period (`allowance × days / 30`): with `R` requests sent and `F`
//! free, the fee is `fee × U × max(0, R − F) / R`. Requests are exchangeable
//! within a trial, so this is the expected fee given the trial's totals;
//! which requests come first in the month is not simulated.
//!
//! So the engine never replays charges: it sums each trial's credit use and
//! applies the formula. Usage fees (`usage_fee_percent`, such as OpenRouter's
//! BYOK fee) are charged to the same balance, so `U` counts them too: a
//! charge of `c` draws `c · (1 + fee)` from the balance, and the argument
//! above holds for those amounts. The quotient is taken with a relative tolerance of
//! 1e-12 so that rounding in a floating-point sum (say $100.00000000000001
//! of use on $25 top-ups) does not buy an extra top-up. Purchase fees are
//! `top-ups × Wallet::fee_per_topup()`; usage fees are `usage_fee_percent`
//! of the credit used; credits bought are `top-ups × topup / credit_usd`.

use costintent_scenario::Wallet;

/// One wallet's results for one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct WalletTrial {
    pub(crate) topups: f64,
    pub(crate) purchase_fees: f64,
    pub(crate) usage_fees: f64,
    pub(crate) credits_bought: f64,
    pub(crate) credits_used: f64,
}

/// Settles a wallet from which `used_usd` of credit was used by `requests`
/// API requests over a period of `period_days` days.
pub(crate) fn settle(
    wallet: &Wallet,
    used_usd: f64,
    requests: f64,
    period_days: f64,
) -> WalletTrial {
    let free = wallet.usage_fee_free_requests_per_month * period_days / 30.0;
    let charged_share = if free <= 0.0 {
        1.0
    } else if requests > 0.0 {
        ((requests - free) / requests).max(0.0)
    } else {
        0.0
    };
    let usage_fees = used_usd * charged_share * wallet.usage_fee_percent / 100.0;
    let drawn = used_usd + usage_fees;
    let topups = if drawn > 0.0 && wallet.topup > 0.0 {
        (drawn / wallet.topup * (1.0 - 1e-12)).ceil()
    } else {
        0.0
    };
    let per_credit = if wallet.credit_usd > 0.0 { wallet.credit_usd } else { 1.0 };
    WalletTrial {
        topups,
        purchase_fees: topups * wallet.fee_per_topup(),
        usage_fees,
        credits_bought: topups * wallet.topup / per_credit,
        credits_used: used_usd / per_credit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn openrouter() -> Wallet {
        Wallet {
            name: "openrouter".into(),
            credit_usd: 1.0,
            fee_percent: 5.5,
            fee_min: 0.8,
            topup: 25.0,
            usage_fee_percent: 0.0,
            usage_fee_free_requests_per_month: 0.0,
        }
    }

    #[test]
    fn topups_are_the_ceiling_of_use() {
        let w = openrouter();
        assert_eq!(settle(&w, 0.0, 0.0, 30.0), WalletTrial::default());
        assert_eq!(settle(&w, 100.0, 1.0, 30.0).topups, 4.0);
        assert_eq!(settle(&w, 100.000_000_000_000_01, 1.0, 30.0).topups, 4.0);
        assert_eq!(settle(&w, 100.01, 1.0, 30.0).topups, 5.0);
        assert_eq!(settle(&w, 0.01, 1.0, 30.0).topups, 1.0);
        let t = settle(&w, 100.0, 1.0, 30.0);
        assert!((t.purchase_fees - 4.0 * 1.375).abs() < 1e-12);
        assert_eq!(t.credits_bought, 100.0);
    }

    #[test]
    fn the_minimum_fee_applies_to_small_topups() {
        let w = Wallet { topup: 10.0, ..openrouter() };
        // 5.5 % of $10 is $0.55, below the $0.80 minimum.
        assert!((settle(&w, 15.0, 1.0, 30.0).purchase_fees - 2.0 * 0.8).abs() < 1e-12);
    }

    #[test]
    fn usage_fees_draw_on_the_balance() {
        // BYOK-style 5% fee: $100 of use draws $105, so $25 top-ups buy 5,
        // not 4 (the fee alone needs the fifth).
        let w = Wallet { usage_fee_percent: 5.0, ..openrouter() };
        let t = settle(&w, 100.0, 1.0, 30.0);
        assert_eq!(t.topups, 5.0);
        assert!((t.usage_fees - 5.0).abs() < 1e-12);
        assert_eq!(t.credits_used, 100.0);
        // Replaying the charges (each with its fee) agrees.
        let (mut balance, mut topups) = (0.0, 0.0);
        for c in [30.0, 45.0, 25.0] {
            let a = c * 1.05;
            while balance < a {
                balance += w.topup;
                topups += 1.0;
            }
            balance -= a;
        }
        assert_eq!(topups, t.topups);
    }

    #[test]
    fn free_requests_waive_the_usage_fee_on_their_share() {
        // 1M free requests a month; a 30-day trial of 4M requests pays the
        // 5% fee on 3/4 of its $1,000 of use; 500k requests pay none.
        let w = Wallet {
            usage_fee_percent: 5.0,
            usage_fee_free_requests_per_month: 1e6,
            ..openrouter()
        };
        assert!((settle(&w, 1000.0, 4e6, 30.0).usage_fees - 37.5).abs() < 1e-9);
        assert_eq!(settle(&w, 1000.0, 5e5, 30.0).usage_fees, 0.0);
        // A 7-day period gets 7/30 of the allowance.
        let week = settle(&w, 1000.0, 1e6, 7.0).usage_fees;
        assert!((week - 50.0 * (1.0 - 7.0 / 30.0)).abs() < 1e-9, "{week}");
    }

    #[test]
    fn replaying_charges_gives_the_same_topups() {
        // The closed form against a literal replay of the top-up rule.
        let w = Wallet { topup: 7.0, ..openrouter() };
        let charges = [3.0, 9.5, 0.25, 14.0, 1.0, 6.0, 0.0, 21.0];
        let (mut balance, mut topups, mut used) = (0.0, 0.0, 0.0);
        for a in charges {
            while balance < a {
                balance += w.topup;
                topups += 1.0;
            }
            balance -= a;
            used += a;
        }
        assert_eq!(settle(&w, used, 1.0, 30.0).topups, topups);
    }
}
