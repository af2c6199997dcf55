//! The command line: every command, option and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Forecast what AI API usage will cost before you scale it: a Monte Carlo
/// simulation of a scenario file that gives spend as a distribution.
#[derive(Debug, Parser)]
#[command(
    name = "costintent",
    version,
    about,
    after_help = "Examples:
  costintent init --template agent my-team.toml   write a starter scenario
  costintent check my-team.toml                   validate it and show the prices it uses
  costintent run my-team.toml                     p50/p90/p99 spend and P(spend > budget)
  costintent run my-team.toml --out report/       budget report, charts, per-trial data
  costintent compare a.toml b.toml                the difference, trial by trial
  costintent plan my-team.toml                    the small prepaid test before scaling
  costintent run my-team.toml --shard 0/4 --out shard-0; costintent merge shard-*/ --out report/
  costintent calibrate logs/ --scenario my-team.toml -o fitted.toml   fit it to usage logs

Exit codes: 0 success, 1 runtime failure, 2 invalid input, 3 over budget (--fail-over-budget), 130 interrupted.
Environment: COSTINTENT_MEMORY_LIMIT=4G sets the memory a run may plan for (default: what is available).
Bad input and limits: docs/bad-input.md."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Simulate a scenario and report the spend distribution.
    #[command(after_help = "Examples:
  costintent run scenarios/coding-agent.toml
  costintent run scenarios/coding-agent.toml --trials 100000 --format json
  costintent run scenarios/coding-agent.toml --scale 10 --budget 20000
  costintent run scenarios/coding-agent.toml --out reports/coding-agent
  costintent run scenarios/coding-agent.toml --vary agent.cache.ttl=5m,1h
  costintent run scenarios/coding-agent.toml --vary agent.cache.ttl=5m,1h --vary agent.turns.mean=20,30
  costintent run scenarios/coding-agent.toml --sensitivity --out sens/
  costintent run scenarios/coding-agent.toml --trials 50000000 --sketch
  costintent run scenarios/coding-agent.toml --shard 2/4 --out shard-2")]
    Run(RunArgs),
    /// Validate a scenario and show the workloads and the prices they use.
    #[command(after_help = "Examples:
  costintent check scenarios/coding-agent.toml
  costintent check my.toml --catalog my-prices.toml")]
    Check(CheckArgs),
    /// Write a commented starter scenario, priced from today.
    ///
    /// The template is a bundled example with `prices` set to today (the
    /// first day of its simulated period); its header says how to check and
    /// run the file just written.
    #[command(after_help = "Examples:
  costintent init                          writes scenario.toml (coding-agent template)
  costintent init --template video clips.toml
  costintent init --template batch nightly.toml
  costintent init --template mixed --force scenario.toml")]
    Init(InitArgs),
    /// Browse the pricing catalog, or import prices from LiteLLM or genai-prices.
    #[command(after_help = "Examples:
  costintent catalog list --provider anthropic
  costintent catalog list --unit second --date 2026-11-01
  costintent catalog show anthropic/claude-sonnet-4-5 --format json
  costintent catalog import litellm model_prices_and_context_window.json --out litellm.toml
  costintent catalog import genai-prices data.json --out genai.toml")]
    Catalog(CatalogArgs),
    /// Compare scenarios with common random numbers: trial i of each sees the same usage.
    #[command(after_help = "Examples:
  costintent compare scenarios/coding-agent.toml scenarios/coding-agent-openrouter.toml
  costintent compare a.toml b.toml --format markdown --out comparison/")]
    Compare(CompareArgs),
    /// The small prepaid test before scaling: what to buy, run, check and expect.
    #[command(after_help = "Examples:
  costintent plan scenarios/small-prepaid-test.toml
  costintent plan scenarios/coding-agent.toml --steps 1,10,100")]
    Plan(PlanArgs),
    /// After the period, or mid-period with --as-of: the logs' spend against the forecast.
    ///
    /// After the period: where the actual spend falls in the forecast (its
    /// percentile), the gap to the forecast's mean explained by assumption
    /// (volume, failure rate, tokens per request, cache share, price
    /// changes, billed vs catalog), each in dollars and adding up to the
    /// gap, and the logs' billed amounts against the catalog, request by
    /// request. With --as-of: the spend so far plus a simulation of the rest
    /// of the period conditioned on the logs' volume and cost per request,
    /// giving the updated p50/p90/p99 and P(spend > budget).
    #[command(
        after_help = "The period is the scenario's length, starting on --from or else on the \
first day the logs show (UTC). A record counts its billed amount where the log has one, else its \
catalog price on its day. Records belong to the workload their `workload` dimension names, else to \
the first workload of their model.

