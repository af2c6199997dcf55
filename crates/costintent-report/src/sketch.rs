//! `--sketch`: what a report needs from a run, kept in memory that does not
//! grow with the trial count, so runs of 10^7–10^8 trials fit on one
//! machine (and shards of them merge).
//!
//! Percentiles come from a DDSketch (the `sketches-ddsketch` crate, a port
//! of DataDog's reference implementation; Masson, Rim and Lee, VLDB 2019).
//! Its documented guarantee is a relative-accuracy bound: with relative
//! accuracy α, the value it returns for a rank is within ±α of the trial
//! at that rank. Counts per bucket are exact, so the rank itself is exact
//! (no rank error); only the value within the bucket is approximate. It was
//! chosen over a t-digest (no stated bound) and a KLL or GK sketch (a rank
//! bound; no pure-Rust implementation is maintained) because a value bound
//! is what a budget needs, because merging adds bucket counts (a merged
//! sketch equals the sketch of the whole run, whatever the shards), and
//! because it is deterministic.
//!
//! Everything else is exact or streamed: means and variances (Chan et
//! al.'s pairwise update, in trial order), minimum and maximum, the budget
//! exceedance count (the budget is known before the run), and the
//! breakdown, whose sums are kept per sketch bucket of the trial's total so
//! that the p90+ share can be read once the p90 is known. The p90+ set is
//! then the trials in the p90's bucket and above: it may hold trials up to
//! α below the p90 too.

use std::collections::BTreeMap;

use costintent_sim::{Method, Outcomes, Unit};
use sketches_ddsketch::{Config, DDSketch};

/// Relative accuracy of every sketch: a percentile is within ±0.5% of the
/// trial at its rank.
pub const RELATIVE_ACCURACY: f64 = 0.005;

/// Bins the sketch keeps before it merges its lowest ones (the crate's
/// default, which is also what its encoding restores): at 0.5% accuracy
/// they cover values across a factor of about 8·10^8.
const MAX_BINS: u32 = 2048;

/// Values at or below this are counted as zero (the crate's default).
const MIN_VALUE: f64 = 1e-9;

/// The bucket key standing for zero (and anything below [`MIN_VALUE`]).
const ZERO_KEY: i32 = i32::MIN;

fn config() -> Config {
    Config::new(RELATIVE_ACCURACY, MAX_BINS, MIN_VALUE)
}

/// Count, mean and sum of squared deviations, merged exactly as if the
/// values had been seen one after another (Chan, Golub and LeVeque).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Streamed {
    /// Values seen.
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl Streamed {
    /// The moments of `values` (two passes, in order).
    fn of(values: &[f64]) -> Self {
        let n = values.len();
        if n == 0 {
            return Self::default();
        }
        let mean = crate::stats::mean(values);
        let m2 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
        Self { n: n as u64, mean, m2 }
    }

    /// Adds the values `other` summarises, seen after these.
    fn merge(&mut self, other: &Self) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * nb / n;
        self.m2 += other.m2 + delta * delta * na * nb / n;
        self.n += other.n;
    }

    /// Standard deviation (n − 1 in the denominator; 0 for one value).
    pub fn sd(&self) -> f64 {
        if self.n > 1 { (self.m2 / (self.n - 1) as f64).sqrt() } else { 0.0 }
    }
}

/// A column of trials as a sketch plus its exact moments and extremes.
#[derive(Clone)]
pub struct ColumnSketch {
    sketch: DDSketch,
    /// Exact moments.
    pub moments: Streamed,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl std::fmt::Debug for ColumnSketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnSketch")
            .field("moments", &self.moments)
            .field("min", &self.min)
            .field("max", &self.max)
            .field("bins", &self.sketch.length())
            .finish()
    }
}

impl PartialEq for ColumnSketch {
    fn eq(&self, other: &Self) -> bool {
        self.moments == other.moments
            && self.min.to_bits() == other.min.to_bits()
            && self.max.to_bits() == other.max.to_bits()
            && self.sketch.to_java_bytes() == other.sketch.to_java_bytes()
    }
}

