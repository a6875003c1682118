//! HTML: one self-contained review page a reviewer opens offline. Inline CSS and one inline
//! script, both allowed by hash in a Content-Security-Policy that forbids everything else:
//! no network request, and no script but ours even if escaping were ever missed. Every
//! value from the account is escaped.
//!
//! The page: what to fix first, the scorecard (duties × severity), every finding in one
//! table (search, filters by severity, status, duty, region, rule and account, sortable
//! columns, pages of 200 rows, the view kept in the URL fragment so that a link reproduces
//! it), each row opening to its evidence, compliance ids, and the rule's "why it matters"
//! and "how to fix" rendered from its documentation; compliance controls by framework
//! section; what could not be checked, grouped by cause; and the rules' full documentation.
//!
//! The findings are data, not markup: JSON blocks the script reads (strings repeated by
//! every finding named by an index into tables, evidence parsed only when its row is
//! opened), filters and sorts, building the rows of the page shown with `textContent`
//! only: the page is about two fifths of the JSON report's size, and its script takes a
//! fifth of the time the browser takes to read it.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use base64::Engine as _;
use posture_rules::compliance::{self, FRAMEWORKS};
use posture_rules::registry::RULES;
use posture_rules::{Duty, Finding, Severity, Status};
use sha2::{Digest, Sha256};

use super::human::{self, capitalized, FixFirst};
use super::triage;
use super::{escape_markup as escape, Report};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/review.js");

fn csp_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Markdown of our own rule documentation, as HTML. Raw HTML in it stays text.
fn markdown_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Options of the page that do not come from the report.
pub struct Options<'a> {
    /// The framework whose controls the page shows first.
    pub compliance: Option<&'a compliance::Framework>,
}

/// Writes the page a section at a time; findings are read back as they are written.
pub fn write(
    report: &Report,
    options: &Options<'_>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    head(&mut out, report);
    let fixes = FixFirst::of(report, &triage::Display::default());
    summary(&mut out, report, &fixes);
    fix_first(&mut out, &fixes);
    scorecard(&mut out, report);
    accounts(&mut out, report);
    w.write_all(out.as_bytes())?;
    out.clear();
    findings(&mut out, report, w)?;
    controls(&mut out, report, options);
    not_checked(&mut out, report);
    if !report.warnings.is_empty() {
        out.push_str("<h2 id=\"warnings\">Warnings</h2><ul>");
        for warning in &report.warnings {
            let _ = write!(out, "<li>{}</li>", escape(warning));
        }
        out.push_str("</ul>");
    }
    rules(&mut out, report);
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    w.write_all(out.as_bytes())
}

fn head(out: &mut String, report: &Report) {
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>posture report — account {account}</title><style>{STYLE}</style></head><body>",
        account = escape(&report.account.id)
    );
    let _ = write!(
        out,
        "<header><h1>Shared-responsibility report — account {}</h1>\
         <p>Scanned as {} in {} region(s): {}</p>\
         <p>Collected {} · evaluated {} · posture {}</p>\
         <nav><a href=\"#fix-first\">Fix first</a> <a href=\"#scorecard\">Scorecard</a> \
         <a href=\"#findings\">Findings</a> <a href=\"#compliance\">Compliance</a> \
         <a href=\"#gaps\">{not_checked}</a> <a href=\"#rules\">Rules</a></nav></header><main>",
        escape(&report.account.id),
        escape(&report.account.caller_arn),
        report.regions.len(),
        escape(&report.regions.join(", ")),
        report.collected_at.format("%Y-%m-%d %H:%M UTC"),
        report.evaluated_at.format("%Y-%m-%d %H:%M UTC"),
        escape(report.tool.version),
        not_checked = human::NotChecked::TITLE,
    );
}

fn summary(out: &mut String, report: &Report, fixes: &FixFirst) {
    if report.complete {
        out.push_str("<div class=\"banner ok\">Scan complete.</div>");
    } else {
        let _ = write!(
            out,
            "<div class=\"banner incomplete\">Scan incomplete: {}. See <a href=\"#gaps\">what \
             could not be checked</a>.</div>",
            human::incomplete_because(report)
        );
    }
    let (failing, others) = human::summary_counts(report);
    let _ = write!(
        out,
        "<p class=\"summary\"><strong>{failing}</strong>, {others}"
    );
    if let Some(worst) = fixes.items.first() {
        let _ = write!(out, " — worst: {}", human::worst(worst, place));
    }
    out.push_str("</p>");
}

