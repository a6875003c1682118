//! Making account-supplied text inert in human formats. Names, descriptions, tags, policy
//! values and endpoints' error messages are chosen by whoever controls the account (or
//! the network): on a terminal they must not move the cursor, clear the screen, forge a
//! report line or reorder text; in Markdown they must not become links, images or markup;
//! in a spreadsheet they must not become formulas. HTML and XML escape through
//! [`super::escape_markup`], JSON through serde.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that change how the rest of a line is displayed: the Unicode bidirectional
/// controls (embedding, override, isolate, marks) and the line and paragraph separators.
fn is_display_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'
            ..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` must be shown escaped: C0 controls (newline and tab included), DEL, C1
/// controls, and display controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_display_control(c)
}

/// The text with every unsafe character shown as an escape (`\n`, `\t`, `\x1b`,
/// `\u{202e}`), so that it reads as what it is and stays on its line.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text for a Markdown paragraph or table cell that renders as the same characters and
/// nothing else under CommonMark and GitHub's Markdown (cmark-gfm with its extensions):
///
/// - unsafe characters are shown escaped ([`visible`]), so the text stays on its line;
/// - every ASCII punctuation character that could start a link, an image, emphasis,
///   strikethrough, code, raw HTML, an entity, a heading, a quote or a table cell is
///   backslash-escaped (CommonMark lets any ASCII punctuation be);
/// - so is every `:`: GFM's URL autolink starts at a `:` that is followed by `//` and
///   preceded by `http`, `https` or `ftp` in any case, and an escaped `:` is never looked
///   at. Without this the link runs on over the escapes after it, takes the `\` of a `\<`
///   and leaves a live `<img …>` behind it;
/// - so is the `.` of `www.` (in any case; cmark-gfm matches it lower-case): GFM's `www.`
///   autolink matches those four characters as written, and a `\` between them breaks it;
/// - every `@` is followed by an empty HTML comment, `<!-- -->`. GFM finds e-mail links
///   (`a@b.c`, `mailto:a@b.c`, `xmpp:a@b.c/r`) after parsing, in the text with escapes and
///   entities resolved, so no escape can hide an `@`; it needs the address's domain in the
///   same run of text as the `@`, and the comment ends that run. The comment shows nothing
///   and is not text: a reader, or a copy from the rendered page, gets the characters of
///   the account text and no invisible one. It never starts a line, so it cannot open an
///   HTML block.
pub fn markdown(text: &str) -> String {
    let shown = visible(text);
    let mut out = String::with_capacity(shown.len() + 8);
    for (i, c) in shown.char_indices() {
        let escape = match c {
            '\\' | '[' | ']' | '(' | ')' | '!' | '`' | '*' | '_' | '<' | '>' | '|' | '~' | '#'
            | '&' | ':' => true,
            '.' => i >= 3 && shown.as_bytes()[i - 3..i].eq_ignore_ascii_case(b"www"),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push_str("<!-- -->");
        }
    }
    out
}

/// A CSV cell that a spreadsheet will not evaluate: one that starts with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading apostrophe (OWASP, "CSV Injection").
pub fn spreadsheet_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_escaped_and_plain_text_is_untouched() {
        assert!(matches!(
            visible("sg-0123 web (eu-west-1)"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            visible("a\x1b[2Jb\x07\x08\r\nFAIL\u{9b}\u{7f}"),
            "a\\x1b[2Jb\\x07\\x08\\r\\nFAIL\\x9b\\x7f"
        );
        assert_eq!(
            visible("x\u{202e}cod.exe\u{2066}"),
            "x\\u{202e}cod.exe\\u{2066}"
        );
    }

    #[test]
    fn markdown_syntax_is_escaped() {
        assert_eq!(
            markdown("![t](https://evil.example/t.png)"),
            "\\!\\[t\\]\\(https\\://evil.example/t.png\\)"
        );
        assert_eq!(markdown("a|b\n# c"), "a\\|b\\\\n\\# c");
        assert_eq!(markdown("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(markdown("~~s~~ *e* _e_"), "\\~\\~s\\~\\~ \\*e\\* \\_e\\_");
        assert_eq!(
            markdown("sg-0123 web (eu-west-1)"),
            "sg-0123 web \\(eu-west-1\\)"
        );
    }

    #[test]
    fn nothing_can_become_an_autolink() {
        // URL: the `:` of the scheme is escaped, wherever the scheme is and in any case.
        assert_eq!(
            markdown("http://evil.example/x<img src=x onerror=alert(1)>"),
            "http\\://evil.example/x\\<img src=x onerror=alert\\(1\\)\\>"
        );
        assert_eq!(
            markdown("role/HTTPS://x.example"),
            "role/HTTPS\\://x.example"
        );
        assert_eq!(
            markdown("arn:aws:iam::1:role/a"),
            "arn\\:aws\\:iam\\:\\:1\\:role/a"
        );
        // www: the `.` after `www`, in any case, and no other `.`.
        assert_eq!(
            markdown("(www.evil.example) WWW.x.y wwww.z"),
            "\\(www\\.evil.example\\) WWW\\.x.y wwww\\.z"
        );
        assert_eq!(markdown("ww.x.www"), "ww.x.www");
        // E-mail, with or without `mailto:` / `xmpp:`: the `@` ends a run of text.
        assert_eq!(markdown("a@evil.example"), "a@<!-- -->evil.example");
        assert_eq!(markdown("mailto:a@b.c"), "mailto\\:a@<!-- -->b.c");
        assert_eq!(markdown("xmpp:a@b.c/r"), "xmpp\\:a@<!-- -->b.c/r");
        assert_eq!(markdown("@@"), "@<!-- -->@<!-- -->");
        // The look-back reads bytes: a multi-byte character just before is no `www`.
        assert_eq!(markdown("€ww. é.€www."), "€ww. é.€www\\.");
    }

    #[test]
    fn formula_prefixes_are_neutralised() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_cell(formula), format!("'{formula}"));
        }
        assert_eq!(
            spreadsheet_cell("arn:aws:iam::1:user/a"),
            "arn:aws:iam::1:user/a"
        );
    }
}
