//! Nanoseconds per draw of the engine's samplers (a quick release-mode
//! timing, not a benchmark suite; the criterion benches live in `benches/`).
//!
//! ```text
//! cargo run --release -p costintent-sim --example samplers
//! ```

// Printing the measurements is this program's whole job.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use costintent_scenario::{Choice, Sampler};
use costintent_sim::Draws;

fn main() {
    let samplers = [
        ("lognormal tokens", Sampler::LogNormal { mu: 3000f64.ln(), sigma: 1.0817 }, true),
        ("lognormal seconds", Sampler::LogNormal { mu: 3.0, sigma: 0.5 }, false),
        ("poisson(400)", Sampler::Poisson { mean: 400.0 }, true),
        ("geometric(1/25)", Sampler::Geometric { p: 0.04 }, true),
        ("negbin(25, r=2)", Sampler::NegBin { r: 2.0, mean: 25.0 }, true),
        ("normal(5, 2)", Sampler::Normal { mean: 5.0, sd: 2.0 }, false),
        ("gamma(2, 3)", Sampler::Gamma { shape: 2.0, scale: 3.0 }, false),
        ("uniform(0, 10)", Sampler::Uniform { min: 0.0, max: 10.0 }, false),
        (
            "choice(4, 8, 12)",
            Sampler::Choice(Arc::new(Choice {
                values: vec![4.0, 8.0, 12.0],
                cumulative: vec![0.25, 0.75, 1.0],
            })),
            false,
        ),
    ];
    let n = 20_000_000;
    for (name, sampler, counts) in samplers {
        let mut best = f64::INFINITY;
        for rep in 0..5 {
            let mut d = Draws::new(&sampler, counts, rep);
            let mut buf = [0.0; 1024];
            let start = Instant::now();
            let mut acc = 0.0;
            for _ in 0..n / buf.len() {
                d.fill(&mut buf);
                acc += buf.iter().sum::<f64>();
            }
            black_box(acc);
            best = best.min(start.elapsed().as_secs_f64() * 1e9 / n as f64);
        }
        println!("{name:20} {best:6.2} ns/draw (best of 5)");
    }
}