/// A resource and its region: account text, escaped.
fn place(resource: &str, region: Option<&str>) -> String {
    match region {
        Some(region) => format!("<code>{}</code> ({})", escape(resource), escape(region)),
        None => format!("<code>{}</code>", escape(resource)),
    }
}

/// A fragment link to the findings table filtered to `pairs`.
fn view(pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", fragment_value(value)))
        .collect();
    format!("#{}", query.join("&"))
}

/// Percent-encodes what a URL fragment value cannot hold as it is.
fn fragment_value(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.,:/".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn fix_first(out: &mut String, fixes: &FixFirst) {
    out.push_str("<h2 id=\"fix-first\">Fix first</h2>");
    if fixes.items.is_empty() {
        out.push_str("<p>Nothing is failing.</p>");
        return;
    }
    out.push_str("<ol class=\"fix\">");
    for item in &fixes.items {
        let exposure = match human::exposure_label(item.exposure) {
            "" => String::new(),
            label => format!(" <span class=\"exposure\">{label}</span>"),
        };
        let resources = human::fix_resources(item, place, escape);
        let link = view(&[
            ("rule", &item.rule_id),
            ("sev", item.severity.id()),
            ("st", "fail"),
        ]);
        let _ = write!(
            out,
            "<li><span class=\"sev sev-{sev}\">{sev}</span>{exposure} <strong>{title}</strong> \
             <a href=\"{link}\">show</a><br><span class=\"muted\">{resources}</span></li>",
            sev = item.severity.id(),
            title = escape(&item.title),
        );
    }
    out.push_str("</ol>");
    if let Some(more) = fixes.more() {
        let _ = write!(out, "<p class=\"muted\">{more}.</p>");
    }
}