Examples:
  costintent reconcile scenarios/coding-agent.toml ~/.claude/projects
  costintent reconcile my.toml usage.jsonl --from 2026-11-01 --format json
  costintent reconcile my.toml usage.jsonl --as-of 2026-11-14 --budget 5000 --fail-over-budget"
    )]
    Reconcile(ReconcileArgs),
    /// The daily and monthly spend limits to set at the provider, per workload and API key.
    ///
    /// A normal day and a normal month pass with the stated probability (the
    /// p99 of daily and of monthly spend by default), per workload and per
    /// `api_key` the scenario names; a daily limit stops a runaway loop
    /// within a day where the provider can enforce one. Says where each
    /// provider sets limits (Anthropic workspace limits, OpenAI project
    /// limits, OpenRouter key limits).
    #[command(after_help = "Examples:
  costintent limits scenarios/coding-agent.toml
  costintent limits my.toml --probability 0.999 --format json")]
    Limits(LimitsArgs),
    /// Merge the shards of a run (`run --shard I/N`) into the single run's report.
    ///
    /// With every trial kept, the report is the one `run` makes, byte for byte; with
    /// --sketch, the merged sketches are the whole run's. Shards of different scenarios,
    /// seeds, trial counts, scales, budgets or modes are refused, and so is a missing shard.
    #[command(after_help = "Examples:
  costintent run scenarios/coding-agent.toml --shard 0/4 --out shard-0   (and 1/4, 2/4, 3/4)
  costintent merge shard-*/ --out report/")]
    Merge(MergeArgs),
    /// Read real usage logs and billing exports: summarize them, or review one request.
    #[command(after_help = "Examples:
  costintent logs summarize ~/.claude/projects
  costintent logs summarize ~/.codex/sessions --by day --format json
  costintent logs summarize openrouter_activity.csv --by day
  costintent logs review req_011CQx ~/.claude/projects --format markdown")]
    Logs(LogsArgs),
    /// Fit a scenario's distributions to usage logs and write it back with its comments.
    #[command(after_help = "Fits, per workload: tokens per request or turn (lognormal by maximum \
likelihood, with a Kolmogorov-Smirnov statistic), requests or sessions per day (Poisson or negative \
binomial, chosen by a likelihood-ratio test; needs dated records), turns per session, the failure \
rate and retries, the share of input read from the cache, gaps between turns, tool calls per turn, \
and for agents the context rule (starting context, input per turn, compaction) from the prompt \
sizes and cache reads of consecutive requests in a session.

The scenario keeps its structure and every comment; each key gets a comment with the observations \
behind it, the fit's quality and the value's standard error (±). A value whose standard error is 5% \
of it or more is written as a distribution drawn per trial, so the forecast widens. Keys the logs \
cannot inform keep their value and say why. Records go to the workload they name (costintent's own \
logs), else to the one workload with their model, else to the only workload (--workload forces one).

Formats: every format `logs summarize` reads (billing exports hold no requests and are not used).

Examples:
  costintent calibrate ~/.claude/projects --scenario team.toml -o team-calibrated.toml
  costintent calibrate pilot.jsonl --scenario scenarios/coding-agent.toml --keep agent.sessions
  costintent calibrate app-log.jsonl --scenario s.toml --workload chat > calibrated.toml")]
    Calibrate(CalibrateArgs),
}

