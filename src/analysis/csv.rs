//! CSV export: RFC 4180 quoting, and cells that a spreadsheet would run as a
//! formula are defused.

/// One CSV cell: quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-`, `@`, tab or carriage return gets a `'` so spreadsheets show
/// it as text instead of evaluating it.
pub fn cell(value: &str) -> String {
    let risky =
        value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err();
    let v = if risky {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// A whole CSV document with a header line; lines end with CRLF.
pub fn to_csv<R: AsRef<[String]>>(header: &[&str], rows: &[R]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    let line = |cells: &mut dyn Iterator<Item = String>, out: &mut String| {
        let mut first = true;
        for c in cells {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&c);
        }
        out.push_str("\r\n");
    };
    line(&mut header.iter().map(|h| cell(h)), &mut out);
    for r in rows {
        line(&mut r.as_ref().iter().map(|c| cell(c)), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-5"), "-5");
        assert_eq!(cell("@cmd"), "'@cmd");
    }

    #[test]
    fn documents_have_a_header_and_crlf_lines() {
        let rows = vec![vec!["1".to_string(), "x".to_string()]];
        assert_eq!(to_csv(&["n", "name"], &rows), "n,name\r\n1,x\r\n");
    }
}
