//! `frontend/component-packages.txt`: the component packages' wheels, pinned
//! by version and hash in pip's requirements format (which pip reads as it
//! is, with `--require-hashes`). Shared with `cargo xtask codegen`, which
//! includes this file.

/// One pinned wheel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pin {
    /// The distribution's name on PyPI (`dash-ag-grid`).
    pub(crate) name: String,
    /// The exact version.
    pub(crate) version: String,
    /// SHA-256 of the wheel, lower-case hex.
    pub(crate) sha256: String,
}

impl Pin {
    /// The wheel's file name: pure-Python wheels of these packages are all
    /// `<name with underscores>-<version>-py3-none-any.whl`.
    pub(crate) fn file_name(&self) -> String {
        format!(
            "{}-{}-py3-none-any.whl",
            self.name.replace('-', "_"),
            self.version
        )
    }
}

/// Parses lines `name==version --hash=sha256:<64 hex digits>`; blank lines
/// and `#` comments are skipped. The error names the line and the problem.
pub(crate) fn parse(text: &str) -> Result<Vec<Pin>, String> {
    let mut pins: Vec<Pin> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let pin = parse_line(line).map_err(|e| format!("line {}: {e}: {line}", number + 1))?;
        if pins.iter().any(|p| p.name == pin.name) {
            return Err(format!("line {}: {} is pinned twice", number + 1, pin.name));
        }
        pins.push(pin);
    }
    Ok(pins)
}

fn parse_line(line: &str) -> Result<Pin, String> {
    let mut words = line.split_whitespace();
    let requirement = words.next().unwrap_or_default();
    let Some((name, version)) = requirement.split_once("==") else {
        return Err("not pinned with `name==version`".into());
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let valid_version = !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!'));
    if !valid_name || !valid_version {
        return Err(format!("`{requirement}` is not a plain `name==version`"));
    }
    let mut sha256 = None;
    for word in words {
        let Some(digest) = word.strip_prefix("--hash=sha256:") else {
            return Err(format!(
                "unexpected `{word}` (only `--hash=sha256:…` may follow)"
            ));
        };
        if digest.len() != 64 || !digest.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')) {
            return Err(format!("`{digest}` is not a SHA-256 in lower-case hex"));
        }
        if sha256.replace(digest.to_owned()).is_some() {
            return Err("more than one hash (one wheel per package)".into());
        }
    }
    Ok(Pin {
        name: name.to_owned(),
        version: version.to_owned(),
        sha256: sha256.ok_or("no `--hash=sha256:…`")?,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    const HASH: &str = "7cc0ca54fe8be4deab044d89975819f6e9ac66904c84310becbf68cdce74a4e9";

    #[test]
    fn pins_are_read_and_comments_skipped() {
        let text = format!("# a comment\n\ndash-ag-grid==35.3.0 --hash=sha256:{HASH}  # why\n");
        let pins = parse(&text).unwrap();
        assert_eq!(pins.len(), 1);
        assert_eq!(pins[0].name, "dash-ag-grid");
        assert_eq!(pins[0].version, "35.3.0");
        assert_eq!(pins[0].sha256, HASH);
        assert_eq!(pins[0].file_name(), "dash_ag_grid-35.3.0-py3-none-any.whl");
    }

    #[test]
    fn loose_or_unhashed_pins_are_refused() {
        for (line, reason) in [
            ("dash-ag-grid>=35".to_owned(), "name==version"),
            ("dash-ag-grid==35.3.0".to_owned(), "no `--hash"),
            (
                format!("dash-ag-grid==35.3.0 --hash=md5:{HASH}"),
                "unexpected",
            ),
            (
                "dash-ag-grid==35.3.0 --hash=sha256:abc".to_owned(),
                "not a SHA-256",
            ),
            (
                format!("a==1 --hash=sha256:{HASH}\na==2 --hash=sha256:{HASH}"),
                "pinned twice",
            ),
        ] {
            let err = parse(&line).unwrap_err();
            assert!(err.contains(reason), "{line}: {err}");
        }
    }
}