fn scorecard(out: &mut String, report: &Report) {
    out.push_str("<h2 id=\"scorecard\">Scorecard</h2><table class=\"score\"><thead><tr>");
    for column in human::SCORECARD_COLUMNS {
        let _ = write!(out, "<th>{}</th>", capitalized(column));
    }
    out.push_str("</tr></thead><tbody>");
    for duty in &report.duties {
        if human::scorecard_counts(duty).is_none() {
            let _ = write!(
                out,
                "<tr><td>{}</td><td colspan=\"8\" class=\"muted\">{} — {}</td></tr>",
                escape(duty.title),
                capitalized(human::NOT_SCORED),
                escape(duty.note.unwrap_or(""))
            );
            continue;
        }
        let id = duty.duty.id();
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"n\">{}</td>",
            view(&[("duty", id)]),
            escape(duty.title),
            duty.rules
        );
        for severity in Severity::ALL.iter().rev() {
            let n = duty.fail_by_severity.get(severity).copied().unwrap_or(0);
            if n == 0 {
                out.push_str("<td class=\"n muted\">0</td>");
            } else {
                let link = view(&[("duty", id), ("sev", severity.id()), ("st", "fail")]);
                let _ = write!(
                    out,
                    "<td class=\"n sev-{}\"><a href=\"{link}\">{n}</a></td>",
                    severity.id()
                );
            }
        }
        let _ = write!(
            out,
            "<td class=\"n\"><a href=\"{}\">{}</a></td><td class=\"n\"><a href=\"{}\">{}</a></td></tr>",
            view(&[("duty", id), ("st", "unknown")]),
            duty.unknown,
            view(&[("duty", id), ("st", "pass")]),
            duty.pass
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Accounts × duties (failing findings), when the run covered several accounts.
fn accounts(out: &mut String, report: &Report) {
    let rows = human::accounts(report);
    if rows.is_empty() {
        return;
    }
    let duties = human::account_duties();
    let _ = write!(
        out,
        "<h2 id=\"accounts\">{}</h2><table class=\"score\"><thead><tr><th>Account</th>\
         <th>Name</th><th>Organizational unit</th>",
        human::ACCOUNTS_TITLE
    );
    for duty in &duties {
        let _ = write!(out, "<th>{}</th>", escape(duty.title()));
    }
    out.push_str("<th>Unknown</th><th>Passing</th></tr></thead><tbody>");
    for row in rows {
        let account = row.account;
        let id = account.id.as_str();
        let reach = match account.caller_arn {
            None => format!(
                " <span class=\"st st-unknown\">{}</span>",
                human::NOT_REACHABLE
            ),
            Some(_) => String::new(),
        };
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\"><code>{}</code></a>{reach}</td><td>{}</td><td>{}</td>",
            view(&[("account", id)]),
            escape(id),
            escape(account.name.as_deref().unwrap_or("")),
            escape(&account.ou_path.join(" / "))
        );
        for (duty, n) in duties.iter().zip(row.failing) {
            if n == 0 {
                out.push_str("<td class=\"n muted\">0</td>");
            } else {
                let link = view(&[("account", id), ("duty", duty.id()), ("st", "fail")]);
                let _ = write!(out, "<td class=\"n\"><a href=\"{link}\">{n}</a></td>");
            }
        }
        let _ = write!(
            out,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            row.unknown, row.passing
        );
    }
    out.push_str("</tbody></table>\n");
}

/// The filter bar: search, severities, statuses, and one list per dimension.
fn filters(out: &mut String, report: &Report, regions: &[String], rules: &[String]) {
    out.push_str(
        "<div class=\"filters\"><label class=\"search\">Search <input id=\"q\" type=\"search\" \
         placeholder=\"resource, message, rule, control id…\"></label><div>Severity: ",
    );
    for severity in Severity::ALL.iter().rev() {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"sev\" value=\"{0}\" checked> {0}</label>",
            severity.id()
        );
    }
    out.push_str("</div><div>Status: ");
    for status in [Status::Fail, Status::Unknown, Status::Waived, Status::Pass] {
        let checked = if status == Status::Pass {
            ""
        } else {
            " checked"
        };
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"st\" value=\"{0}\"{checked}> {0}</label>",
            status.id()
        );
    }
    out.push_str("</div>");
    let duties: Vec<(String, String)> = Duty::ALL
        .iter()
        .filter(|d| d.observable())
        .map(|d| (d.id().to_string(), d.title().to_string()))
        .collect();
    select(out, "duty", "Duty", &duties);
    let as_pairs = |values: &[String]| -> Vec<(String, String)> {
        values.iter().map(|v| (v.clone(), v.clone())).collect()
    };
    select(out, "region", "Region", &as_pairs(regions));
    select(out, "rule", "Rule", &as_pairs(rules));
    let accounts: Vec<(String, String)> = report
        .accounts
        .iter()
        .map(|a| {
            let label = match &a.name {
                Some(name) => format!("{} ({name})", a.id),
                None => a.id.clone(),
            };
            (a.id.clone(), label)
        })
        .collect();
    select(out, "account", "Account", &accounts);
    out.push_str(
        "<div><span id=\"shown\">0</span> of <span id=\"total\">0</span> shown · \
         <a href=\"#findings\" id=\"reset\">reset</a></div><div class=\"pager\">\
         <button type=\"button\" id=\"prev\">‹ previous</button> <span id=\"range\"></span> \
         <button type=\"button\" id=\"next\">next ›</button></div></div>\n",
    );
}

fn select(out: &mut String, id: &str, label: &str, options: &[(String, String)]) {
    let _ = write!(
        out,
        "<div><label>{label}: <select id=\"{id}\"><option value=\"\">all</option>"
    );
    for (value, text) in options {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            escape(value),
            escape(text)
        );
    }
    out.push_str("</select></label></div>");
}

/// Findings per data block. The page parses the blocks one after the other, and a row's
/// evidence only when the row is opened, from the evidence block of its number.
const CHUNK: usize = 2000;

/// Rows of the findings table the page shows at a time.
const PAGE: usize = 200;

