//! Reading many inputs fast, in bounded memory, in a deterministic order.
//!
//! Each input is opened once and its first 64 KiB decide the format (unless
//! one is forced). Line formats (JSONL) are cut into chunks of about 4 MiB
//! at newline boundaries; chunks of one big file and of many small files
//! alike are gathered into batches of about `2 × threads` chunks, parsed in
//! parallel with rayon, and handed to the consumer strictly in input and
//! line order, while the next batch is being parsed. CSV files and
//! whole-JSON documents are one unit each (parsed by one worker). Memory is
//! therefore two batches plus what the consumer keeps, whatever the file
//! sizes; a single line longer than 64 MiB is skipped with that reason
//! instead of being buffered.

use std::collections::BTreeMap;
use std::io::{self, Read};

use rayon::prelude::*;
use serde_json::Value;

use crate::formats::codex::{Assembled, Assembler};
use crate::formats::{
    self, Collector, Format, Keyed, LineCtx, LineOut, Reason, anthropic, openrouter,
};
use crate::record::Bucket;

/// Opens an input for reading.
pub type Opener = Box<dyn Fn() -> io::Result<Box<dyn Read + Send>> + Send + Sync>;

/// One log file (or stream) to import. The CLI makes these from paths; the
/// library itself never touches the file system.
pub struct Input {
    /// The name used in messages and in `src.file` (the path as given).
    pub name: String,
    /// Opens the input (called once).
    pub open: Opener,
    /// Whether the user named this input (an unrecognized format is then an
    /// error) or it was found in a folder (it is then counted and skipped).
    pub explicit: bool,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input").field("name", &self.name).field("explicit", &self.explicit).finish()
    }
}

impl Input {
    /// An input over bytes in memory (tests, stdin).
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Self {
        let bytes = std::sync::Arc::new(bytes);
        Self {
            name: name.to_owned(),
            open: Box::new(move || {
                Ok(Box::new(io::Cursor::new(bytes.as_ref().clone())) as Box<dyn Read + Send>)
            }),
            explicit: true,
        }
    }
}

/// How to import.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Read every input as this format instead of detecting it.
    pub format: Option<Format>,
}

/// A line or file that was not used, counted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// Why.
    pub reason: String,
    /// How many.
    pub count: u64,
    /// The first place it happened: `file:line`.
    pub first: String,
}

/// What one input gave.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileStats {
    /// The input's name.
    pub file: String,
    /// The format it was read as (`None`: empty or not recognized).
    pub format: Option<String>,
    /// Bytes read.
    pub bytes: u64,
    /// Lines (or CSV rows, or document elements) read.
    pub lines: u64,
    /// Records it gave (attempts and buckets, before deduplication).
    pub records: u64,
}

/// Counts of everything read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// Per input, in the order given.
    pub files: Vec<FileStats>,
    /// Lines that could not be used, by reason, sorted by reason.
    pub skipped: Vec<Skipped>,
    /// Lines without usage by design (user lines of a transcript, stream
    /// chunks before the last), by reason.
    pub ignored: Vec<(String, u64)>,
}

impl ImportStats {
    /// Bytes read in all.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }

    /// Lines read in all.
    pub fn lines(&self) -> u64 {
        self.files.iter().map(|f| f.lines).sum()
    }

    /// Lines skipped in all.
    pub fn skipped_lines(&self) -> u64 {
        self.skipped.iter().map(|s| s.count).sum()
    }
}

