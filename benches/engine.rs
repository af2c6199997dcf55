//! Micro-benchmarks of the engine: the samplers, and one trial of each
//! workload kind.
//!
//! `cargo bench -p costintent-benches` runs them all;
//! `cargo bench -p costintent-benches -- trial/agent` one group.
//! Whole-run speed against the numpy peer is `benches/compare.sh`.

use std::hint::black_box;

use costintent_benches::{KINDS, scenario};
use costintent_scenario::Sampler;
use costintent_scenario::convert::lognormal_from_median_p90;
use costintent_sim::{Draws, Engine};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, SeedableRng as _};
use rand_distr::{Distribution as _, LogNormal};

/// Draws per iteration of the sampler benchmarks.
const DRAWS: usize = 4096;

fn samplers(c: &mut Criterion) {
    let mut group = c.benchmark_group("sampler");
    group.throughput(Throughput::Elements(DRAWS as u64));
    let (mu, sigma) = lognormal_from_median_p90(3000.0, 12000.0).unwrap_or((8.0, 1.08));
    let cases = [
        ("lognormal tokens", Sampler::LogNormal { mu, sigma }, true),
        ("lognormal seconds", Sampler::LogNormal { mu: 3.0, sigma: 2.0 }, false),
        ("geometric mean 25", Sampler::Geometric { p: 0.04 }, true),
        ("poisson mean 400", Sampler::Poisson { mean: 400.0 }, true),
        ("negbin mean 25 r 2", Sampler::NegBin { r: 2.0, mean: 25.0 }, true),
        ("gamma", Sampler::Gamma { shape: 4.0, scale: 2.0 }, false),
        ("beta", Sampler::Beta { a: 2.0, b: 60.0 }, false),
        ("normal", Sampler::Normal { mean: 10.0, sd: 3.0 }, false),
    ];
    for (name, sampler, counts) in cases {
        let mut draws = Draws::new(&sampler, counts, 7);
        let mut buf = vec![0.0; DRAWS];
        group.bench_function(name, |b| {
            b.iter(|| {
                draws.fill(&mut buf);
                black_box(buf.iter().sum::<f64>())
            });
        });
    }
    // The naive floor the issue names: rand_distr's LogNormal with
    // Xoshiro256++, one draw at a time.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let naive = LogNormal::new(mu, sigma).ok();
    group.bench_function("rand_distr lognormal (naive floor)", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            if let Some(d) = &naive {
                for _ in 0..DRAWS {
                    sum += d.sample(&mut rng);
                }
            }
            black_box(sum)
        });
    });
    group.bench_function("rand uniform f64", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for _ in 0..DRAWS {
                sum += rng.random::<f64>();
            }
            black_box(sum)
        });
    });
    group.finish();
}

fn trials(c: &mut Criterion) {
    let mut group = c.benchmark_group("trial");
    for kind in KINDS {
        let scenario = scenario(kind);
        let engine = Engine::new(&scenario);
        let mut scratch = engine.scratch();
        let mut trial = 0_u64;
        group.bench_function(kind, |b| {
            b.iter_batched(
                || {
                    trial += 1;
                    trial
                },
                |t| black_box(engine.trial_total(&mut scratch, 42, t, 1.0)),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = samplers, trials
}
criterion_main!(benches);