/// The strings findings repeat, each kept once in the page and named by its index.
struct Tables {
    /// (rule id, title, duty) of every kind of finding, in that order.
    kinds: Vec<(String, String, Duty)>,
    regions: Vec<String>,
    accounts: Vec<String>,
}

impl Tables {
    /// Reads the findings once for the tables.
    fn of(report: &Report) -> Tables {
        let mut kinds = BTreeSet::new();
        let mut regions = BTreeSet::new();
        let mut accounts = BTreeSet::new();
        // Findings come in rule order: most are of the kind of the one before.
        let mut last: Option<Finding> = None;
        for finding in report.findings.iter() {
            let same = |f: &Finding| {
                f.rule_id == finding.rule_id && f.title == finding.title && f.duty == finding.duty
            };
            if !last.as_ref().is_some_and(same) {
                kinds.insert((
                    finding.rule_id.to_string(),
                    finding.title.to_string(),
                    finding.duty,
                ));
            }
            if !regions.contains(region_of(&finding)) {
                regions.insert(region_of(&finding).to_string());
            }
            let account = finding.account.as_deref().unwrap_or(&report.account.id);
            if !accounts.contains(account) {
                accounts.insert(account.to_string());
            }
            last = Some(finding);
        }
        Tables {
            kinds: kinds.into_iter().collect(),
            regions: regions.into_iter().collect(),
            accounts: accounts.into_iter().collect(),
        }
    }

    fn kind(&self, f: &Finding) -> usize {
        self.kinds
            .binary_search_by(|(rule, title, duty)| {
                (rule.as_str(), title.as_str(), *duty).cmp(&(
                    f.rule_id.as_ref(),
                    f.title.as_ref(),
                    f.duty,
                ))
            })
            .unwrap_or_default()
    }

    fn index(table: &[String], value: &str) -> usize {
        table
            .binary_search_by(|v| v.as_str().cmp(value))
            .unwrap_or_default()
    }
}

fn region_of(f: &Finding) -> &str {
    f.region.as_deref().unwrap_or("global")
}

/// Writes `text` as a JSON string that can sit in a `<script type="application/json">`
/// element: JSON's escapes, and `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes, so that
/// no text from the account can end the element (`</script>`) or change how the HTML
/// parser reads it (`<!--`).
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    json_inert(out, text, true);
    out.push('"');
}

/// Copies JSON text (or, with `string`, the content of a JSON string) into `out` with `<`,
/// `>`, `&`, U+2028 and U+2029 as `\u` escapes. In JSON text they only occur inside
/// strings, where the escape means the same character.
fn json_inert(out: &mut String, text: &str, string: bool) {
    let bytes = text.as_bytes();
    let mut run = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; their last byte starts no
            // other character, so the escape replaces the whole character.
            0xA8 | 0xA9 if i >= 2 && bytes[i - 2] == 0xE2 && bytes[i - 1] == 0x80 => {
                out.push_str(&text[run..i - 2]);
                out.push_str(if byte == 0xA8 { "\\u2028" } else { "\\u2029" });
                run = i + 1;
                continue;
            }
            b'"' if string => "\\\"",
            b'\\' if string => "\\\\",
            b'\n' if string => "\\n",
            b'\t' if string => "\\t",
            b'\r' if string => "\\r",
            0..=0x1F if string => {
                out.push_str(&text[run..i]);
                let _ = write!(out, "\\u{byte:04x}");
                run = i + 1;
                continue;
            }
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(escape);
        run = i + 1;
    }
    out.push_str(&text[run..]);
}

/// A finding's evidence as compact JSON text (`null` when it has none). A failed call's
/// message can be a page of parser output: shortened here, whole in the machine formats.
fn evidence_text(f: &Finding) -> String {
    let text = serde_json::to_string(&f.evidence).unwrap_or_else(|_| "null".into());
    if !text.contains("\"gap\"") {
        return text;
    }
    let mut evidence = f.evidence.to_value();
    if let Some(message) = evidence.pointer_mut("/gap/message") {
        let short = triage::shorten(message.as_str().unwrap_or_default(), 200);
        *message = short.into();
    }
    serde_json::to_string(&evidence).unwrap_or_else(|_| "null".into())
}

