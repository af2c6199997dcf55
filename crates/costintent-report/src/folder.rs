//! The files of a report folder (`run --out`, `compare --out`) as names and
//! bytes. Nothing here touches the file system: the CLI writes the files
//! where it decides, all or nothing.

use costintent_sim::Outcomes;

use crate::charts::{ChartError, ChartFormat};
use crate::compare::{Comparison, Run};
use crate::document::{ChartLinks, ChartSvgs};
use crate::error::ReportError;
use crate::json::pretty;
use crate::report::Report;
use crate::report_charts::ReportCharts;

/// One file of a report folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    /// The file name inside the folder (`report.md`).
    pub name: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

impl ReportFile {
    fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self { name: name.into(), bytes: bytes.into() }
    }
}

impl From<ChartError> for ReportError {
    fn from(error: ChartError) -> Self {
        Self::Chart(error)
    }
}

impl Report {
    /// Every file of the report folder: the charts as SVG and PNG
    /// (`histogram`, `exceedance`, `breakdown`, and `tornado` with the
    /// sensitivity ranking), `sensitivity.md` when there is a ranking,
    /// `report.md`, `report.html`, `summary.json`, `trials.csv`, and
    /// `trials.parquet` when built with the `parquet` feature. `outcomes`
    /// must be the ones the report was built from.
    pub fn files(&self, outcomes: &Outcomes) -> Result<Vec<ReportFile>, ReportError> {
        let mut files = self.files_with(&self.charts(outcomes)?)?;
        files.push(ReportFile::new("trials.csv", crate::trials_csv(outcomes)));
        #[cfg(feature = "parquet")]
        files.push(ReportFile::new("trials.parquet", crate::trials_parquet(outcomes)?));
        Ok(files)
    }

    /// The files of a report built from sketches (`--sketch`): those of
    /// [`Report::files`] but trials.csv and trials.parquet, as no trial was
    /// kept.
    pub fn files_sketched(
        &self,
        outcomes: &crate::SketchedOutcomes,
    ) -> Result<Vec<ReportFile>, ReportError> {
        self.files_with(&self.charts_sketched(outcomes)?)
    }

    fn files_with(&self, charts: &ReportCharts) -> Result<Vec<ReportFile>, ReportError> {
        let mut files = Vec::new();
        for format in [ChartFormat::Svg, ChartFormat::Png] {
            for (name, bytes) in charts.files(format) {
                files.push(ReportFile::new(name, bytes));
            }
        }
        let mut links = ReportCharts::links(ChartFormat::Svg);
        let mut svgs: ChartSvgs = charts.svgs();
        if let Some(sensitivity) = &self.sensitivity {
            if let Some(chart) = sensitivity.chart()? {
                files.push(ReportFile::new("tornado.svg", chart.svg.as_bytes()));
                files.push(ReportFile::new("tornado.png", chart.png));
                links.tornado = Some("tornado.svg".into());
                svgs.tornado = Some(chart.svg);
            }
            files.push(ReportFile::new("sensitivity.md", sensitivity.render_markdown()));
        }
        files.push(ReportFile::new("report.md", self.render_markdown(&links)));
        files.push(ReportFile::new("report.html", self.render_html(&svgs)));
        files.push(ReportFile::new("summary.json", pretty(&self.to_json())));
        Ok(files)
    }
}

impl Comparison {
    /// The chart links of a comparison folder, for the Markdown printed
    /// next to it.
    pub fn folder_links() -> ChartLinks {
        ChartLinks {
            distributions: Some(format!("distributions.{}", ChartFormat::Svg.extension())),
            ..ChartLinks::default()
        }
    }

    /// Every file of a comparison folder: the overlaid distributions as
    /// SVG and PNG, `comparison.md`, `comparison.html` and
    /// `comparison.json`. `runs` are the runs the comparison was built from,
    /// in the same order.
    pub fn files(&self, runs: &[Run<'_>]) -> Result<Vec<ReportFile>, ReportError> {
        let chart = self.distributions_chart(runs)?;
        let svgs = ChartSvgs { distributions: Some(chart.svg.clone()), ..ChartSvgs::default() };
        Ok(vec![
            ReportFile::new("distributions.svg", chart.svg.as_bytes()),
            ReportFile::new("distributions.png", chart.png),
            ReportFile::new("comparison.md", self.render_markdown(&Self::folder_links())),
            ReportFile::new("comparison.html", self.render_html(&svgs)),
            ReportFile::new("comparison.json", pretty(&self.to_json())),
        ])
    }
}