/// Why an import could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// An input could not be read.
    Io {
        /// The input.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A named input is not in any known format (or not in the forced one).
    Unrecognized {
        /// `file:line` of the first line looked at.
        location: String,
        /// What was found.
        message: String,
        /// What to do.
        help: String,
    },
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { file, message } => write!(f, "cannot read {file}: {message}"),
            Self::Unrecognized { location, message, .. } => write!(f, "{location}: {message}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// What a consumer receives, in input and line order.
pub(crate) trait Sink: Send {
    /// An attempt with its dedup key; `position` increases with input order.
    fn attempt(&mut self, keyed: Keyed, position: u64);
    /// A billing-export row.
    fn bucket(&mut self, bucket: Bucket);
}

const CHUNK_BYTES: usize = 1 << 20;
const HEAD_BYTES: usize = 64 << 10;
const MAX_LINE: usize = 64 << 20;
const MAX_DOCUMENT: u64 = 256 << 20;

/// A piece of work for one worker.
enum Unit {
    Lines {
        input: u32,
        format: Format,
        first_line: u64,
        bytes: Vec<u8>,
        unterminated: bool,
    },
    Csv {
        input: u32,
        format: Format,
        reader: Box<dyn Read + Send>,
        explicit: bool,
    },
    Document {
        input: u32,
        format: Option<Format>,
        reader: Box<dyn Read + Send>,
        explicit: bool,
    },
    /// A whole file not read (empty, or of no known format in a folder).
    FileNote {
        input: u32,
        reason: &'static str,
        bytes: u64,
    },
    /// Lines counted by the reader itself (over-long lines).
    Note {
        input: u32,
        line: u64,
        reason: &'static str,
    },
}

impl Unit {
    fn size(&self) -> usize {
        match self {
            Self::Lines { bytes, .. } => bytes.len(),
            _ => CHUNK_BYTES,
        }
    }
}

/// What a worker made of a unit.
struct Done {
    input: u32,
    bytes: u64,
    collector: Collector,
    /// The format a document turned out to be in.
    format: Option<Format>,
    /// An error that stops the import (a named document in no known format).
    fatal: Option<ImportError>,
}

/// Reads every input and feeds `sink` in order: while one batch is parsed
/// on the pool, the previous one is consumed and the next one read.
pub(crate) fn run(
    inputs: &[Input],
    options: &ImportOptions,
    sink: &mut dyn Sink,
) -> Result<ImportStats, ImportError> {
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let mut consumer = Consumer::new(&names);
    // Many small units per batch let idle workers steal work, so one
    // descheduled worker does not hold up the batch.
    let target = (8 * rayon::current_num_threads()).max(8) * CHUNK_BYTES;
    let mut reader = BatchReader { inputs, format: options.format, next: 0, chunker: None, target };
    let mut current = reader.next_batch()?;
    let mut pending: Vec<Done> = Vec::new();
    while !(current.is_empty() && pending.is_empty()) {
        let units = std::mem::take(&mut current);
        let previous = std::mem::take(&mut pending);
        let (done, (consumed, next)) = rayon::join(
            || units.into_par_iter().map(|u| work(u, &names)).collect::<Vec<Done>>(),
            || {
                let consumed = consumer.consume(previous, sink);
                let next = if consumed.is_ok() { reader.next_batch() } else { Ok(Vec::new()) };
                (consumed, next)
            },
        );
        consumed?;
        current = next?;
        pending = done;
    }
    Ok(consumer.finish())
}

/// Opens inputs in order, decides their format and cuts them into units.
struct BatchReader<'a> {
    inputs: &'a [Input],
    format: Option<Format>,
    next: usize,
    chunker: Option<(Chunker, usize)>,
    target: usize,
}

impl BatchReader<'_> {
    /// The next units, about `target` bytes; empty at the end.
    fn next_batch(&mut self) -> Result<Vec<Unit>, ImportError> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while bytes < self.target {
            if let Some((chunker, index)) = &mut self.chunker {
                let file = &self.inputs[*index].name;
                match chunker
                    .next_unit()
                    .map_err(|message| ImportError::Io { file: file.clone(), message })?
                {
                    Some(unit) => {
                        bytes += unit.size();
                        batch.push(unit);
                        continue;
                    }
                    None => self.chunker = None,
                }
            }
            let Some(input) = self.inputs.get(self.next) else { break };
            let index = self.next;
            self.next += 1;
            let unit = self.open(input, index)?;
            if let Some(unit) = unit {
                bytes += unit.size();
                batch.push(unit);
            }
        }
        Ok(batch)
    }

    /// Opens one input: a unit for a whole-file format or a file-level
    /// note, or `None` after setting up the chunker of a line format.
    fn open(&mut self, input: &Input, index: usize) -> Result<Option<Unit>, ImportError> {
        let input_no = index as u32;
        let mut reader = (input.open)()
            .map_err(|e| ImportError::Io { file: input.name.clone(), message: e.to_string() })?;
        let head = read_head(&mut reader, &input.name)?;
        let Some(first_non_space) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
            return Ok(Some(Unit::FileNote {
                input: input_no,
                reason: "empty file",
                bytes: head.len() as u64,
            }));
        };
        let mode = match decide(&head[first_non_space..], self.format, &input.name) {
            Ok(mode) => mode,
            Err(err) if input.explicit => return Err(err),
            Err(_) => {
                return Ok(Some(Unit::FileNote {
                    input: input_no,
                    reason: "file in no known log format (found in a folder)",
                    bytes: 0,
                }));
            }
        };
        let reader: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(reader));
        Ok(match mode {
            Mode::Lines(format) => {
                self.chunker = Some((Chunker::new(reader, input_no, format), index));
                None
            }
            Mode::Csv(format) => {
                Some(Unit::Csv { input: input_no, format, reader, explicit: input.explicit })
            }
            Mode::Document(format) => {
                Some(Unit::Document { input: input_no, format, reader, explicit: input.explicit })
            }
        })
    }
}

