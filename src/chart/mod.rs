//! The brief's two charts: the relative performance of the pair its headline compares since
//! the move began, and the compared indexes' returns by window. The `html` format carries
//! them inline as SVG; the Markdown links them as SVG files written beside it; the daily
//! email attaches them as PNG; the preview (`serve`) shows them beside the brief.

pub mod draw;
pub mod figures;

use chrono::NaiveDate;

use crate::brief::Prepared;
use crate::config::RunConfig;

/// One chart of a brief, drawn as SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// `relative` or `returns`: what the chart shows, and its file name's end.
    pub key: &'static str,
    /// Its title.
    pub title: String,
    /// Its point in words: with the title, its text alternative.
    pub alt: String,
    /// The drawing (plotters escapes every text it holds).
    pub svg: String,
}

/// The two charts' figures for `date`, the pair being the one `headline_rule` compares.
pub fn charts(
    prepared: &Prepared,
    config: &RunConfig,
    headline_rule: Option<&str>,
    date: NaiveDate,
) -> (Option<draw::Relative>, Option<draw::Returns>) {
    let name_of = |sym: &str| {
        config
            .resolve(sym)
            .map_or(sym.to_string(), |s| s.name.clone())
    };
    let relative = figures::pair(prepared, config, headline_rule).and_then(|(a, b)| {
        let names = (&name_of(&a)[..], &name_of(&b)[..]);
        figures::relative(prepared, names, (&a, &b), date, config.locale)
    });
    (relative, figures::returns(prepared, config, date))
}

/// The charts of the brief for `date` whose headline came from `headline_rule`, as SVG.
pub fn figures(
    prepared: &Prepared,
    config: &RunConfig,
    headline_rule: Option<&str>,
    date: NaiveDate,
) -> Result<Vec<Figure>, String> {
    let (relative, returns) = charts(prepared, config, headline_rule, date);
    let mut out = Vec::new();
    if let Some(r) = relative {
        out.push(Figure {
            key: "relative",
            svg: draw::relative_svg(&r)?,
            alt: alt(&r.title, &r.alt),
            title: r.title,
        });
    }
    if let Some(r) = returns {
        out.push(Figure {
            key: "returns",
            svg: draw::returns_svg(&r)?,
            alt: alt(&r.title, &r.alt),
            title: r.title,
        });
    }
    Ok(out)
}

/// A chart's text alternative: its title, then its point.
pub fn alt(title: &str, point: &str) -> String {
    if point.is_empty() {
        title.to_string()
    } else {
        format!("{title}. {point}")
    }
}

/// The file a figure of the brief `stem` is written to: `brief-2024-07-16-relative.svg`.
pub fn file_name(stem: &str, figure: &Figure) -> String {
    format!("{stem}-{}.svg", figure.key)
}

/// The Markdown "Charts" section: each figure as an image linked to its file.
pub fn markdown(figures: &[Figure], stem: &str) -> String {
    if figures.is_empty() {
        return String::new();
    }
    let images: String = (figures.iter())
        .map(|f| {
            let alt = crate::output::escape_markdown(&f.alt);
            format!("![{alt}]({})\n\n", file_name(stem, f))
        })
        .collect();
    format!("\n## Charts\n\n{}", images.trim_end())
}

/// The HTML "Charts" section: each figure inline, labelled by its title (which the
/// drawing shows at its top).
pub fn html(figures: &[Figure]) -> String {
    if figures.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2 id=\"charts\">Charts</h2>\n");
    for f in figures {
        let label = crate::output::escape_html(&f.alt);
        out.push_str(&format!(
            "<figure class=\"chart\" role=\"img\" aria-label=\"{label}\">\n{}\n</figure>\n",
            f.svg.trim()
        ));
    }
    out
}
