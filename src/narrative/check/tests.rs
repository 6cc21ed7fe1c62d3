use chrono::NaiveDate;

use super::*;

fn run(text: &str, facts: &[(Value, Kind)], literal: &str) -> Result<Tally, Mismatch> {
    let facts: Vec<Fact> = facts
        .iter()
        .map(|(value, kind)| Fact { value, kind: *kind })
        .collect();
    let names = ["Russell 2000 (IWM)", "S&P 500 (SPY)", "10-year Treasury"];
    check(text, &facts, literal, &names, Bands::default())
}

fn n(x: f64, kind: Kind) -> (Value, Kind) {
    (Value::Number(x), kind)
}

fn day(s: &str) -> (Value, Kind) {
    (Value::Date(s.parse::<NaiveDate>().unwrap()), Kind::Date)
}

#[test]
fn a_true_sentence_passes_and_is_counted() {
    let facts = [
        n(3.41, Kind::Return),
        n(1.2, Kind::Return),
        n(2.21, Kind::Points),
    ];
    let t = run(
        "The Russell 2000 (IWM) rose 3.4% on the day, against +1.2% for the S&P 500 (SPY): \
         a lead of 2.2 percentage points over 21 sessions.",
        &facts,
        " rose  on the day, against  for the : a lead of  over 21 sessions.",
    )
    .unwrap();
    assert_eq!(
        t,
        Tally {
            texts: 1,
            numbers: 3,
            dates: 0,
            directions: 1,
            literals: 1
        }
    );
}

#[test]
fn wrong_figures_signs_and_units_are_caught() {
    let facts = [
        n(3.41, Kind::Return),
        n(-1.2, Kind::Return),
        n(2.2, Kind::Points),
    ];
    let cases = [
        ("It fell 3.4%.", "fell 3.4%"),
        ("It rose 1.2%.", "rose 1.2%"),
        ("It returned 3.5%.", "3.5%"),
        ("It returned +1.2%.", "+1.2%"),
        ("A lead of 2.2%.", "2.2%"),
        ("A lead of 3.4 points.", "3.4 points"),
        ("Over 21 sessions.", "21"),
        ("For the third day.", "third"),
    ];
    for (text, claim) in cases {
        let e = run(text, &facts, "").unwrap_err();
        assert_eq!(e.claim, claim, "{text}: {e}");
    }
    assert!(run("It returned -1.2%, 2.2 points.", &facts, "").is_ok());
}

#[test]
fn rounding_words_hold_only_on_their_side() {
    let shy = [n(9.96, Kind::Return)];
    assert!(run("It gained just shy of 10%.", &shy, "").is_ok());
    assert!(run("It gained just over 10%.", &shy, "").is_err());
    assert!(run("It gained just shy of 10%.", &[n(10.01, Kind::Return)], "").is_err());
    let lead = [n(2.65, Kind::Points)];
    assert!(run("A lead of more than 2.5 points.", &lead, "").is_ok());
    assert!(run("A lead of almost 2.5 points.", &lead, "").is_err());
    assert!(run("About a third of the index.", &[n(33.9, Kind::Percent)], "").is_ok());
    assert!(run("About a third of the index.", &[n(38.0, Kind::Percent)], "").is_err());
    assert!(run("Roughly twice the gain.", &[n(2.15, Kind::Times)], "").is_ok());
    assert!(run("Roughly twice the gain.", &[n(2.5, Kind::Times)], "").is_err());
}

#[test]
fn counts_ordinals_and_little_changed() {
    let two = [(Value::Count(2), Kind::Count)];
    assert!(run("It happened twice this week.", &two, "").is_ok());
    assert!(run("It happened three times this week.", &two, "").is_err());
    assert!(run("A second straight week.", &two, "").is_ok());
    let small = [n(0.04, Kind::Return)];
    assert!(run("The index was little changed.", &small, "").is_ok());
    assert!(run("The index was little changed.", &[n(1.2, Kind::Return)], "").is_err());
}

#[test]
fn dates_match_date_facts_in_both_locales() {
    let facts = [day("2024-07-09"), n(1.0, Kind::Return)];
    assert_eq!(run("Since July 9, 2024.", &facts, "").unwrap().dates, 1);
    assert_eq!(run("Since 9 July 2024.", &facts, "").unwrap().dates, 1);
    assert_eq!(
        run("Since July 2024, up 1.0%.", &facts, "").unwrap().dates,
        1
    );
    assert_eq!(run("Since July 9.", &facts, "").unwrap().dates, 1);
    assert!(run("Since 2024.", &facts, "").is_ok());
    let e = run("Since July 10, 2024.", &facts, "").unwrap_err();
    assert_eq!(e.claim, "July 10, 2024");
    assert!(run("Since 2023.", &facts, "").is_err());
}

#[test]
fn names_and_tags_are_not_figures() {
    assert!(run("The S&P 500 (SPY) and the 10-year Treasury.", &[], "").is_ok());
    assert_eq!(
        plain_text("over {{ x | pct(digits=2) }} 21 {% if y > 3 %}days{% endif %}"),
        "over   21  days "
    );
}