enum Mode {
    Lines(Format),
    Csv(Format),
    Document(Option<Format>),
}

fn read_head(reader: &mut Box<dyn Read + Send>, name: &str) -> Result<Vec<u8>, ImportError> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    reader
        .by_ref()
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| ImportError::Io { file: name.to_owned(), message: e.to_string() })?;
    Ok(head)
}

/// Decides how to read an input from its first bytes.
fn decide(head: &[u8], forced: Option<Format>, name: &str) -> Result<Mode, ImportError> {
    let lines: Vec<&[u8]> = head
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(20)
        .collect();
    let first = lines.first().copied().unwrap_or(head);
    if let Some(format) = forced {
        if format.is_csv() {
            return Ok(Mode::Csv(format));
        }
        let whole_line = serde_json::from_slice::<Value>(first).is_ok();
        return Ok(if first.first() == Some(&b'[') || !whole_line {
            Mode::Document(Some(format))
        } else {
            Mode::Lines(format)
        });
    }
    match first.first() {
        Some(b'{') if serde_json::from_slice::<Value>(first).is_ok() => {
            // One object per line: the first line that says which format wins.
            for line in &lines {
                if let Ok(value) = serde_json::from_slice::<Value>(line)
                    && let Some(format) = formats::detect_json(&value)
                {
                    return Ok(Mode::Lines(format));
                }
            }
            Err(unrecognized(name, "JSON lines in no known log format"))
        }
        // Not one object per line: a JSON document (a pretty-printed Usage
        // API page); its format is decided once it is read.
        Some(b'{') => Ok(Mode::Document(None)),
        Some(b'[') => Ok(Mode::Document(None)),
        _ => {
            let header = String::from_utf8_lossy(first);
            match formats::detect_csv_header(&header) {
                Some(format) => Ok(Mode::Csv(format)),
                None => Err(unrecognized(name, "neither JSON lines nor a known CSV export")),
            }
        }
    }
}

fn unrecognized(name: &str, what: &str) -> ImportError {
    let formats: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    ImportError::Unrecognized {
        location: format!("{name}:1"),
        message: format!("{what}; cannot tell which log format this is"),
        help: format!("name the format ({})", formats.join(", ")),
    }
}

/// Cuts a reader into line-aligned chunks.
struct Chunker {
    reader: Box<dyn Read + Send>,
    input: u32,
    format: Format,
    carry: Vec<u8>,
    next_line: u64,
    eof: bool,
    /// Skipping the rest of an over-long line.
    discarding: bool,
}

impl Chunker {
    fn new(reader: Box<dyn Read + Send>, input: u32, format: Format) -> Self {
        Self {
            reader,
            input,
            format,
            carry: Vec::new(),
            next_line: 1,
            eof: false,
            discarding: false,
        }
    }

