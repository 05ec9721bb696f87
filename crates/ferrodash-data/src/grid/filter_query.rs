//! DataTable's `filter_query` language, read into a tree: what a table
//! with `filter_action="custom"` sends when its filter row is typed in, or
//! what an app writes itself.
//!
//! ```text
//! query    := or
//! or       := and (("||" | "or") and)*
//! and      := unary (("&&" | "and") unary)*
//! unary    := ("!" | "not") unary | "(" or ")" | relation
//! relation := "{" column "}" operator value
//!           | "{" column "}" "is" ["not"] ("blank" | "nil")
//! operator := ["s" | "i"] ("=" | "eq" | "!=" | "ne" | "<" | "lt" | "<=" | "le"
//!                          | ">" | "gt" | ">=" | "ge" | "contains" | "datestartswith")
//! value    := '"' … '"' | "'" … "'" | "`" … "`" | a word
//! ```
//!
//! `s` compares case-sensitively, `i` case-insensitively; without either,
//! DataTable's default (sensitive) holds. A backslash escapes the next
//! character inside quotes. Names and values stay text here: the table
//! decides what a column is and how a value compares.

/// The longest query read, in bytes.
pub(crate) const MAX_QUERY_BYTES: usize = 4096;
/// The deepest nesting of `!` and parentheses read.
const MAX_DEPTH: usize = 32;
/// The most relations in one query.
const MAX_RELATIONS: usize = 64;

/// A comparison of a column with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    DateStartsWith,
}

/// Case sensitivity of a text comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Sensitive,
    Insensitive,
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter {
    And(Box<Self>, Box<Self>),
    Or(Box<Self>, Box<Self>),
    Not(Box<Self>),
    Compare {
        column: String,
        operator: Operator,
        case: Case,
        value: String,
    },
    /// `is blank` (null or empty text) or `is nil` (null).
    Is {
        column: String,
        blank: bool,
        negated: bool,
    },
}

/// Why a `filter_query` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("filter_query, at character {position}: {problem}")]
pub struct FilterQueryError {
    /// Where (0-based, in characters) the problem is.
    pub position: usize,
    /// What is wrong.
    pub problem: String,
}

/// Reads `query`: `None` when it is empty or blank.
pub(crate) fn parse(query: &str) -> Result<Option<Filter>, FilterQueryError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(FilterQueryError {
            position: 0,
            problem: format!("longer than {MAX_QUERY_BYTES} bytes"),
        });
    }
    let mut parser = Parser {
        chars: query.chars().collect(),
        at: 0,
        relations: 0,
    };
    parser.skip_space();
    if parser.at == parser.chars.len() {
        return Ok(None);
    }
    let filter = parser.or(0)?;
    parser.skip_space();
    if parser.at < parser.chars.len() {
        return Err(parser.error("expected `&&`, `||` or the end"));
    }
    Ok(Some(filter))
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    relations: usize,
}