/// Every finding, as data: the table's head here, and its rows built by the page's script
/// a page at a time from JSON data blocks (not executed, so the Content-Security-Policy
/// needs no hash for them). The tables of rule kinds, regions and accounts come first; then,
/// for every [`CHUNK`] findings, one block of columns (kind, severity, status, region and
/// account as indexes, resource, message, waivers) and one of their evidence, which the
/// page parses only when a row of it is opened.
fn findings(out: &mut String, report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let tables = Tables::of(report);
    out.push_str("<h2 id=\"findings\">Findings</h2>");
    let mut rules: Vec<String> = tables.kinds.iter().map(|k| k.0.clone()).collect();
    rules.dedup();
    filters(out, report, &tables.regions, &rules);
    out.push_str(
        "<table class=\"findings\"><thead><tr>\
         <th><button class=\"sort\" data-key=\"sev\">Severity</button></th>\
         <th><button class=\"sort\" data-key=\"st\">Status</button></th>\
         <th><button class=\"sort\" data-key=\"title\">Finding</button></th>\
         <th><button class=\"sort\" data-key=\"resource\">Resource</button></th>\
         <th><button class=\"sort\" data-key=\"region\">Region</button></th>\
         <th><button class=\"sort\" data-key=\"message\">Message</button></th>\
         </tr></thead><tbody id=\"rows\"></tbody></table><p id=\"printed\" class=\"printed\"></p>\
         <noscript><p>The findings table is built by the page's script, which this viewer \
         does not run: the JSON and CSV reports hold every finding.</p></noscript>\n",
    );
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"findings-meta\">{{\"n\":{},\"chunk\":{CHUNK},\"page\":{PAGE},\"kinds\":[",
        report.findings.len()
    );
    let mut compliance_of: HashMap<&str, String> = HashMap::new();
    for (index, (rule, title, duty)) in tables.kinds.iter().enumerate() {
        let ids = compliance_of
            .entry(rule)
            .or_insert_with(|| compliance::summary_of_rule(rule));
        out.push_str(if index == 0 { "[" } else { ",[" });
        json_string(out, rule);
        out.push(',');
        json_string(out, title);
        let _ = write!(out, ",\"{}\",", duty.id());
        json_string(out, ids);
        out.push(']');
    }
    for (key, table) in [("regions", &tables.regions), ("accounts", &tables.accounts)] {
        let _ = write!(out, "],\"{key}\":[");
        for (index, value) in table.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            json_string(out, value);
        }
    }
    let severities: Vec<&str> = Severity::ALL.iter().map(|s| s.id()).collect();
    let statuses: Vec<&str> = STATUSES.iter().map(|s| s.id()).collect();
    let _ = write!(
        out,
        "],\"sev\":{},\"st\":{}",
        serde_json::to_string(&severities).unwrap_or_default(),
        serde_json::to_string(&statuses).unwrap_or_default()
    );
    out.push_str("}</script>\n");

    let mut chunk: Vec<Finding> = Vec::with_capacity(CHUNK);
    let mut findings = report.findings.iter().peekable();
    while findings.peek().is_some() {
        chunk.clear();
        chunk.extend(findings.by_ref().take(CHUNK));
        data_block(out, &tables, report, &chunk);
        super::flush_when_full(out, w)?;
    }
    w.write_all(out.as_bytes())?;
    out.clear();
    Ok(())
}

/// Statuses in the order the data numbers them (the order of a sort by status).
const STATUSES: [Status; 4] = [Status::Fail, Status::Unknown, Status::Waived, Status::Pass];