    fn next_unit(&mut self) -> Result<Option<Unit>, String> {
        loop {
            if self.eof && self.carry.is_empty() {
                return Ok(None);
            }
            let mut buf = std::mem::take(&mut self.carry);
            let start = buf.len();
            buf.resize(start + CHUNK_BYTES, 0);
            let mut filled = start;
            while filled < buf.len() {
                match self.reader.read(&mut buf[filled..]) {
                    Ok(0) => {
                        self.eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
            buf.truncate(filled);
            if self.discarding {
                match memchr::memchr(b'\n', &buf) {
                    Some(end) => {
                        self.discarding = false;
                        self.next_line += 1;
                        self.carry = buf.split_off(end + 1);
                    }
                    None => self.carry.clear(),
                }
                continue;
            }
            if self.eof {
                // Everything that is left; the last line may be unterminated.
                if buf.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(self.lines(buf, true)));
            }
            match memchr::memrchr(b'\n', &buf) {
                Some(last) => {
                    self.carry = buf.split_off(last + 1);
                    return Ok(Some(self.lines(buf, false)));
                }
                None if buf.len() > MAX_LINE => {
                    let line = self.next_line;
                    self.discarding = true;
                    return Ok(Some(Unit::Note {
                        input: self.input,
                        line,
                        reason: "line longer than 64 MiB",
                    }));
                }
                None => self.carry = buf,
            }
        }
    }

    fn lines(&mut self, bytes: Vec<u8>, last: bool) -> Unit {
        let first_line = self.next_line;
        self.next_line += memchr::memchr_iter(b'\n', &bytes).count() as u64;
        let unterminated = last && bytes.last().is_some_and(|b| *b != b'\n');
        Unit::Lines { input: self.input, format: self.format, first_line, bytes, unterminated }
    }
}

/// Parses one unit.
fn work(unit: Unit, names: &[&str]) -> Done {
    match unit {
        Unit::Lines { input, format, first_line, bytes, unterminated } => {
            let mut collector = Collector::default();
            let file = names[input as usize];
            let mut line_no = first_line;
            let mut rest: &[u8] = &bytes;
            while !rest.is_empty() {
                let (line, next) = match memchr::memchr(b'\n', rest) {
                    Some(i) => (&rest[..i], &rest[i + 1..]),
                    None => (rest, &rest[rest.len()..]),
                };
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if !line.iter().all(u8::is_ascii_whitespace) {
                    collector.lines += 1;
                    let ctx = LineCtx {
                        file,
                        line: line_no,
                        unterminated: unterminated && next.is_empty(),
                    };
                    formats::parse_line(format, line, &ctx, &mut collector);
                }
                rest = next;
                line_no += 1;
            }
            Done { input, bytes: bytes.len() as u64, collector, format: Some(format), fatal: None }
        }
        Unit::FileNote { input, reason, bytes } => {
            let mut collector = Collector::default();
            // Line 0 stands for the whole file.
            let ctx = LineCtx { file: names[input as usize], line: 0, unterminated: false };
            collector.skip(&ctx, reason);
            Done { input, bytes, collector, format: None, fatal: None }
        }
        Unit::Note { input, line, reason } => {
            let mut collector = Collector::default();
            let ctx = LineCtx { file: names[input as usize], line, unterminated: false };
            collector.lines += 1;
            collector.skip(&ctx, reason);
            Done { input, bytes: 0, collector, format: None, fatal: None }
        }
        Unit::Csv { input, format, reader, explicit } => {
            let mut collector = Collector::default();
            let file = names[input as usize];
            match read_csv(format, reader, file, &mut collector) {
                Ok(bytes) => Done { input, bytes, collector, format: Some(format), fatal: None },
                Err(err) => not_read(input, file, err, explicit),
            }
        }
        Unit::Document { input, format, reader, explicit } => {
            let mut collector = Collector::default();
            let file = names[input as usize];
            match read_document(format, reader, file, &mut collector) {
                Ok((format, bytes)) => {
                    Done { input, bytes, collector, format: Some(format), fatal: None }
                }
                Err(err) => not_read(input, file, err, explicit),
            }
        }
    }
}

/// A whole-file unit that could not be read as any format: an error for a
/// file the user named, a counted skip for one found in a folder.
fn not_read(input: u32, file: &str, err: ImportError, explicit: bool) -> Done {
    let mut collector = Collector::default();
    let fatal = match err {
        ImportError::Unrecognized { .. } if !explicit => {
            let ctx = LineCtx { file, line: 0, unterminated: false };
            collector.skip(&ctx, "file in no known log format (found in a folder)");
            None
        }
        err => Some(err),
    };
    Done { input, bytes: 0, collector, format: None, fatal }
}

fn read_csv(
    format: Format,
    reader: Box<dyn Read + Send>,
    file: &str,
    out: &mut Collector,
) -> Result<u64, ImportError> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let header = csv
        .headers()
        .map_err(|e| ImportError::Io { file: file.to_owned(), message: e.to_string() })?
        .clone();
    enum Columns {
        Openrouter(openrouter::ActivityColumns),
        Console(anthropic::ConsoleColumns),
        OpenaiCost(openrouter::OpenaiCostColumns),
    }
    let columns = match format {
        Format::OpenrouterCsv => openrouter::ActivityColumns::new(&header).map(Columns::Openrouter),
        Format::AnthropicConsoleCsv => {
            anthropic::ConsoleColumns::new(&header).map(Columns::Console)
        }
        _ => openrouter::OpenaiCostColumns::new(&header).map(Columns::OpenaiCost),
    }
    .map_err(|message| ImportError::Unrecognized {
        location: format!("{file}:1"),
        message: format!("{message} (reading it as {format})"),
        help: "check the export's header, or name another format".to_owned(),
    })?;
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line() + 1;
        let ctx = LineCtx { file, line, unterminated: false };
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.lines += 1;
                let reason: Reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "not UTF-8".into(),
                    csv::ErrorKind::Io(err) => {
                        return Err(ImportError::Io {
                            file: file.to_owned(),
                            message: err.to_string(),
                        });
                    }
                    _ => format!("{format}: malformed CSV row").into(),
                };
                out.skip(&ctx, reason);
                continue;
            }
        }
        out.lines += 1;
        let line = record.position().map_or(line, |p| p.line());
        let ctx = LineCtx { line, ..ctx };
        match &columns {
            Columns::Openrouter(c) => match c.row(&record) {
                Ok(attempt) => out.attempt(&ctx, Keyed::plain(attempt)),
                Err(reason) => out.skip(&ctx, reason),
            },
            Columns::Console(c) => match c.row(&record) {
                Ok(bucket) => out.bucket(&ctx, bucket),
                Err(reason) => out.skip(&ctx, reason),
            },
            Columns::OpenaiCost(c) => match c.row(&record) {
                Ok(Some(bucket)) => out.bucket(&ctx, bucket),
                Ok(None) => {
                    out.ignore("openai-cost-csv: row without an amount (no charge that day)")
                }
                Err(reason) => out.skip(&ctx, reason),
            },
        }
    }
    Ok(csv.position().byte())
}