impl Parser {
    fn error(&self, problem: impl Into<String>) -> FilterQueryError {
        FilterQueryError {
            position: self.at,
            problem: problem.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// Whether the text at the cursor is `symbol`.
    fn at_symbol(&self, symbol: &str) -> bool {
        symbol
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    /// The word at the cursor (up to a space, a parenthesis, a brace or a
    /// quote), not consumed.
    fn word(&self) -> String {
        self.chars
            .get(self.at..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| {
                !c.is_whitespace() && !matches!(c, '(' | ')' | '{' | '}' | '"' | '\'' | '`')
            })
            .collect()
    }

    /// Consumes `&&`/`and` (or `||`/`or`) when it is next.
    fn connective(&mut self, symbol: &str, word: &str) -> bool {
        self.skip_space();
        if self.at_symbol(symbol) {
            self.at += symbol.chars().count();
            return true;
        }
        if self.word().eq_ignore_ascii_case(word) {
            self.at += word.len();
            return true;
        }
        false
    }

    fn or(&mut self, depth: usize) -> Result<Filter, FilterQueryError> {
        let mut left = self.and(depth)?;
        while self.connective("||", "or") {
            let right = self.and(depth)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Filter, FilterQueryError> {
        let mut left = self.unary(depth)?;
        while self.connective("&&", "and") {
            let right = self.unary(depth)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Filter, FilterQueryError> {
        if depth >= MAX_DEPTH {
            return Err(self.error(format!("nested deeper than {MAX_DEPTH}")));
        }
        self.skip_space();
        if self.peek() == Some('!') && !self.at_symbol("!=") {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.word().eq_ignore_ascii_case("not") {
            self.at += 3;
            return Ok(Filter::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.peek() == Some('(') {
            self.at += 1;
            let inner = self.or(depth + 1)?;
            self.skip_space();
            if self.peek() != Some(')') {
                return Err(self.error("expected `)`"));
            }
            self.at += 1;
            return Ok(inner);
        }
        self.relation()
    }

    fn relation(&mut self) -> Result<Filter, FilterQueryError> {
        self.relations += 1;
        if self.relations > MAX_RELATIONS {
            return Err(self.error(format!("more than {MAX_RELATIONS} comparisons")));
        }
        let column = self.column()?;
        self.skip_space();
        if self.word().eq_ignore_ascii_case("is") {
            self.at += 2;
            self.skip_space();
            let negated = self.word().eq_ignore_ascii_case("not");
            if negated {
                self.at += 3;
                self.skip_space();
            }
            let what = self.word().to_ascii_lowercase();
            let blank = match what.as_str() {
                "blank" => true,
                "nil" => false,
                _ => {
                    return Err(self.error(format!(
                        "expected `blank` or `nil` after `is`, not {what:?}"
                    )));
                }
            };
            self.at += what.chars().count();
            return Ok(Filter::Is {
                column,
                blank,
                negated,
            });
        }
        let (operator, case) = self.operator()?;
        self.skip_space();
        let value = self.value()?;
        Ok(Filter::Compare {
            column,
            operator,
            case,
            value,
        })
    }

    fn column(&mut self) -> Result<String, FilterQueryError> {
        if self.peek() != Some('{') {
            return Err(self.error("expected a column as `{name}`"));
        }
        self.at += 1;
        self.delimited('}', "a column's `{` is not closed")
    }

    /// The text up to `close` (consumed), a backslash escaping the next
    /// character; `unclosed` when the query ends first.
    fn delimited(&mut self, close: char, unclosed: &str) -> Result<String, FilterQueryError> {
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error(unclosed)),
                Some('\\') => {
                    self.at += 1;
                    text.extend(self.peek());
                    self.at += 1;
                }
                Some(c) if c == close => {
                    self.at += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(c);
                    self.at += 1;
                }
            }
        }
    }

    fn operator(&mut self) -> Result<(Operator, Case), FilterQueryError> {
        const SYMBOLS: [(&str, Operator); 6] = [
            ("!=", Operator::Ne),
            ("<=", Operator::Le),
            (">=", Operator::Ge),
            ("=", Operator::Eq),
            ("<", Operator::Lt),
            (">", Operator::Gt),
        ];
        let start = self.at;
        // No operator starts with `s` or `i`: either is a case prefix.
        let case = match self.peek() {
            Some('s') => Some(Case::Sensitive),
            Some('i') => Some(Case::Insensitive),
            _ => None,
        };
        if case.is_some() {
            self.at += 1;
        }
        for (symbol, operator) in SYMBOLS {
            if self.at_symbol(symbol) {
                self.at += symbol.len();
                return Ok((operator, case.unwrap_or(Case::Sensitive)));
            }
        }
        let word = self.word().to_ascii_lowercase();
        let operator = match word.as_str() {
            "eq" => Operator::Eq,
            "ne" => Operator::Ne,
            "lt" => Operator::Lt,
            "le" => Operator::Le,
            "gt" => Operator::Gt,
            "ge" => Operator::Ge,
            "contains" => Operator::Contains,
            "datestartswith" => Operator::DateStartsWith,
            _ => {
                self.at = start;
                let found = self.word();
                return Err(self.error(format!(
                    "expected an operator (=, !=, <, <=, >, >=, contains, datestartswith, is), not {found:?}"
                )));
            }
        };
        self.at += word.chars().count();
        Ok((operator, case.unwrap_or(Case::Sensitive)))
    }

    fn value(&mut self) -> Result<String, FilterQueryError> {
        match self.peek() {
            Some(quote @ ('"' | '\'' | '`')) => {
                self.at += 1;
                self.delimited(quote, &format!("a value's {quote} is not closed"))
            }
            _ => {
                let word = self.word();
                if word.is_empty() {
                    return Err(self.error("expected a value"));
                }
                self.at += word.chars().count();
                Ok(word)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compare(column: &str, operator: Operator, case: Case, value: &str) -> Filter {
        Filter::Compare {
            column: column.to_owned(),
            operator,
            case,
            value: value.to_owned(),
        }
    }

    #[test]
    fn what_the_filter_row_sends_is_read() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("   ").unwrap(), None);
        assert_eq!(
            parse(r#"{customer} icontains "acme \"inc\"""#).unwrap(),
            Some(compare(
                "customer",
                Operator::Contains,
                Case::Insensitive,
                "acme \"inc\""
            ))
        );
        assert_eq!(
            parse("{gib} s>= 12.5").unwrap(),
            Some(compare("gib", Operator::Ge, Case::Sensitive, "12.5"))
        );
        assert_eq!(
            parse("{day} datestartswith 2026-03").unwrap(),
            Some(compare(
                "day",
                Operator::DateStartsWith,
                Case::Sensitive,
                "2026-03"
            ))
        );
        assert_eq!(
            parse("{my col} ne 'x'").unwrap(),
            Some(compare("my col", Operator::Ne, Case::Sensitive, "x"))
        );
    }

    #[test]
    fn connectives_nest_with_and_binding_tighter() {
        let parsed = parse("{a} = 1 || {b} = 2 && !({c} is blank) and {d} is not nil").unwrap();
        let a = compare("a", Operator::Eq, Case::Sensitive, "1");
        let b = compare("b", Operator::Eq, Case::Sensitive, "2");
        let c = Filter::Is {
            column: "c".into(),
            blank: true,
            negated: false,
        };
        let d = Filter::Is {
            column: "d".into(),
            blank: false,
            negated: true,
        };
        let and = Filter::And(
            Box::new(Filter::And(Box::new(b), Box::new(Filter::Not(Box::new(c))))),
            Box::new(d),
        );
        assert_eq!(parsed, Some(Filter::Or(Box::new(a), Box::new(and))));
    }

    #[test]
    fn malformed_queries_say_where_and_what() {
        for (query, position, problem) in [
            ("customer = 1", 0, "expected a column"),
            ("{customer = 1", 13, "not closed"),
            ("{a} like 1", 4, "expected an operator"),
            ("{a} = ", 6, "expected a value"),
            ("{a} = 'x", 8, "not closed"),
            ("{a} = 1 {b} = 2", 8, "expected `&&`"),
            ("({a} = 1", 8, "expected `)`"),
            ("{a} is empty", 7, "expected `blank` or `nil`"),
        ] {
            let error = parse(query).unwrap_err();
            assert_eq!(error.position, position, "{query}: {error}");
            assert!(error.problem.contains(problem), "{query}: {error}");
        }
        let deep = format!("{}{{a}} = 1{}", "(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).unwrap_err().problem.contains("nested deeper"));
        let many = vec!["{a} = 1"; 65].join(" && ");
        assert!(parse(&many).unwrap_err().problem.contains("more than 64"));
        assert!(parse(&"x".repeat(5000)).is_err());
    }
}