/// One chunk of findings: a block of columns, then a block of their evidence.
fn data_block(out: &mut String, tables: &Tables, report: &Report, chunk: &[Finding]) {
    let numbers = |out: &mut String, key: &str, value: &dyn Fn(&Finding) -> usize| {
        let _ = write!(out, "\"{key}\":[");
        for (index, f) in chunk.iter().enumerate() {
            let _ = write!(out, "{}{}", if index > 0 { "," } else { "" }, value(f));
        }
        out.push_str("],");
    };
    let strings = |out: &mut String, key: &str, value: &dyn Fn(&Finding) -> &str| {
        let _ = write!(out, "\"{key}\":[");
        for (index, f) in chunk.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            json_string(out, value(f));
        }
        out.push_str("],");
    };
    out.push_str("<script type=\"application/json\" class=\"findings-data\">{");
    numbers(out, "k", &|f| tables.kind(f));
    numbers(out, "s", &|f| {
        Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(0)
    });
    numbers(out, "t", &|f| {
        STATUSES.iter().position(|s| *s == f.status).unwrap_or(0)
    });
    numbers(out, "g", &|f| Tables::index(&tables.regions, region_of(f)));
    if tables.accounts.len() > 1 {
        numbers(out, "a", &|f| {
            let account = f.account.as_deref().unwrap_or(&report.account.id);
            Tables::index(&tables.accounts, account)
        });
    }
    strings(out, "r", &|f| &f.resource);
    strings(out, "m", &|f| &f.message);
    out.push_str("\"w\":[");
    let mut first = true;
    for (index, f) in chunk.iter().enumerate() {
        if let Some(waiver) = &f.waiver {
            let _ = write!(out, "{}[{index},", if first { "" } else { "," });
            json_string(out, &waiver.expires);
            out.push(',');
            json_string(out, &waiver.reason);
            out.push(']');
            first = false;
        }
    }
    out.push_str("]}</script><script type=\"application/json\" class=\"findings-evidence\">[");
    for (index, f) in chunk.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        json_inert(out, &evidence_text(f), false);
    }
    out.push_str("]</script>\n");
}

/// Every framework's controls by section; the page shows one at a time (`--compliance`,
/// else CIS v7.0).
fn controls(out: &mut String, report: &Report, options: &Options<'_>) {
    let shown = options.compliance.map_or("cis-7.0", |f| f.id);
    out.push_str("<h2 id=\"compliance\">Compliance</h2><div class=\"filters\"><label>Framework: <select id=\"framework\">");
    for framework in &FRAMEWORKS {
        let selected = if framework.id == shown {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            framework.id,
            escape(framework.name)
        );
    }
    out.push_str("</select></label></div>");
    for framework in &FRAMEWORKS {
        let hidden = if framework.id == shown { "" } else { " hidden" };
        let _ = write!(
            out,
            "<section class=\"framework\" data-framework=\"{}\"{hidden}>",
            framework.id
        );
        // Controls come in the framework's order, so each section's rows are together.
        let mut section = String::new();
        for row in triage::controls(report, framework) {
            if row.section != section {
                if !section.is_empty() {
                    out.push_str("</tbody></table>");
                }
                section = row.section.clone();
                let _ = write!(
                    out,
                    "<h3>{}</h3><table><thead><tr><th>Control</th><th>Status</th><th>Title</th>\
                     <th>Failing</th><th>Unknown</th><th>Passing</th><th>Rules</th></tr></thead><tbody>",
                    escape(&section)
                );
            }
            let rules: Vec<String> = row
                .control
                .rules
                .iter()
                .map(|r| {
                    format!(
                        "<a href=\"{}\"><code>{r}</code></a>",
                        view(&[("rule", r), ("st", "fail,unknown,waived,pass")])
                    )
                })
                .collect();
            let detail = if rules.is_empty() {
                escape(row.control.not_observed)
            } else {
                rules.join(" ")
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"cs cs-{}\">{}</td><td>{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{detail}</td></tr>",
                escape(row.control.id),
                row.status.id().replace(' ', "-"),
                row.status.id(),
                escape(row.control.title),
                row.fail,
                row.unknown,
                row.pass
            );
        }
        if !section.is_empty() {
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
}

fn not_checked(out: &mut String, report: &Report) {
    let _ = write!(out, "<h2 id=\"gaps\">{}</h2>", human::NotChecked::TITLE);
    let Some(not_checked) = human::NotChecked::of(report) else {
        out.push_str("<p>Every call succeeded.</p>");
        return;
    };
    let _ = write!(out, "<p>{}.</p><table><thead><tr>", not_checked.headline);
    for column in human::NOT_CHECKED_COLUMNS {
        let _ = write!(out, "<th>{}</th>", capitalized(column));
    }
    out.push_str("</tr></thead><tbody>");
    for group in &not_checked.groups {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&group.call()),
            escape(&group.extent()),
            escape(&group.cause),
            escape(&group.advice)
        );
    }
    let _ = write!(
        out,
        "</tbody></table><details><summary>Every failed call ({})</summary><table><thead><tr>\
         <th>Call</th><th>Region</th><th>Resource</th><th>Message</th></tr></thead><tbody>",
        report.gaps.len()
    );
    for gap in &report.gaps {
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&format!(
                "{}:{} ({})",
                gap.service, gap.operation, gap.error_code
            )),
            escape(gap.region.as_deref().unwrap_or("global")),
            escape(gap.resource.as_deref().unwrap_or("")),
            escape(&triage::shorten(&gap.message, 200))
        );
    }
    out.push_str("</tbody></table></details>");
}