impl Default for ColumnSketch {
    fn default() -> Self {
        Self {
            sketch: DDSketch::new(config()),
            moments: Streamed::default(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl ColumnSketch {
    fn add(&mut self, values: &[f64]) {
        for &v in values {
            self.sketch.add(v);
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.moments.merge(&Streamed::of(values));
    }

    fn merge(&mut self, other: &Self) {
        // Both sketches are made with `config()`, so this cannot fail.
        let _ = self.sketch.merge(&other.sketch);
        self.moments.merge(&other.moments);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Trials seen.
    pub fn len(&self) -> u64 {
        self.moments.n
    }

    /// Whether no trial was seen.
    pub fn is_empty(&self) -> bool {
        self.moments.n == 0
    }

    /// The value at 1-based `rank` (within ±[`RELATIVE_ACCURACY`] of the
    /// trial at that rank; the minimum and maximum are exact).
    pub fn at_rank(&self, rank: usize) -> Option<f64> {
        let n = self.moments.n;
        if n == 0 || rank == 0 || rank as u64 > n {
            return None;
        }
        if rank == 1 {
            return Some(self.min);
        }
        if rank as u64 == n {
            return Some(self.max);
        }
        // The crate reads rank ⌊q·(n − 1)⌋ (from 0); aim at the middle of
        // the wanted rank so rounding cannot move it.
        let q = ((rank - 1) as f64 + 0.5) / (n - 1) as f64;
        let value = self.sketch.quantile(q.min(1.0)).ok().flatten()?;
        Some(value.clamp(self.min, self.max))
    }

    /// The column's summary: exact moments and extremes, percentiles and
    /// their interval ends read from the sketch at the same ranks as an
    /// exact run's.
    pub fn summary(&self) -> Option<crate::stats::Summary> {
        let n = usize::try_from(self.moments.n).ok()?;
        crate::stats::Summary::from_ranks(
            n,
            self.moments.mean,
            self.moments.sd(),
            (self.min, self.max),
            |rank| self.at_rank(rank),
        )
    }

    /// Whether the values span more than the sketch's bins cover, so that
    /// its lowest bins may have been merged (low ranks then read high).
    pub fn may_have_collapsed(&self) -> bool {
        let gamma = config().gamma;
        let low = self.min.max(MIN_VALUE);
        self.max > 0.0 && (self.max / low).ln() / gamma.ln() > f64::from(MAX_BINS) - 1.0
    }
}

/// The means a report gives of one workload, and its spend as a sketch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SketchedWorkload {
    /// The workload's name.
    pub name: String,
    /// Spend per trial.
    pub spend: ColumnSketch,
    /// Waste, attempts, requests and lost requests.
    pub waste: Streamed,
    /// Attempts.
    pub attempts: Streamed,
    /// Requests.
    pub requests: Streamed,
    /// Lost requests.
    pub lost: Streamed,
    /// Each billing unit's quantity and USD.
    pub units: Vec<(Unit, Streamed, Streamed)>,
}

/// The means a report gives of one wallet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SketchedWallet {
    /// The wallet's name.
    pub name: String,
    /// Top-ups, purchase fees, usage fees, credits bought, credits used.
    pub columns: [Streamed; 5],
}

/// Sums of the breakdown's columns over the trials whose total falls in
/// one sketch bucket.
#[derive(Clone, Debug, Default, PartialEq)]
struct Bucket {
    trials: u64,
    sums: Vec<f64>,
}

/// What a report needs of a run's trials, without keeping them.
#[derive(Clone, Debug, PartialEq)]
pub struct SketchedOutcomes {
    /// The first trial seen.
    pub first_trial: u64,
    /// The budget whose exceedance is counted.
    pub budget: Option<f64>,
    /// Trials whose total is above the budget.
    pub exceed: u64,
    /// Total spend.
    pub total: ColumnSketch,
    /// Waste per trial, all workloads.
    pub waste: ColumnSketch,
    /// Per workload, in scenario order.
    pub workloads: Vec<SketchedWorkload>,
    /// Per wallet, in scenario order.
    pub wallets: Vec<SketchedWallet>,
    /// Parameter draws moved into their domain.
    pub clamped_draws: u64,
    /// How each workload's trials were simulated.
    pub methods: Vec<Method>,
    /// Breakdown sums per bucket of the total (see the module documentation).
    buckets: BTreeMap<i32, Bucket>,
    /// Per breakdown column: the largest absolute value in any trial (the
    /// `other` and `unattributed` lines show only above a micro-dollar).
    largest: Vec<f64>,
}

/// One column of the breakdown, in [`SketchedOutcomes`]' order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BreakdownColumn {
    Unit { workload: usize, unit: Unit },
    WorkloadOther { workload: usize },
    PurchaseFees { wallet: usize },
    UsageFees { wallet: usize },
    Unattributed,
    Total,
}

impl SketchedOutcomes {
    /// Nothing seen yet, for outcomes shaped like `shape` (a batch of the
    /// run: its workloads, units and wallets), counting trials above
    /// `budget`.
    pub fn new(shape: &Outcomes, budget: Option<f64>) -> Self {
        Self {
            first_trial: shape.first_trial,
            budget,
            exceed: 0,
            total: ColumnSketch::default(),
            waste: ColumnSketch::default(),
            workloads: shape
                .workloads
                .iter()
                .map(|w| SketchedWorkload {
                    name: w.name.clone(),
                    units: w
                        .units
                        .iter()
                        .map(|u| (u.unit, Streamed::default(), Streamed::default()))
                        .collect(),
                    ..SketchedWorkload::default()
                })
                .collect(),
            wallets: shape
                .wallets
                .iter()
                .map(|w| SketchedWallet { name: w.name.clone(), ..SketchedWallet::default() })
                .collect(),
            clamped_draws: 0,
            methods: Vec::new(),
            buckets: BTreeMap::new(),
            largest: Vec::new(),
        }
    }

    /// Trials seen.
    pub fn trials(&self) -> u64 {
        self.total.len()
    }

    /// The breakdown's columns.
    pub(crate) fn breakdown_columns(&self) -> Vec<BreakdownColumn> {
        let mut columns = Vec::new();
        for (i, w) in self.workloads.iter().enumerate() {
            for (unit, _, _) in &w.units {
                columns.push(BreakdownColumn::Unit { workload: i, unit: *unit });
            }
            columns.push(BreakdownColumn::WorkloadOther { workload: i });
        }
        for i in 0..self.wallets.len() {
            columns.push(BreakdownColumn::PurchaseFees { wallet: i });
            columns.push(BreakdownColumn::UsageFees { wallet: i });
        }
        columns.push(BreakdownColumn::Unattributed);
        columns.push(BreakdownColumn::Total);
        columns
    }

    /// Adds a batch: the trials right after those seen (in trial order).
    pub fn add(&mut self, batch: &Outcomes) {
        let n = batch.trials();
        if self.trials() == 0 {
            self.first_trial = batch.first_trial;
        }
        self.total.add(&batch.total);
        if let Some(budget) = self.budget {
            self.exceed += batch.total.iter().filter(|&&t| t > budget).count() as u64;
        }
        let mut waste = vec![0.0; n];
        let mut accounted = vec![0.0; n];
        // The breakdown's columns, per trial, in `breakdown_columns` order.
        let mut rows: Vec<Vec<f64>> = Vec::new();
        for (acc, o) in self.workloads.iter_mut().zip(&batch.workloads) {
            acc.spend.add(&o.spend);
            acc.waste.merge(&Streamed::of(&o.waste));
            acc.attempts.merge(&Streamed::of(&o.attempts));
            acc.requests.merge(&Streamed::of(&o.requests));
            acc.lost.merge(&Streamed::of(&o.lost));
            let mut units_sum = vec![0.0; n];
            for ((_, quantity, usd), series) in acc.units.iter_mut().zip(&o.units) {
                quantity.merge(&Streamed::of(&series.quantity));
                usd.merge(&Streamed::of(&series.usd));
                for (s, v) in units_sum.iter_mut().zip(&series.usd) {
                    *s += v;
                }
                rows.push(series.usd.clone());
            }
            rows.push(o.spend.iter().zip(&units_sum).map(|(s, u)| s - u).collect());
            for (acc, w) in waste.iter_mut().zip(&o.waste) {
                *acc += w;
            }
            for (a, s) in accounted.iter_mut().zip(&o.spend) {
                *a += s;
            }
        }
        for (acc, o) in self.wallets.iter_mut().zip(&batch.wallets) {
            let columns =
                [&o.topups, &o.purchase_fees, &o.usage_fees, &o.credits_bought, &o.credits_used];
            for (streamed, column) in acc.columns.iter_mut().zip(columns) {
                streamed.merge(&Streamed::of(column));
            }
            rows.push(o.purchase_fees.clone());
            rows.push(o.usage_fees.clone());
            for ((a, p), u) in accounted.iter_mut().zip(&o.purchase_fees).zip(&o.usage_fees) {
                *a += p;
                *a += u;
            }
        }
        rows.push(batch.total.iter().zip(&accounted).map(|(t, a)| t - a).collect());
        rows.push(batch.total.clone());
        self.waste.add(&waste);
        if self.largest.len() != rows.len() {
            self.largest = vec![0.0; rows.len()];
        }
        for (largest, row) in self.largest.iter_mut().zip(&rows) {
            *largest = row.iter().fold(*largest, |m, v| m.max(v.abs()));
        }
        let config = config();
        for (trial, &total) in batch.total.iter().enumerate() {
            let key = if total > MIN_VALUE { config.key(total) } else { ZERO_KEY };
            let bucket = self
                .buckets
                .entry(key)
                .or_insert_with(|| Bucket { trials: 0, sums: vec![0.0; rows.len()] });
            bucket.trials += 1;
            for (sum, row) in bucket.sums.iter_mut().zip(&rows) {
                *sum += row[trial];
            }
        }
        self.clamped_draws += batch.clamped_draws;
        merge_methods(&mut self.methods, &batch.methods);
    }

    /// Adds the sketches of the trials right after these (the next shard).
    pub fn merge(&mut self, other: &Self) {
        if self.trials() == 0 {
            self.first_trial = other.first_trial;
        }
        self.exceed += other.exceed;
        self.total.merge(&other.total);
        self.waste.merge(&other.waste);
        for (a, b) in self.workloads.iter_mut().zip(&other.workloads) {
            a.spend.merge(&b.spend);
            a.waste.merge(&b.waste);
            a.attempts.merge(&b.attempts);
            a.requests.merge(&b.requests);
            a.lost.merge(&b.lost);
            for (x, y) in a.units.iter_mut().zip(&b.units) {
                x.1.merge(&y.1);
                x.2.merge(&y.2);
            }
        }
        for (a, b) in self.wallets.iter_mut().zip(&other.wallets) {
            for (x, y) in a.columns.iter_mut().zip(&b.columns) {
                x.merge(y);
            }
        }
        for (key, bucket) in &other.buckets {
            let into = self
                .buckets
                .entry(*key)
                .or_insert_with(|| Bucket { trials: 0, sums: vec![0.0; bucket.sums.len()] });
            into.trials += bucket.trials;
            for (a, b) in into.sums.iter_mut().zip(&bucket.sums) {
                *a += b;
            }
        }
        if self.largest.len() < other.largest.len() {
            self.largest.resize(other.largest.len(), 0.0);
        }
        for (a, b) in self.largest.iter_mut().zip(&other.largest) {
            *a = a.max(*b);
        }
        self.clamped_draws += other.clamped_draws;
        merge_methods(&mut self.methods, &other.methods);
    }

    /// Per breakdown column: (sum over every trial, sum over the trials in
    /// the bucket of `threshold` and above, largest absolute value); and
    /// the number of trials in those buckets.
    pub(crate) fn breakdown_sums(&self, threshold: f64) -> (Vec<(f64, f64, f64)>, u64) {
        let tail_key = if threshold > MIN_VALUE { config().key(threshold) } else { ZERO_KEY };
        let width = self.breakdown_columns().len();
        let mut sums = vec![(0.0, 0.0, 0.0); width];
        let mut tail_trials = 0;
        for (key, bucket) in &self.buckets {
            let in_tail = *key >= tail_key;
            if in_tail {
                tail_trials += bucket.trials;
            }
            for (s, b) in sums.iter_mut().zip(&bucket.sums) {
                s.0 += b;
                if in_tail {
                    s.1 += b;
                }
            }
        }
        for (s, largest) in sums.iter_mut().zip(&self.largest) {
            s.2 = *largest;
        }
        (sums, tail_trials)
    }

    /// The workloads' names and billing units (for a shard file's header).
    pub(crate) fn workload_shapes(&self) -> Vec<(String, Vec<Unit>)> {
        self.workloads
            .iter()
            .map(|w| (w.name.clone(), w.units.iter().map(|u| u.0).collect()))
            .collect()
    }

    /// The wallets' names.
    pub(crate) fn wallet_names(&self) -> Vec<String> {
        self.wallets.iter().map(|w| w.name.clone()).collect()
    }

    /// The binary encoding (see [`crate::shard`]): little-endian numbers,
    /// length-prefixed strings, and each sketch in DDSketch's own binary
    /// format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u64(self.first_trial);
        w.opt_f64(self.budget);
        w.u64(self.exceed);
        w.column(&self.total);
        w.column(&self.waste);
        w.u64(self.workloads.len() as u64);
        for wl in &self.workloads {
            w.str(&wl.name);
            w.column(&wl.spend);
            for s in [&wl.waste, &wl.attempts, &wl.requests, &wl.lost] {
                w.streamed(s);
            }
            w.u64(wl.units.len() as u64);
            for (unit, quantity, usd) in &wl.units {
                w.str(unit.json_key());
                w.streamed(quantity);
                w.streamed(usd);
            }
        }
        w.u64(self.wallets.len() as u64);
        for wallet in &self.wallets {
            w.str(&wallet.name);
            for s in &wallet.columns {
                w.streamed(s);
            }
        }
        w.u64(self.clamped_draws);
        w.u64(self.methods.len() as u64);
        for method in &self.methods {
            match method {
                Method::Exact { reason } => {
                    w.u64(0);
                    w.opt_str(reason.as_deref());
                }
                Method::Fast { pool_units, min_units, mean_rse, fast_trials } => {
                    w.u64(1);
                    w.u64(*pool_units);
                    w.f64(*min_units);
                    w.f64(*mean_rse);
                    w.u64(*fast_trials);
                }
            }
        }
        w.u64(self.largest.len() as u64);
        for x in &self.largest {
            w.f64(*x);
        }
        w.u64(self.buckets.len() as u64);
        for (key, bucket) in &self.buckets {
            w.u64(u64::from(*key as u32));
            w.u64(bucket.trials);
            for s in &bucket.sums {
                w.f64(*s);
            }
        }
        w.0
    }

    /// Reads [`SketchedOutcomes::to_bytes`]; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader(bytes);
        let first_trial = r.u64()?;
        let budget = r.opt_f64()?;
        let exceed = r.u64()?;
        let total = r.column()?;
        let waste = r.column()?;
        let mut workloads = Vec::new();
        for _ in 0..r.count()? {
            let name = r.str()?;
            let spend = r.column()?;
            let (waste, attempts, requests, lost) =
                (r.streamed()?, r.streamed()?, r.streamed()?, r.streamed()?);
            let mut units = Vec::new();
            for _ in 0..r.count()? {
                let key = r.str()?;
                let unit = Unit::ALL.into_iter().find(|u| u.json_key() == key)?;
                units.push((unit, r.streamed()?, r.streamed()?));
            }
            workloads.push(SketchedWorkload {
                name,
                spend,
                waste,
                attempts,
                requests,
                lost,
                units,
            });
        }
        let mut wallets = Vec::new();
        for _ in 0..r.count()? {
            let name = r.str()?;
            let columns =
                [r.streamed()?, r.streamed()?, r.streamed()?, r.streamed()?, r.streamed()?];
            wallets.push(SketchedWallet { name, columns });
        }
        let clamped_draws = r.u64()?;
        let mut methods = Vec::new();
        for _ in 0..r.count()? {
            methods.push(match r.u64()? {
                0 => Method::Exact { reason: r.opt_str()? },
                1 => Method::Fast {
                    pool_units: r.u64()?,
                    min_units: r.f64()?,
                    mean_rse: r.f64()?,
                    fast_trials: r.u64()?,
                },
                _ => return None,
            });
        }
        let mut largest = Vec::new();
        for _ in 0..r.count()? {
            largest.push(r.f64()?);
        }
        let mut buckets = BTreeMap::new();
        for _ in 0..r.count()? {
            let key = u32::try_from(r.u64()?).ok()? as i32;
            let trials = r.u64()?;
            let sums = (0..largest.len()).map(|_| r.f64()).collect::<Option<Vec<_>>>()?;
            buckets.insert(key, Bucket { trials, sums });
        }
        if !r.0.is_empty() {
            return None;
        }
        Some(Self {
            first_trial,
            budget,
            exceed,
            total,
            waste,
            workloads,
            wallets,
            clamped_draws,
            methods,
            buckets,
            largest,
        })
    }
}

/// Methods of consecutive batches: the counts of trials drawn as sums add up.
fn merge_methods(into: &mut Vec<Method>, next: &[Method]) {
    if into.is_empty() {
        into.extend_from_slice(next);
        return;
    }
    for (m, n) in into.iter_mut().zip(next) {
        if let (Method::Fast { fast_trials, .. }, Method::Fast { fast_trials: more, .. }) = (m, n) {
            *fast_trials += more;
        }
    }
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn opt_f64(&mut self, x: Option<f64>) {
        self.u64(u64::from(x.is_some()));
        self.f64(x.unwrap_or(0.0));
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        self.u64(u64::from(s.is_some()));
        self.str(s.unwrap_or(""));
    }
    fn streamed(&mut self, s: &Streamed) {
        self.u64(s.n);
        self.f64(s.mean);
        self.f64(s.m2);
    }
    fn column(&mut self, c: &ColumnSketch) {
        self.streamed(&c.moments);
        self.f64(c.min);
        self.f64(c.max);
        self.bytes(&c.sketch.to_java_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn count(&mut self) -> Option<u64> {
        // A count can be no larger than the bytes left (each item takes one).
        self.u64().filter(|&n| n <= self.0.len() as u64)
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_bits(self.u64()?))
    }
    fn opt_f64(&mut self) -> Option<Option<f64>> {
        let some = self.u64()? == 1;
        let x = self.f64()?;
        Some(some.then_some(x))
    }
    fn bytes(&mut self) -> Option<&[u8]> {
        let n = usize::try_from(self.count()?).ok()?;
        self.take(n)
    }
    fn str(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
    fn opt_str(&mut self) -> Option<Option<String>> {
        let some = self.u64()? == 1;
        let s = self.str()?;
        Some(some.then_some(s))
    }
    fn streamed(&mut self) -> Option<Streamed> {
        Some(Streamed { n: self.u64()?, mean: self.f64()?, m2: self.f64()? })
    }
    fn column(&mut self) -> Option<ColumnSketch> {
        let moments = self.streamed()?;
        let (min, max) = (self.f64()?, self.f64()?);
        let sketch = DDSketch::from_java_bytes(self.bytes()?).ok()?;
        if sketch.count() as u64 != moments.n {
            return None;
        }
        Some(ColumnSketch { sketch, moments, min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::SortedSample;
    use costintent_sim::WorkloadOutcome;
    use rand::{RngExt as _, SeedableRng as _};

    fn batch(first_trial: u64, values: &[f64]) -> Outcomes {
        Outcomes {
            first_trial,
            total: values.to_vec(),
            workloads: vec![WorkloadOutcome {
                name: "w".into(),
                spend: values.to_vec(),
                waste: vec![0.0; values.len()],
                attempts: vec![1.0; values.len()],
                requests: vec![1.0; values.len()],
                lost: vec![0.0; values.len()],
                units: Vec::new(),
            }],
            ..Outcomes::default()
        }
    }

    #[test]
    fn every_rank_is_within_the_stated_bound_of_the_exact_order_statistic() {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        // Heavy-tailed money with some exact zeros, over four decades.
        let values: Vec<f64> = (0..120_000)
            .map(|i| if i % 97 == 0 { 0.0 } else { (rng.random::<f64>() * 9.0).exp() * 0.37 })
            .collect();
        let sorted = SortedSample::from_slice(&values);
        // In batches, and as three shards merged: the same sketch.
        let mut whole = SketchedOutcomes::new(&batch(0, &[]), Some(500.0));
        for (i, chunk) in values.chunks(50_000).enumerate() {
            whole.add(&batch(i as u64 * 50_000, chunk));
        }
        let mut merged = SketchedOutcomes::new(&batch(0, &[]), Some(500.0));
        for (i, part) in values.chunks(40_000).enumerate() {
            let mut shard = SketchedOutcomes::new(&batch(0, &[]), Some(500.0));
            shard.add(&batch(i as u64 * 40_000, part));
            let shard = SketchedOutcomes::from_bytes(&shard.to_bytes()).expect("round trip");
            merged.merge(&shard);
        }
        for rank in (1..=values.len()).step_by(997).chain([values.len()]) {
            let exact = sorted.values()[rank - 1];
            // Merging adds bucket counts: the merged sketch reads as the whole.
            assert_eq!(whole.total.at_rank(rank), merged.total.at_rank(rank));
            for sketch in [&whole, &merged] {
                let read = sketch.total.at_rank(rank).expect("rank");
                assert!(
                    (read - exact).abs() <= RELATIVE_ACCURACY * exact + 1e-9,
                    "rank {rank}: {read} vs {exact}"
                );
            }
        }
        let exceed = values.iter().filter(|&&v| v > 500.0).count() as u64;
        assert_eq!((whole.exceed, merged.exceed), (exceed, exceed));
        let moments = crate::stats::moments(&values).expect("moments");
        for s in [&whole, &merged] {
            assert!((s.total.moments.mean - moments.mean).abs() <= 1e-9 * moments.mean);
            assert!((s.total.moments.sd() - moments.sd).abs() <= 1e-9 * moments.sd);
        }
        let summary = whole.total.summary().expect("summary");
        let exact = crate::stats::Summary::of(&values).expect("summary");
        assert_eq!(summary.p90.ranks, exact.p90.ranks, "the same ranks as an exact run");
    }
}
