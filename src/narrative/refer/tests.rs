use super::*;
use crate::config::RunConfig;

fn forms(full: &str, short: &str, generic: &[&str], anaphor: bool) -> Forms {
    Forms {
        full: full.into(),
        short: short.into(),
        generic: generic.iter().map(|g| g.to_string()).collect(),
        anaphor: anaphor.then(|| "the index".into()),
    }
}

fn entities() -> Entities {
    Entities::from_forms([
        (
            "IWM".to_string(),
            forms(
                "the Russell 2000 (IWM)",
                "the Russell 2000",
                &["small caps"],
                true,
            ),
        ),
        (
            "SPY".to_string(),
            forms("the S&P 500 (SPY)", "the S&P 500", &["large caps"], true),
        ),
    ])
}

fn m(id: &str) -> String {
    marker(id)
}

#[test]
fn first_mention_full_then_short_then_generic() {
    let e = entities();
    let mut r = Referrer::new(&e);
    let text = format!(
        "The {} rose 1.2%. Over the week the {} returned +3.0%. Over the month {} returned +10.0%.",
        m("IWM"),
        m("IWM"),
        m("IWM")
    );
    assert_eq!(
        r.realize(&text, Scope::Prose),
        "The Russell 2000 (IWM) rose 1.2%. Over the week the Russell 2000 returned +3.0%. \
         Over the month small caps returned +10.0%."
    );
}

#[test]
fn two_indexes_in_one_sentence_never_share_the_anaphor() {
    let e = entities();
    let mut r = Referrer::new(&e);
    let both = format!("The {} beat the {}.", m("IWM"), m("SPY"));
    assert_eq!(
        r.realize(&both, Scope::Prose),
        "The Russell 2000 (IWM) beat the S&P 500 (SPY)."
    );
    // Introduced and in scope: together, both go by name or both by kind, in turn ("the
    // index" would be ambiguous, and "small caps" beside "the S&P 500" reads as two kinds
    // of thing).
    let turns: Vec<String> = (0..4).map(|_| r.realize(&both, Scope::Prose)).collect();
    assert_eq!(
        turns,
        [
            "The Russell 2000 beat the S&P 500.",
            "Small caps beat large caps.",
            "The Russell 2000 beat the S&P 500.",
            "Small caps beat large caps.",
        ]
    );
    // Alone, and named last, an index may be "the index".
    let alone: Vec<String> = (0..3)
        .map(|_| r.realize(&format!("{} fell.", m("SPY")), Scope::Prose))
        .collect();
    assert!(
        alone.iter().any(|s| s.starts_with("The index ")),
        "{alone:?}"
    );
    assert!(
        alone.windows(2).all(|w| w[0] != w[1]),
        "no form twice in a row: {alone:?}"
    );
}

#[test]
fn by_kind_only_when_every_name_in_the_sentence_can_be() {
    let e = entities();
    let mut r = Referrer::new(&e);
    let pair = format!("The ratio of {} to {} rose.", m("IWM"), m("SPY"));
    r.realize(&pair, Scope::Prose);
    r.realize(&pair, Scope::Prose);
    // "small caps" cannot stand before "trails": both go by name.
    let out = r.realize(&format!("{} trails {}.", m("IWM"), m("SPY")), Scope::Prose);
    assert_eq!(out, "The Russell 2000 trails the S&P 500.");
}

#[test]
fn a_reset_goes_back_to_the_short_name_never_to_the_ticker() {
    let e = entities();
    let mut r = Referrer::new(&e);
    r.realize(&format!("{} rose.", m("IWM")), Scope::Prose);
    r.realize(&format!("{} rose.", m("IWM")), Scope::Prose);
    r.reset();
    assert_eq!(
        r.realize(&format!("Since then {} rose.", m("IWM")), Scope::Prose),
        "Since then the Russell 2000 rose."
    );
}

#[test]
fn plural_forms_wait_for_a_verb_that_agrees() {
    let e = entities();
    let mut r = Referrer::new(&e);
    r.realize(&m("IWM"), Scope::Prose);
    r.realize(&m("IWM"), Scope::Prose);
    // Short was used last; the next would be "small caps", which cannot take "is".
    let out = r.realize(&format!("{} is up.", m("IWM")), Scope::Prose);
    assert!(!out.starts_with("Small caps"), "{out}");
    let out = r.realize(&format!("{} rose.", m("IWM")), Scope::Prose);
    assert!(!out.contains("(IWM)"), "{out}");
}