fn read_document(
    forced: Option<Format>,
    reader: Box<dyn Read + Send>,
    file: &str,
    out: &mut Collector,
) -> Result<(Format, u64), ImportError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::Io { file: file.to_owned(), message: e.to_string() })?;
    if bytes.len() as u64 > MAX_DOCUMENT {
        return Err(ImportError::Unrecognized {
            location: format!("{file}:1"),
            message: "a single JSON document larger than 256 MiB".to_owned(),
            help: "write one JSON object per line (JSONL); costintent streams those at any size"
                .to_owned(),
        });
    }
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            let reason = if std::str::from_utf8(&bytes).is_err() {
                "not UTF-8".to_owned()
            } else {
                format!("invalid JSON: {}", e.to_string().split(" at line ").next().unwrap_or(""))
            };
            return Err(ImportError::Unrecognized {
                location: format!("{file}:{}:{}", e.line(), e.column()),
                message: reason,
                help:
                    "a log is JSON lines (one object per line), one JSON document, or a CSV export"
                        .to_owned(),
            });
        }
    };
    let elements: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let format = match forced.or_else(|| elements.iter().find_map(|v| formats::detect_json(v))) {
        Some(f) => f,
        None => return Err(unrecognized(file, "a JSON document in no known log format")),
    };
    for (i, element) in elements.iter().enumerate() {
        out.lines += 1;
        let ctx = LineCtx { file, line: i as u64 + 1, unterminated: false };
        formats::parse_value(format, element, &ctx, out);
    }
    Ok((format, bytes.len() as u64))
}