/// Options every simulating command shares.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Trials to simulate, exactly (default: the scenario's `trials`; else `run` stops at a
    /// precision, see --precision, and compare, plan and --vary run 20000).
    #[arg(long, value_name = "N")]
    pub(crate) trials: Option<u64>,
    /// Master seed (default: the scenario's `seed`, else 42).
    #[arg(long, value_name = "SEED")]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default: all cores; more than 4 per core are lowered
    /// to that with a warning, more than 1024 refused). Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true, value_parser = parse_threads)]
    pub(crate) threads: usize,
    /// Multiply every volume (requests, sessions) by K.
    #[arg(long, value_name = "K", default_value_t = 1.0, allow_negative_numbers = true)]
    pub(crate) scale: f64,
    /// A price catalog file laid over the built-in one (see `catalog import`).
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// Simulate every request and session of every trial, never a compound
    /// sum (slower at high volume; the default uses sums where they apply
    /// and says so in the report).
    #[arg(long)]
    pub(crate) exact: bool,
    /// Do not show progress: a bar on a terminal; elsewhere, for runs longer
    /// than 2 s, a line every 5 s (or every COSTINTENT_PROGRESS_SECONDS)
    /// with the trials done, the time elapsed and the time left.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The scenario file.
    pub(crate) scenario: PathBuf,
    #[command(flatten)]
    pub(crate) sim: SimArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = RunFormat::Table)]
    pub(crate) format: RunFormat,
    /// Budget for the period in USD (overrides the scenario's `budget`; at most 1e12).
    #[arg(long, value_name = "USD", value_parser = parse_budget, allow_negative_numbers = true)]
    pub(crate) budget: Option<f64>,
    /// Write report.md, report.html, summary.json, trials.csv, trials.parquet and charts to DIR.
    /// DIR is replaced whole (old report or new, never a mix) and must be new, empty or an
    /// earlier report; it is created only when the report is written.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Also write one trial's attempts, one JSON line each, as a usage log
    /// (`costintent.attempt/v1`, read back by `logs summarize`): for testing
    /// dashboards, alerts and the log importers.
    #[arg(long, value_name = "FILE")]
    pub(crate) attempts_log: Option<PathBuf>,
    /// The trial `--attempts-log` writes (0 is the first).
    #[arg(long, value_name = "N", default_value_t = 0, requires = "attempts_log")]
    pub(crate) trial: u64,
    /// Run the scenario once per value: `workload.key=v1,v2,...` (TOML values;
    /// `scenario.budget=...` too: each run is then tested against its own budget).
    /// Given more than once, once per combination of values (a grid).
    #[arg(long, value_name = "WORKLOAD.KEY=V1,V2,...")]
    pub(crate) vary: Vec<String>,
    /// Rank the assumptions by how much they move p90: each parameter drawn per trial at its
    /// p10 and p90, each per-request assumption (tokens, turns, images, regenerations) ÷1.5 and
    /// ×1.5, from a base with every per-trial parameter at its median (a tornado chart in
    /// --out). Not with --vary.
    #[arg(long, conflicts_with = "vary")]
    pub(crate) sensitivity: bool,
    /// Run trials in batches until the p90's 95% interval is within ±P of the p90 (and, with a
    /// budget, the budget probability's within ±P): `0.5%` or `0.005`. The default when neither
    /// --trials nor the scenario's `trials` gives a count is 0.5%; this option makes a run
    /// adaptive even when the scenario gives `trials`. The report says how many trials ran and why
    /// they stopped; the result is the same for a seed and a precision on any thread count. Not
    /// with --sketch or --shard, which run a fixed count (20000 unless --trials or `trials`).
    #[arg(long, value_name = "P", conflicts_with_all = ["trials", "vary", "sketch", "shard"], value_parser = parse_precision)]
    pub(crate) precision: Option<f64>,
    /// The most trials an adaptive run takes (default 200000).
    #[arg(long, value_name = "N", conflicts_with_all = ["trials", "vary", "sketch", "shard"], value_parser = parse_max_trials)]
    pub(crate) max_trials: Option<u64>,
    /// Exit with code 3 when P(spend > budget) exceeds 10% (or --max-risk); with --vary, when it
    /// does in any run. Needs a budget (checked before simulating).
    #[arg(long)]
    pub(crate) fail_over_budget: bool,
    /// The largest acceptable P(spend > budget) for --fail-over-budget, between 0 and 1.
    #[arg(
        long,
        value_name = "P",
        default_value_t = 0.10,
        requires = "fail_over_budget",
        value_parser = parse_probability,
        allow_negative_numbers = true
    )]
    pub(crate) max_risk: f64,
    /// Keep mergeable quantile sketches instead of every trial, so memory does not grow with
    /// --trials (for 10^7–10^8 trials): percentiles within ±0.5% of the trial at their rank,
    /// means, min, max and P(spend > budget) exact; no trials.csv or trials.parquet, no test
    /// plan. Not with --vary or --sensitivity.
    #[arg(long, conflicts_with_all = ["vary", "sensitivity"])]
    pub(crate) sketch: bool,
    /// Compute only shard I of N (I from 0) of the run: a contiguous range of its trials,
    /// written with --out DIR as DIR/costintent.shard; `costintent merge` makes the single
    /// run's report from all N. For batch schedulers (deploy/slurm, deploy/kubernetes).
    #[arg(
        long,
        value_name = "I/N",
        value_parser = parse_shard,
        requires = "out",
        conflicts_with_all = ["vary", "sensitivity", "fail_over_budget", "attempts_log"]
    )]
    pub(crate) shard: Option<(u64, u64)>,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Shard folders written by `run --shard I/N --out DIR` (or their costintent.shard files):
    /// every shard of one run, in any order.
    #[arg(required = true, value_name = "SHARD")]
    pub(crate) shards: Vec<PathBuf>,
    /// Write the report folder to DIR (as `run --out` does), replaced whole or not at all.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = RunFormat::Table)]
    pub(crate) format: RunFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RunFormat {
    /// A readable table (colour on a terminal, never with NO_COLOR).
    Table,
    /// The JSON report of scenario-format v1.
    Json,
    /// The Markdown budget report.
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The scenario file.
    pub(crate) scenario: PathBuf,
    /// A price catalog file laid over the built-in one.
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Where to write the scenario (a new or regular file; links and devices are refused).
    #[arg(default_value = "scenario.toml")]
    pub(crate) path: PathBuf,
    /// What the starter scenario describes.
    #[arg(long, value_enum, default_value_t = Template::Agent)]
    pub(crate) template: Template,
    /// Overwrite an existing regular file (never a link, device, FIFO or folder).
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Template {
    /// A coding agent for a team, with prompt caching and compaction.
    Agent,
    /// An image generation feature.
    Image,
    /// A video generation product with failures and client timeouts.
    Video,
    /// A realtime voice bot.
    Voice,
    /// A nightly batch job at batch prices.
    Batch,
    /// Several features at once.
    Mixed,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    #[command(subcommand)]
    pub(crate) command: Option<CatalogCommand>,
    #[command(flatten)]
    pub(crate) list: ListArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CatalogCommand {
    /// List models and prices (the default).
    List(ListArgs),
    /// Show one model's prices, sources and rules.
    Show(ShowArgs),
    /// Import prices from another tool's price file.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only this provider (the part of the id before the first `/`).
    #[arg(long, value_name = "P")]
    pub(crate) provider: Option<String>,
    /// Only prices in this billing unit.
    #[arg(long, value_name = "U", value_parser = ["token", "cached_token", "credit", "second", "image", "video", "task"])]
    pub(crate) unit: Option<String>,
    /// Prices in effect on this day (YYYY-MM-DD; default today).
    #[arg(long, value_name = "D")]
    pub(crate) date: Option<String>,
    /// Also read this catalog file.
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub(crate) format: TextOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Model id, `provider/model`.
    pub(crate) model: String,
    /// Prices in effect on this day (default: the whole price history).
    #[arg(long, value_name = "D")]
    pub(crate) date: Option<String>,
    /// Also read this catalog file.
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub(crate) format: TextOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The price file's format.
    #[arg(value_enum)]
    pub(crate) source: ImportSource,
    /// The file to read (litellm: model_prices_and_context_window.json;
    /// genai-prices: its published data.json, prices/new_data/v2/data.json).
    pub(crate) file: PathBuf,
    /// The day the file was downloaded (YYYY-MM-DD; default today): the
    /// read date of its prices, which the staleness warning compares with.
    #[arg(long, value_name = "D")]
    pub(crate) read: Option<String>,
    /// Where to write the catalog (default: stdout). Use it with `--catalog FILE`.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Overwrite an existing output file.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportSource {
    /// LiteLLM's model_prices_and_context_window.json (no dates).
    Litellm,
    /// pydantic/genai-prices' data.json (dated price changes).
    GenaiPrices,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextOrJson {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// Two or more scenario files; the first is the baseline.
    #[arg(required = true, num_args = 2..)]
    pub(crate) scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) sim: SimArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = RunFormat::Table)]
    pub(crate) format: RunFormat,
    /// Write comparison.md, comparison.json and an overlay chart to DIR (replaced whole; it must
    /// be new, empty or an earlier report).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    /// The scenario file.
    pub(crate) scenario: PathBuf,
    #[command(flatten)]
    pub(crate) sim: SimArgs,
    /// Scale-up steps in percent of the scenario's volume.
    #[arg(long, value_name = "PCT,...", value_delimiter = ',', default_value = "1,10,100")]
    pub(crate) steps: Vec<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub(crate) format: TextOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct LimitsArgs {
    /// The scenario file.
    pub(crate) scenario: PathBuf,
    #[command(flatten)]
    pub(crate) sim: SimArgs,
    /// The probability that a normal day and a normal month pass their limits.
    #[arg(long, value_name = "P", default_value_t = 0.99, value_parser = parse_probability)]
    pub(crate) probability: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub(crate) format: TextOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct ReconcileArgs {
    /// The scenario file whose forecast the logs are set against.
    pub(crate) scenario: PathBuf,
    /// Log files, folders and billing exports (every format `logs summarize` reads).
    #[arg(required = true, value_name = "LOGS")]
    pub(crate) logs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) sim: SimArgs,
    /// The period's first day (YYYY-MM-DD; default: the first day the logs show).
    #[arg(long, value_name = "DATE")]
    pub(crate) from: Option<String>,
    /// Mid-period: count the logs through this day (YYYY-MM-DD, inclusive) and
    /// simulate the rest of the period.
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Budget for the period in USD (overrides the scenario's `budget`).
    #[arg(long, value_name = "USD", value_parser = parse_budget, allow_negative_numbers = true)]
    pub(crate) budget: Option<f64>,
    /// Exit with code 3 when over budget: after the period, when the actual
    /// spend exceeds it; with --as-of, when the projected P(spend > budget)
    /// exceeds 10% (or --max-risk). Needs a budget.
    #[arg(long)]
    pub(crate) fail_over_budget: bool,
    /// The largest acceptable projected P(spend > budget) for --fail-over-budget.
    #[arg(
        long,
        value_name = "P",
        default_value_t = 0.10,
        requires = "fail_over_budget",
        value_parser = parse_probability,
        allow_negative_numbers = true
    )]
    pub(crate) max_risk: f64,
    /// Read every log as this format instead of detecting it.
    #[arg(long, value_name = "F", value_parser = log_formats())]
    pub(crate) log_format: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub(crate) format: TextOrJson,
}