/// The documentation of every rule with findings: full, and its "why it matters" and
/// "how to fix" as templates the rows show when opened.
fn rules(out: &mut String, report: &Report) {
    out.push_str("<h2 id=\"rules\">Rules</h2>");
    let used: BTreeSet<&str> = report
        .findings
        .counts()
        .by_rule_status
        .keys()
        .map(|(rule, _)| rule.as_ref())
        .collect();
    for rule in RULES.iter().filter(|r| used.contains(r.id)) {
        let mut brief = String::new();
        for heading in ["Why it matters", "How to fix"] {
            if let Some(text) = rule.doc_section(heading) {
                let _ = write!(brief, "<h4>{heading}</h4>{}", markdown_html(&text));
            }
        }
        let _ = write!(
            out,
            "<template id=\"doc-{id}\">{brief}</template><section class=\"rule\" id=\"rule-{id}\">\
             <h3><code>{id}</code> — {title}</h3><p class=\"muted\">{duty} · default severity {sev}{ids}</p>\
             <div class=\"doc\">{doc}</div><p><a href=\"{back}\">Its findings</a></p></section>",
            id = escape(rule.id),
            title = escape(rule.title),
            duty = escape(rule.duty.title()),
            sev = rule.severity,
            ids = match compliance::summary_of_rule(rule.id) {
                ids if ids.is_empty() => String::new(),
                ids => format!(" · {}", escape(&ids)),
            },
            doc = markdown_html(&rule.documentation().replacen("## ", "#### ", 1).replace("\n## ", "\n#### ")),
            back = view(&[("rule", rule.id), ("st", "fail,unknown,waived,pass")]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn documentation_renders_as_html_and_its_raw_html_stays_text() {
        let html =
            markdown_html("Use `aws s3api` and <https://docs.aws.amazon.com/x>.\n\n<b>x</b>");
        assert!(html.contains("<code>aws s3api</code>"), "{html}");
        assert!(
            html.contains("<a href=\"https://docs.aws.amazon.com/x\">"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn json_in_a_data_block_has_no_markup_and_reads_back_the_same() {
        let hostile = "</script><script>alert(1)</script><!--<script>\u{2028}\u{2029}&amp;\
                       \"\\\n\t\r\u{1}\u{1f}é€😀 ";
        let mut string = String::new();
        json_string(&mut string, hostile);
        assert!(
            !string.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
            "{string}"
        );
        assert_eq!(serde_json::from_str::<String>(&string).unwrap(), hostile);
        assert!(string.starts_with("\"\\u003c/script\\u003e\\u003cscript\\u003e"));

        // JSON text (evidence) keeps its meaning: the escapes are inside its strings.
        let value = serde_json::json!({"a": [hostile, 1, null], "b\u{2028}<": {"c": true}});
        let mut text = String::new();
        json_inert(&mut text, &value.to_string(), false);
        assert!(
            !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }

    #[test]
    fn fragment_values_cannot_break_out_of_the_link() {
        assert_eq!(fragment_value("a b&c=\"d\"<"), "a%20b%26c%3D%22d%22%3C");
        assert_eq!(
            view(&[("rule", "s3-x"), ("st", "fail")]),
            "#rule=s3-x&st=fail"
        );
    }
}