/// Merges workers' results in order, runs the stateful passes and counts.
struct Consumer<'a> {
    names: &'a [&'a str],
    stats: ImportStats,
    skipped: BTreeMap<String, (u64, String)>,
    ignored: BTreeMap<String, u64>,
    position: u64,
    codex: Option<(u32, Assembler)>,
}

impl<'a> Consumer<'a> {
    fn new(names: &'a [&'a str]) -> Self {
        let files = names
            .iter()
            .map(|n| FileStats {
                file: (*n).to_owned(),
                format: None,
                bytes: 0,
                lines: 0,
                records: 0,
            })
            .collect();
        Self {
            names,
            stats: ImportStats { files, ..ImportStats::default() },
            skipped: BTreeMap::new(),
            ignored: BTreeMap::new(),
            position: 0,
            codex: None,
        }
    }

    fn consume(&mut self, done: Vec<Done>, sink: &mut dyn Sink) -> Result<(), ImportError> {
        for d in done {
            if let Some(err) = d.fatal {
                return Err(err);
            }
            let input = d.input;
            let i = input as usize;
            if let Some(format) = d.format {
                self.stats.files[i].format = Some(format.name().to_owned());
            }
            self.stats.files[i].lines += d.collector.lines;
            self.stats.files[i].bytes += d.bytes;
            for (reason, count, line) in d.collector.skipped {
                let name = self.names[i];
                let entry = self.skipped.entry(reason.into_owned()).or_insert_with(|| {
                    (0, if line == 0 { name.to_owned() } else { format!("{name}:{line}") })
                });
                entry.0 += count;
            }
            for (reason, count) in d.collector.ignored {
                *self.ignored.entry(reason.into_owned()).or_default() += count;
            }
            for (line, item) in d.collector.items {
                match item {
                    LineOut::Attempt(keyed) => {
                        self.stats.files[i].records += 1;
                        self.position += 1;
                        sink.attempt(*keyed, self.position);
                    }
                    LineOut::Bucket(bucket) => {
                        self.stats.files[i].records += 1;
                        sink.bucket(*bucket);
                    }
                    LineOut::Codex(event) => {
                        if self.codex.as_ref().is_none_or(|(owner, _)| *owner != input) {
                            self.codex = Some((input, Assembler::default()));
                        }
                        let Some((_, assembler)) = self.codex.as_mut() else { continue };
                        match assembler.feed(*event) {
                            Assembled::Attempt(mut attempt) => {
                                attempt.src.file = Some(self.names[i].to_owned());
                                attempt.src.line = Some(line);
                                self.stats.files[i].records += 1;
                                self.position += 1;
                                sink.attempt(Keyed::plain(*attempt), self.position);
                            }
                            Assembled::Nothing => {}
                            Assembled::Ignored(reason) => {
                                *self.ignored.entry(reason.into_owned()).or_default() += 1;
                            }
                            Assembled::Skipped(reason) => {
                                let entry = self
                                    .skipped
                                    .entry(reason.into_owned())
                                    .or_insert_with(|| (0, format!("{}:{line}", self.names[i])));
                                entry.0 += 1;
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> ImportStats {
        self.stats.skipped = self
            .skipped
            .into_iter()
            .map(|(reason, (count, first))| Skipped { reason, count, first })
            .collect();
        self.stats.ignored = self.ignored.into_iter().collect();
        self.stats
    }
}