#[derive(Debug, Args)]
pub(crate) struct CalibrateArgs {
    /// Log files and folders.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// The scenario to calibrate.
    #[arg(long, value_name = "FILE")]
    pub(crate) scenario: PathBuf,
    /// Write the calibrated scenario to FILE and print the fits (default:
    /// the scenario on stdout, the fits on stderr).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Assign every record to this workload.
    #[arg(long, value_name = "NAME")]
    pub(crate) workload: Option<String>,
    /// Keep a key as written (its fit is still shown): `agent.sessions`, or
    /// `sessions` for every workload. Repeat for several, for example to keep
    /// the volume of a larger team than the pilot's.
    #[arg(long, value_name = "KEY")]
    pub(crate) keep: Vec<String>,
    #[command(flatten)]
    pub(crate) input: LogInputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    #[command(subcommand)]
    pub(crate) command: LogsCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LogsCommand {
    /// Requests, attempts, failures, retries, tokens and cost, by model and by day, session or workload.
    #[command(after_help = "Token convention: input_tokens INCLUDES cache reads and cache writes \
(cache_read_tokens and cache_write_tokens are the parts of it), and output_tokens includes \
reasoning. Cost is what the log says was billed where it has an amount (OpenRouter), else the \
catalog price at the request's day; both are shown where both exist. Models the catalog does \
not know are listed by name with their tokens and never priced at $0. Duplicate lines of one \
response (Claude Code snapshots, Gemini stream chunks) are merged; records of different sources \
are added up, so give one source per request (`logs review` compares two).

Formats (detected from the content; --log-format forces one):
  costintent, claude-code, codex, openai, openai-batch, openai-usage, openai-cost-csv, anthropic,
  anthropic-batch, anthropic-usage, anthropic-console-csv, gemini, openrouter, openrouter-csv

Folders are read recursively: every .jsonl, .ndjson, .json and .csv file in them.

Examples:
  costintent logs summarize ~/.claude/projects
  costintent logs summarize ~/.claude/projects --by day --format json
  costintent logs summarize activity.csv --catalog my-prices.toml")]
    Summarize(SummarizeArgs),
    /// The Budget Review card of one request (or job): tokens, attempts, catalog vs billed cost, and whether the logs match.
    #[command(
        after_help = "The id is matched against request ids, response ids, client request ids \
(custom_id), job ids and parent ids. When several sources mention the request (your application's \
log and the provider's export, say), the first one tells it and the others are compared with it, \
token class by token class; a billed amount is compared with the catalog price. The card ends \
with `logs matched` or every difference, in tokens and dollars.

Examples:
  costintent logs review req_011CQx ~/.claude/projects
  costintent logs review gen-1767225600-Ab3 app-log.jsonl openrouter_activity.csv --format markdown"
    )]
    Review(ReviewArgs),
}