#[test]
fn a_full_name_and_a_figure_share_one_parenthesis() {
    let e = entities();
    let mut r = Referrer::new(&e);
    let text = format!("It beat the {} (+1.9%).", m("SPY"));
    assert_eq!(
        r.realize(&text, Scope::Prose),
        "It beat the S&P 500 (SPY, +1.9%)."
    );
    assert_eq!(
        r.realize(&text, Scope::Prose),
        "It beat the S&P 500 (+1.9%)."
    );
}

#[test]
fn a_verb_gives_way_to_a_synonym_of_its_size_within_a_paragraph() {
    let e = entities();
    let mut r = Referrer::new(&e);
    let a = r.realize("It fell 1.2%. The other fell 2.0%.", Scope::Prose);
    assert_eq!(a, "It fell 1.2%. The other dropped 2.0%.");
    let b = r.realize("A third fell 0.8%, and one rose.", Scope::Prose);
    assert_eq!(b, "A third declined 0.8%, and one rose.");
    // Only a verb of a figure varies: "credit eased:" is not "credit slipped:".
    let c = r.realize(
        "Volatility eased 3.0%. Credit eased: spreads narrowed.",
        Scope::Prose,
    );
    assert_eq!(c, "Volatility eased 3.0%. Credit eased: spreads narrowed.");
    r.reset();
    assert_eq!(r.realize("It fell 1.2%.", Scope::Prose), "It fell 1.2%.");
    assert_eq!(
        r.realize("Tumbledown fellows", Scope::Prose),
        "Tumbledown fellows",
        "whole words only"
    );
}

#[test]
fn units_spelled_out_once_and_headlines_short() {
    let e = entities();
    let mut r = Referrer::new(&e);
    let a = r.realize("A lead of 2.1 percentage points.", Scope::Prose);
    let b = r.realize("Then 1.0 percentage point.", Scope::Prose);
    assert_eq!(
        (a.as_str(), b.as_str()),
        ("A lead of 2.1 percentage points.", "Then 1.0 point.")
    );
    let h = r.realize(
        &format!("{} leads by 2.1 percentage points", m("SPY")),
        Scope::Headline,
    );
    assert_eq!(h, "The S&P 500 leads by 2.1 points");
    // The headline neither introduces nor uses a form.
    let body = r.realize(&format!("the {} fell.", m("SPY")), Scope::Prose);
    assert_eq!(body, "The S&P 500 (SPY) fell.");
}

#[test]
fn default_forms_come_from_names_and_universe() {
    let text = "
rules: r
sources:
  - {symbol: IWM, name: Russell 2000 (IWM), file: a.csv, format: yahoo, role: index}
  - {symbol: DGS10, name: 10-year Treasury yield, file: b.csv, format: fred, role: macro, short: the 10-year yield}
universe: {small_caps: IWM, ten_year: DGS10}
groups: {m7: {name: the Magnificent Seven (Apple and others), tickers: [AAPL]}}
";
    let c = RunConfig::parse(std::path::Path::new("run.yaml"), text).unwrap();
    let e = Entities::new(&c);
    let iwm = e.get("IWM").unwrap();
    assert_eq!(iwm.full, "the Russell 2000 (IWM)");
    assert_eq!(iwm.short, "the Russell 2000");
    assert_eq!(iwm.generic, ["small caps"]);
    let y = e.get("DGS10").unwrap();
    assert_eq!(
        (y.full.as_str(), y.short.as_str()),
        ("the 10-year Treasury yield", "the 10-year yield")
    );
    assert_eq!(y.anaphor, None);
    let g = e.get(&group_id("m7")).unwrap();
    assert_eq!(g.short, "the Magnificent Seven");
    assert_eq!(e.tickered().len(), 2);
}

#[test]
fn sentences_split_at_stops_not_decimals() {
    assert_eq!(
        split_sentences("Up 1.2% today. Down 0.5% there. e.g. fine"),
        ["Up 1.2% today. ", "Down 0.5% there. e.g. fine"]
    );
}
