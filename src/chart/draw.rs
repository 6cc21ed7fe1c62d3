//! The brief's charts, drawn with plotters: the relative performance of the pair the headline
//! compares, with the start of the current move marked, and the compared indexes' returns over
//! several windows. Each is written as PNG (for email) and SVG (beside the Markdown and in the
//! page). Text uses the DejaVu Sans font shipped in `assets/fonts`, so nothing depends on the
//! machine's fonts.

use std::path::Path;
use std::sync::Once;

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// Chart size in pixels: fits a 640-pixel email column.
pub const SIZE: (u32, u32) = (600, 300);

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const INK: RGBColor = RGBColor(33, 37, 41);
const LINE: RGBColor = RGBColor(31, 119, 180);
const MARK: RGBColor = RGBColor(214, 39, 40);
const BARS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

fn font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is shipped with the program: it parses.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// The relative line: `a` over `b`, 100 at the first date.
#[derive(Debug, Clone)]
pub struct Relative {
    /// Chart title.
    pub title: String,
    /// Dates and the ratio, rebased to 100.
    pub points: Vec<(NaiveDate, f64)>,
    /// The start of the current move: the ratio's low of the last three months.
    pub start: Option<NaiveDate>,
    /// That start as the run's locale writes a day ("Jul 5", "5 Jul").
    pub start_label: String,
    /// The chart's point in words, for readers who cannot see it (SVG `<desc>`, image alt).
    pub alt: String,
}

/// Returns of several indexes over several windows.
#[derive(Debug, Clone)]
pub struct Returns {
    /// Chart title.
    pub title: String,
    /// Window labels (`1 day`, `1 week`, ...).
    pub windows: Vec<String>,
    /// Per index: its name and one return per window (percent).
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// The chart's point in words, for readers who cannot see it (SVG `<desc>`, image alt).
    pub alt: String,
}

/// The dates of `points` that open a month (each month's first session after the first
/// date), every other one when more than eight would crowd the axis.
pub fn month_ticks(points: &[(NaiveDate, f64)]) -> Vec<NaiveDate> {
    use chrono::Datelike;
    let firsts: Vec<NaiveDate> = (points.windows(2))
        .filter(|w| w[0].0.month() != w[1].0.month())
        .map(|w| w[1].0)
        .collect();
    let step = if firsts.len() > 8 { 2 } else { 1 };
    firsts.into_iter().step_by(step).collect()
}

/// A month tick's label: the month, with its year on the first tick and on January.
pub fn month_label(d: NaiveDate, first: Option<NaiveDate>) -> String {
    use chrono::Datelike;
    if Some(d) == first || d.month() == 1 {
        d.format("%b %Y").to_string()
    } else {
        d.format("%b").to_string()
    }
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_relative<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Relative) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (Some(first), Some(last)) = (c.points.first(), c.points.last()) else {
        return Ok(());
    };
    let lo = c.points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = c
        .points
        .iter()
        .map(|p| p.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.12).max(0.5);
    let ticks = month_ticks(&c.points);
    let first_tick = ticks.first().copied();
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, ("sans-serif", 16).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(
            (first.0..last.0).with_key_points(ticks),
            (lo - pad)..(hi + pad),
        )?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .y_labels(5)
        .x_label_formatter(&|d: &NaiveDate| month_label(*d, first_tick))
        .label_style(("sans-serif", 12).into_font().color(&INK))
        .draw()?;
    chart.draw_series(LineSeries::new(
        c.points.iter().copied(),
        LINE.stroke_width(2),
    ))?;
    if let Some(start) = c.start {
        let style = MARK.stroke_width(1);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(start, lo - pad), (start, hi + pad)],
            style,
        )))?;
        if let Some(p) = c.points.iter().find(|p| p.0 == start) {
            chart.draw_series(std::iter::once(Circle::new(*p, 4, MARK.filled())))?;
            // The note sits at the top left, clear of the line's end.
            chart.draw_series(std::iter::once(Text::new(
                format!("red line: the move began {}", c.start_label),
                (first.0, hi + pad * 0.7),
                ("sans-serif", 12).into_font().color(&MARK),
            )))?;
        }
    }
    root.present()
}