/// Options every `logs` command shares.
#[derive(Debug, Args)]
pub(crate) struct LogInputArgs {
    /// Read every input as this log format instead of detecting it.
    #[arg(long, value_name = "F", value_parser = log_formats())]
    pub(crate) log_format: Option<String>,
    /// A price catalog file laid over the built-in one.
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// Prices for records that carry no time (YYYY-MM-DD; default today).
    #[arg(long, value_name = "D")]
    pub(crate) date: Option<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true, value_parser = parse_threads)]
    pub(crate) threads: usize,
    /// Do not print the reading speed on stderr.
    #[arg(long)]
    pub(crate) quiet: bool,
}

/// The names `--log-format` accepts: every importer's.
fn log_formats() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(costintent_logs::Format::ALL.map(|f| f.name()))
}

#[derive(Debug, Args)]
pub(crate) struct SummarizeArgs {
    /// Log files and folders.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Group by model only, or also by day, session or workload.
    #[arg(long, value_enum, default_value_t = LogsBy::Model)]
    pub(crate) by: LogsBy,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub(crate) format: TableOrJson,
    #[command(flatten)]
    pub(crate) input: LogInputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableOrJson {
    /// A readable table.
    Table,
    /// JSON (`costintent.logs-summary/v1`).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogsBy {
    /// By catalog model id.
    Model,
    /// By UTC day of the request.
    Day,
    /// By agent session or conversation.
    Session,
    /// By workload (costintent attempt logs), else by source kind.
    Workload,
}

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// A request id, response id, custom_id, job id or parent id.
    pub(crate) id: String,
    /// Log files and folders.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = CardFormat::Table)]
    pub(crate) format: CardFormat,
    #[command(flatten)]
    pub(crate) input: LogInputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CardFormat {
    /// The card as a readable table.
    Table,
    /// JSON (`costintent.logs-review/v1`).
    Json,
    /// Markdown, to paste into a ticket.
    Markdown,
}

/// `--threads`: a thread count of at most [`crate::commands::MAX_THREADS`]
/// (0 for every core).
fn parse_threads(text: &str) -> Result<usize, String> {
    let n: usize = text.trim().parse().map_err(|_| format!("`{text}` is not a whole number"))?;
    let max = crate::commands::MAX_THREADS;
    if n > max {
        return Err(format!(
            "{n} threads is more than the {max} supported (0 uses every core; results do not depend on it)"
        ));
    }
    Ok(n)
}

/// `--max-risk`: a probability in [0, 1].
fn parse_probability(text: &str) -> Result<f64, String> {
    let p: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number"))?;
    if !(0.0..=1.0).contains(&p) {
        return Err(format!("`{text}` is not a probability between 0 and 1 (write 5% as 0.05)"));
    }
    Ok(p)
}

/// `--budget`: USD, finite, not negative, at most the scenario format's
/// bound on amounts of money.
/// `--precision`: `0.5%` or `0.005`, between 0.01% and 10%. A bare
/// number of 0.1 or more is refused, as it is more likely a percentage
/// without its sign than a goal of ±10% or more.
fn parse_precision(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, percent) = match trimmed.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (trimmed, false),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a precision; write for example 0.5% or 0.005"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{text}` is not a positive precision; write for example 0.5%"));
    }
    if !percent && value >= 0.1 {
        return Err(format!(
            "`{text}` would ask for ±{}%; write {text}% for ±{text}%, or a fraction such as 0.005",
            value * 100.0
        ));
    }
    let fraction = if percent { value / 100.0 } else { value };
    if !(1e-4..=0.1).contains(&fraction) {
        return Err(format!(
            "`{text}` is outside 0.01% to 10%; for example 0.5% (the default) or 1%"
        ));
    }
    Ok(fraction)
}

