//! The comparison language of a rule's `when` and `facts`:
//! `spread(small_caps, large_caps, 21d) > 2`, `top_weight(large_caps, 10) >= 30`,
//! `return(tech, 1d) < return(small_caps, 1d)`.
//!
//! Each side is a number or a metric call; arguments are names, windows, whole numbers or
//! double-quoted text. Parsing gives calls with raw arguments; resolving them against the run
//! file is [`crate::metrics::Metric::from_call`]'s job.

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::Ne => "!=",
        })
    }
}

/// One side of a comparison, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal number.
    Number(f64),
    /// A metric call: function name and raw arguments.
    Call(String, Vec<Arg>),
}

/// One argument of a call, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A bare word: a name, a symbol, a window, a number, a rule id.
    Word(String),
    /// Double-quoted text, such as a sector name.
    Text(String),
    /// A metric call inside a call: `percentile(ratio(small_caps, large_caps), all)`.
    Call(String, Vec<Arg>),
}

impl Arg {
    /// The word or text as written; a nested call gives its name.
    pub fn text(&self) -> &str {
        match self {
            Arg::Word(s) | Arg::Text(s) | Arg::Call(s, _) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
    Op(Op),
}

fn tokenize(s: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' | '\n' => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '>' | '<' | '=' | '!' => {
                chars.next();
                let eq = chars.peek() == Some(&'=');
                if eq {
                    chars.next();
                }
                out.push(Token::Op(match (c, eq) {
                    ('>', false) => Op::Gt,
                    ('>', true) => Op::Ge,
                    ('<', false) => Op::Lt,
                    ('<', true) => Op::Le,
                    ('=', true) => Op::Eq,
                    ('!', true) => Op::Ne,
                    _ => return Err(format!("'{c}' is not an operator (use > >= < <= == !=)")),
                }));
            }
            '"' => {
                chars.next();
                let text: String = chars.by_ref().take_while(|&c| c != '"').collect();
                out.push(Token::Text(text));
            }
            c if c.is_alphanumeric() || "_^.-+".contains(c) => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || "_^.-+".contains(c) {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                // A family member's id: `leads[small_caps,large_caps,21d]`, one word.
                if chars.peek() == Some(&'[') {
                    let member: String = chars.by_ref().take_while(|&c| c != ']').collect();
                    word.push_str(&member.replace(' ', ""));
                    word.push(']');
                }
                out.push(Token::Word(word));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn operand(&mut self) -> Result<Operand, String> {
        let word = match self.next() {
            Some(Token::Word(w)) => w,
            other => return Err(format!("expected a metric or a number, found {other:?}")),
        };
        if self.peek() != Some(&Token::Open) {
            return word.parse::<f64>().map(Operand::Number).map_err(|_| {
                format!("'{word}' is neither a number nor a metric call like {word}(...)")
            });
        }
        self.next();
        let mut args = Vec::new();
        loop {
            match self.next() {
                Some(Token::Word(_)) if self.peek() == Some(&Token::Open) => {
                    self.pos -= 1;
                    match self.operand()? {
                        Operand::Call(name, inner) => args.push(Arg::Call(name, inner)),
                        Operand::Number(_) => unreachable!("a word before '(' is a call"),
                    }
                }
                Some(Token::Word(a)) => args.push(Arg::Word(a)),
                Some(Token::Text(a)) => args.push(Arg::Text(a)),
                Some(Token::Close) if args.is_empty() => break,
                other => return Err(format!("in {word}(...): unexpected {other:?}")),
            }
            match self.next() {
                Some(Token::Comma) => continue,
                Some(Token::Close) => break,
                other => {
                    return Err(format!(
                        "in {word}(...): expected ',' or ')', found {other:?}"
                    ))
                }
            }
        }
        Ok(Operand::Call(word, args))
    }
}

/// Parses a lone metric call, as written in `facts`.
pub fn parse_call(s: &str) -> Result<Operand, String> {
    let mut p = Parser {
        tokens: tokenize(s)?,
        pos: 0,
    };
    let call = p.operand()?;
    match (p.peek(), &call) {
        (None, Operand::Call(..)) => Ok(call),
        (None, _) => Err(format!("'{s}' is not a metric call")),
        (Some(t), _) => Err(format!("unexpected {t:?} after the metric")),
    }
}

/// Parses `left op right`.
pub fn parse_comparison(s: &str) -> Result<(Operand, Op, Operand), String> {
    let mut p = Parser {
        tokens: tokenize(s)?,
        pos: 0,
    };
    let left = p.operand()?;
    let op = match p.next() {
        Some(Token::Op(op)) => op,
        other => {
            return Err(format!(
                "expected a comparison (> >= < <= == !=), found {other:?}"
            ))
        }
    };
    let right = p.operand()?;
    if let Some(t) = p.peek() {
        return Err(format!("unexpected {t:?} after the comparison"));
    }
    Ok((left, op, right))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[&str]) -> Operand {
        Operand::Call(name.into(), words(args))
    }

    fn words(args: &[&str]) -> Vec<Arg> {
        args.iter().map(|a| Arg::Word(a.to_string())).collect()
    }

    #[test]
    fn calls_nest() {
        assert_eq!(
            parse_call("percentile(ratio(small_caps, large_caps), all)").unwrap(),
            Operand::Call(
                "percentile".into(),
                vec![
                    Arg::Call("ratio".into(), words(&["small_caps", "large_caps"])),
                    Arg::Word("all".into())
                ]
            )
        );
    }

    #[test]
    fn comparisons_parse() {
        assert_eq!(
            parse_comparison("spread(small_caps, large_caps, 21d) > 2").unwrap(),
            (
                call("spread", &["small_caps", "large_caps", "21d"]),
                Op::Gt,
                Operand::Number(2.0)
            )
        );
        assert_eq!(
            parse_comparison("return(^RUT,1d)<=-1.5").unwrap(),
            (
                call("return", &["^RUT", "1d"]),
                Op::Le,
                Operand::Number(-1.5)
            )
        );
        assert_eq!(
            parse_comparison("sector_weight(large, \"Information Technology\") != 0")
                .unwrap()
                .0,
            Operand::Call(
                "sector_weight".into(),
                vec![
                    Arg::Word("large".into()),
                    Arg::Text("Information Technology".into())
                ]
            )
        );
    }

    #[test]
    fn a_family_members_id_is_one_word() {
        assert_eq!(
            parse_comparison("count(beat_day[small_caps, tech], wtd) >= 2").unwrap(),
            (
                call("count", &["beat_day[small_caps,tech]", "wtd"]),
                Op::Ge,
                Operand::Number(2.0)
            )
        );
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(parse_comparison("spread(a, b, 1d)")
            .unwrap_err()
            .contains("expected a comparison"));
        assert!(parse_comparison("return(a, 1d) => 2")
            .unwrap_err()
            .contains("not an operator"));
        assert!(parse_comparison("returns > 2")
            .unwrap_err()
            .contains("neither a number"));
        assert!(parse_call("return(a 1d)")
            .unwrap_err()
            .contains("expected ',' or ')'"));
    }
}
