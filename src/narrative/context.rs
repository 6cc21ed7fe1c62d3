//! What the templates see: the context of `brief.md.tera` and `page.html.tera`. Field names
//! here are the template language's variables.

use serde::Serialize;

/// A body section.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SectionCtx {
    /// Section key, e.g. `performance`.
    pub key: String,
    /// Heading, e.g. "Performance and rotation".
    pub title: String,
    /// Paragraphs, each the findings on one subject joined.
    pub paragraphs: Vec<String>,
}

/// A row of the comparison table, formatted.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RowCtx {
    /// Row label, e.g. "Month to date".
    pub label: String,
    /// One formatted cell per index.
    pub cells: Vec<String>,
}

/// The comparison table, formatted.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TableCtx {
    /// Index display names.
    pub columns: Vec<String>,
    /// Rows; a row appears when at least one index has data for it.
    pub rows: Vec<RowCtx>,
}

/// One data source, for the sources list.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SourceCtx {
    /// Display name.
    pub name: String,
    /// File names, joined for printing.
    pub files: String,
    /// "data to" or "as of" (a holdings snapshot).
    pub coverage: &'static str,
    /// The last date of its data the brief used, ISO: the brief's date or earlier.
    pub last_date: String,
    /// Monthly figures: the date is a month.
    pub monthly: bool,
    /// The run file's note on this source's limits, and the brief's notes about its data.
    pub note: Option<String>,
    /// Its symbol in the run file (for a basket's line, its first member's).
    #[serde(skip)]
    pub symbol: String,
}

/// The series a brief used that have data to its date and nothing to note: one line.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FreshCtx {
    /// Their date, ISO (the brief's data date).
    pub last_date: String,
    /// Their names as a list reads them ("SPY, IWM, the sector funds and the VIX").
    pub names: String,
    /// The funds that tell indexes in this brief ("SPY and IWM"), if any.
    pub stand_ins: String,
    /// The indexes they tell ("the S&P 500 and the Russell 2000").
    pub indexes: String,
    /// The last date of those indexes' data, ISO, when it ended before the brief's date;
    /// empty when they have too short a history to it.
    pub indexes_end: String,
}

/// Everything `brief.md.tera` sees.
#[derive(Debug, Clone, Serialize, Default)]
pub struct BriefCtx {
    /// The run file's title.
    pub title: String,
    /// The date asked for, ISO.
    pub as_of: String,
    /// The trading day the figures are from, ISO.
    pub data_as_of: String,
    /// The headline.
    pub headline: String,
    /// The lead paragraph: the day's story in two to four sentences.
    pub lead: String,
    /// Key takeaway lines.
    pub takeaways: Vec<String>,
    /// Body sections in print order.
    pub sections: Vec<SectionCtx>,
    /// Caveat paragraphs.
    pub caveats: Vec<String>,
    /// Lines of the "what to watch" close.
    pub watch: Vec<String>,
    /// The comparison table.
    pub table: TableCtx,
    /// The comparison table in fixed-width columns, for the plain-text format.
    pub table_text: String,
    /// The sector funds' best and worst over the window a sector finding spoke of (no
    /// columns when none printed).
    pub sectors: TableCtx,
    /// The sector table in fixed-width columns.
    pub sectors_text: String,
    /// The run file's disclaimer, for the email formats.
    pub disclaimer: String,
    /// The series with data to the brief's date and nothing to note, on one line.
    pub fresh: FreshCtx,
    /// The other sources the brief used, each with what qualifies its figures.
    pub sources: Vec<SourceCtx>,
    /// Warnings of the run.
    pub warnings: Vec<String>,
}

/// Everything `page.html.tera` sees.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PageCtx {
    /// `en-US` or `en-GB`.
    pub lang: &'static str,
    /// The headline, for the page title.
    pub headline: String,
    /// The brief as an HTML fragment.
    pub body: String,
    /// The run file's disclaimer.
    pub disclaimer: String,
}

/// The heading a rule's section prints under: rotation shares one with performance, as
/// market pieces write "performance and rotation".
pub fn heading_of(section: &str) -> &str {
    match section {
        "rotation" => "performance",
        other => other,
    }
}

/// The title of a heading holding findings of `sections`: each section's own title, joined
/// ("Performance and rotation"), so a title never names what is not there.
pub fn heading_title(sections: &[&str]) -> String {
    let order = |s: &&str| crate::rules::SECTIONS.iter().position(|x| x == s);
    let mut sections = sections.to_vec();
    sections.sort_by_key(order);
    let mut titles: Vec<&str> = Vec::new();
    for t in sections.iter().map(|s| section_title(s)) {
        if !titles.contains(&t) {
            titles.push(t);
        }
    }
    match titles.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [first, rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|t| t.to_lowercase()).collect();
            format!("{first} and {}", rest.join(" and "))
        }
    }
}

/// The heading of a section.
pub fn section_title(key: &str) -> &'static str {
    match key {
        "performance" => "Performance",
        "rotation" => "Rotation",
        "sectors" => "Sectors",
        "style" => "Style and size",
        "risk" => "Volatility and credit",
        "concentration" => "Concentration",
        "breadth" => "Breadth",
        "valuation" => "Valuation",
        "rates" => "Rates and the macro backdrop",
        "history" => "What history says",
        "positioning" => "Positioning",
        _ => "Caveats",
    }
}