/// `--max-trials`: at least the first batch of an adaptive run.
fn parse_max_trials(text: &str) -> Result<u64, String> {
    let n: u64 =
        text.trim().parse().map_err(|_| format!("`{text}` is not a whole number of trials"))?;
    let least = costintent_analysis::FIRST_BATCH;
    if n < least {
        return Err(format!(
            "an adaptive run takes at least {least} trials (its first batch); for fewer, pass --trials N"
        ));
    }
    Ok(n)
}

/// `I/N` of `--shard`: shard I (from 0) of N.
fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let help = "write I/N, shard I (from 0) of N shards, such as 0/4";
    let (i, n) = text.split_once('/').ok_or_else(|| format!("`{text}` is not I/N: {help}"))?;
    let i: u64 = i.trim().parse().map_err(|_| format!("`{i}` is not a shard index: {help}"))?;
    let n: u64 = n.trim().parse().map_err(|_| format!("`{n}` is not a shard count: {help}"))?;
    if n == 0 || i >= n {
        return Err(format!(
            "shard {i}/{n} does not exist: I counts from 0 and is below N ({help})"
        ));
    }
    Ok((i, n))
}

fn parse_budget(text: &str) -> Result<f64, String> {
    use costintent_scenario::limits;
    let usd: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number of USD"))?;
    if !(usd.is_finite() && usd >= 0.0) {
        return Err(format!("`{text}` is not a non-negative number of USD"));
    }
    if !limits::within(usd, limits::USD) {
        return Err(format!(
            "{} USD is above the sanity bound of {} USD ({})",
            limits::show(usd),
            limits::show(limits::USD.max),
            limits::USD.why
        ));
    }
    Ok(usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_are_bounded() {
        assert_eq!(parse_probability("0.1"), Ok(0.1));
        assert_eq!(parse_probability("0"), Ok(0.0));
        assert_eq!(parse_probability("1"), Ok(1.0));
        for bad in ["-0.1", "1.5", "NaN", "nan", "inf", "x"] {
            assert!(parse_probability(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_budget("6000"), Ok(6000.0));
        for bad in ["-1", "1e308", "inf", "NaN", "1e13"] {
            assert!(parse_budget(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_threads("0"), Ok(0));
        assert_eq!(parse_threads("1024"), Ok(1024));
        assert!(parse_threads("1025").is_err());
        assert!(parse_threads("100000").is_err());
    }
}