fn draw_returns<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Returns) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let values = c.series.iter().flat_map(|s| s.1.iter().flatten().copied());
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
    let pad = ((hi - lo) * 0.1).max(0.5);
    // Room above the bars for the legend.
    let top = hi + (hi - lo) * 0.45 + pad;
    let groups = c.windows.len().max(1);
    let n = c.series.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(&c.title, ("sans-serif", 16).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..groups as f64, (lo - pad)..top)?;
    let windows = c.windows.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(groups * 2 + 1)
        .x_label_formatter(&|x: &f64| {
            let k = x - 0.5;
            if (k - k.round()).abs() < 1e-6 && k >= 0.0 {
                windows.get(k.round() as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y: &f64| format!("{y:.0}%"))
        .label_style(("sans-serif", 12).into_font().color(&INK))
        .draw()?;
    let width = 0.8 / n as f64;
    for (i, (name, vals)) in c.series.iter().enumerate() {
        let color = BARS[i % BARS.len()];
        let bars = vals.iter().enumerate().filter_map(|(g, v)| {
            let x0 = g as f64 + 0.1 + width * i as f64;
            v.map(|v| Rectangle::new([(x0, 0.0), (x0 + width * 0.9, v)], color.filled()))
        });
        chart
            .draw_series(bars)?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(INK)
        .label_font(("sans-serif", 12).into_font().color(&INK))
        .draw()?;
    root.present()
}

/// A chart that draws itself on any plotters backend.
trait Chart {
    /// The file stem (`chart-relative`).
    const STEM: &'static str;
    /// Draws on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB>;
    /// Its title.
    fn title(&self) -> &str;
    /// Its point in words.
    fn alt(&self) -> &str;
}

impl Chart for Relative {
    const STEM: &'static str = "chart-relative";
    fn title(&self) -> &str {
        &self.title
    }
    fn alt(&self) -> &str {
        &self.alt
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw_relative(root, self)
    }
}

impl Chart for Returns {
    const STEM: &'static str = "chart-returns";
    fn title(&self) -> &str {
        &self.title
    }
    fn alt(&self) -> &str {
        &self.alt
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        draw_returns(root, self)
    }
}

/// `chart` as SVG text, its title and point first (`<title>`, `<desc>`), for screen readers.
fn svg_of<C: Chart>(chart: &C) -> Result<String, String> {
    font();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        chart
            .draw(&root)
            .map_err(|e| format!("drawing {}: {e}", C::STEM))?;
    }
    let open = text
        .find("<svg")
        .and_then(|i| text[i..].find('>').map(|j| i + j + 1));
    let Some(open) = open else {
        return Err(format!("drawing {}: no <svg> element", C::STEM));
    };
    let words = format!(
        "\n<title>{}</title>\n<desc>{}</desc>",
        crate::output::escape_html(chart.title()),
        crate::output::escape_html(chart.alt())
    );
    text.insert_str(open, &words);
    Ok(text.replacen("<svg ", "<svg role=\"img\" ", 1))
}

/// The relative chart as SVG text.
pub fn relative_svg(chart: &Relative) -> Result<String, String> {
    svg_of(chart)
}

/// The returns chart as SVG text.
pub fn returns_svg(chart: &Returns) -> Result<String, String> {
    svg_of(chart)
}

/// Writes `chart` as `<stem>.png` and `<stem>.svg` in `dir`; returns the file names.
fn write_one<C: Chart>(dir: &Path, chart: &C) -> Result<[String; 2], String> {
    let fail = |e: String| format!("drawing {}: {e}", C::STEM);
    let png = format!("{}.png", C::STEM);
    let png_path = dir.join(&png);
    {
        let root = BitMapBackend::new(&png_path, SIZE).into_drawing_area();
        chart.draw(&root).map_err(|e| fail(e.to_string()))?;
    }
    let text = svg_of(chart)?;
    let svg = format!("{}.svg", C::STEM);
    std::fs::write(dir.join(&svg), text).map_err(|e| fail(e.to_string()))?;
    Ok([png, svg])
}

/// Draws both charts into `dir` as PNG and SVG; returns the file names.
pub fn write(
    dir: &Path,
    relative: Option<&Relative>,
    returns: Option<&Returns>,
) -> Result<Vec<String>, String> {
    font();
    let mut files = Vec::new();
    if let Some(c) = relative {
        files.extend(write_one(dir, c)?);
    }
    if let Some(c) = returns {
        files.extend(write_one(dir, c)?);
    }
    Ok(files)
}
