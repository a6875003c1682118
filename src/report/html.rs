//! HTML: one self-contained file a reviewer opens offline. Inline CSS and one inline script
//! (filters), both allowed by hash in a Content-Security-Policy that forbids everything
//! else: no network request, and no script but ours even if escaping were ever missed.
//! Every value from the account is escaped.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash as _, Hasher as _};

use base64::Engine as _;
use posture_rules::registry::RULES;
use posture_rules::{Duty, Finding, Severity, Status};
use sha2::{Digest, Sha256};

use super::{escape_markup as escape, Report};

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
header{background:#14213d;color:#fff;max-width:none}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;opacity:.9}
h2{margin-top:32px;border-bottom:2px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.n{text-align:right}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-weight:600}
.banner.ok{background:#dafbe1}
.banner.incomplete{background:#fff8c5}
.filters{background:#fff;border:1px solid #d0d7de;padding:10px;border-radius:6px;display:flex;gap:24px;flex-wrap:wrap}
.filters label{margin-right:10px}
details.finding{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:6px 0;padding:6px 10px}
details.finding summary{cursor:pointer}
.sev{display:inline-block;min-width:64px;font-weight:700;text-transform:uppercase;font-size:12px}
.sev-critical{color:#82071e}.sev-high{color:#cf222e}.sev-medium{color:#9a6700}.sev-low{color:#0969da}.sev-info{color:#57606a}
.st{display:inline-block;min-width:70px;font-size:12px;font-weight:600}
.st-fail{color:#cf222e}.st-unknown{color:#9a6700}.st-waived{color:#8250df}.st-pass{color:#1a7f37}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
pre{background:#f6f8fa;padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.doc{white-space:pre-wrap;background:#fff;border:1px solid #d0d7de;padding:10px;border-radius:6px}
.muted{color:#57606a}
"#;

const SCRIPT: &str = r#"
(function(){
  function checked(name){return Array.prototype.map.call(document.querySelectorAll('input[name="'+name+'"]:checked'),function(e){return e.value;});}
  function apply(){
    var sev=checked('severity'),st=checked('status'),duty=document.getElementById('duty').value,shown=0;
    Array.prototype.forEach.call(document.querySelectorAll('details.finding'),function(e){
      var show=sev.indexOf(e.getAttribute('data-severity'))>=0&&st.indexOf(e.getAttribute('data-status'))>=0&&(duty===''||e.getAttribute('data-duty')===duty);
      e.hidden=!show; if(show){shown++;}
    });
    Array.prototype.forEach.call(document.querySelectorAll('section.duty'),function(s){
      s.hidden=s.querySelectorAll('details.finding:not([hidden])').length===0;
    });
    document.getElementById('shown').textContent=shown;
  }
  Array.prototype.forEach.call(document.querySelectorAll('.filters input,.filters select'),function(e){e.addEventListener('change',apply);});
  apply();
})();
"#;

fn csp_hash(source: &str) -> String {
    let digest = Sha256::digest(source.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn finding_html(out: &mut String, f: &Finding) {
    let _ = write!(
        out,
        "<details class=\"finding\" data-severity=\"{sev}\" data-status=\"{st}\" data-duty=\"{duty}\"><summary>\
         <span class=\"st st-{st}\">{st}</span> <span class=\"sev sev-{sev}\">{sev}</span> \
         <code>{rule}</code> — {resource}{region}</summary>",
        sev = f.severity.id(),
        st = f.status.id(),
        duty = f.duty.id(),
        rule = escape(&f.rule_id),
        resource = escape(&f.resource),
        region = f.region.as_deref().map(|r| format!(" <span class=\"muted\">({})</span>", escape(r))).unwrap_or_default(),
    );
    let _ = write!(out, "<p>{}</p>", escape(&f.message));
    if let Some(waiver) = &f.waiver {
        let _ = write!(
            out,
            "<p><strong>Waived</strong> until {}: {}</p>",
            escape(&waiver.expires),
            escape(&waiver.reason)
        );
    }
    if !f.evidence.is_null() {
        let evidence = serde_json::to_string_pretty(&f.evidence.to_value()).unwrap_or_default();
        let _ = write!(
            out,
            "<p class=\"muted\">Evidence</p><pre>{}</pre>",
            escape(&evidence)
        );
    }
    let _ = write!(
        out,
        "<p><a href=\"#rule-{id}\">Why it matters and how to fix it: {title}</a></p></details>",
        id = escape(&f.rule_id),
        title = escape(&f.title)
    );
}

/// Writes the page a section at a time: one duty's findings are in memory at once.
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::new();
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
         <p>Collected {} · evaluated {} · posture {}</p></header><main>",
        escape(&report.account.id),
        escape(&report.account.caller_arn),
        report.regions.len(),
        escape(&report.regions.join(", ")),
        report.collected_at.format("%Y-%m-%d %H:%M UTC"),
        report.evaluated_at.format("%Y-%m-%d %H:%M UTC"),
        escape(report.tool.version)
    );
    let s = &report.summary;
    if report.complete {
        let _ = write!(out, "<div class=\"banner ok\">Scan complete.</div>");
    } else {
        let _ = write!(
            out,
            "<div class=\"banner incomplete\">Scan incomplete: {} call(s) failed and {} finding(s) are unknown. \
             See <a href=\"#gaps\">what could not be checked</a>.</div>",
            report.gaps.len(),
            s.unknown
        );
    }
    let _ = write!(
        out,
        "<p><strong>{}</strong> failing · {} unknown · {} waived · {} passing</p>",
        s.fail, s.unknown, s.waived, s.pass
    );

    // Scorecard. Resources are told apart by a hash of their name: eight bytes each,
    // instead of the name.
    let mut resources: BTreeMap<Duty, HashSet<u64>> = BTreeMap::new();
    for finding in report.findings.iter() {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        finding.resource.hash(&mut hasher);
        let of_duty = resources.entry(finding.duty).or_default();
        of_duty.insert(hasher.finish());
    }
    out.push_str("<h2 id=\"scorecard\">Scorecard</h2><table><thead><tr><th>Customer duty</th><th>Rules</th>\
                  <th>Resources checked</th><th>Failing</th><th>Unknown</th><th>Passing</th></tr></thead><tbody>");
    for duty in &report.duties {
        if !duty.observable {
            let _ = write!(
                out,
                "<tr><td>{}</td><td colspan=\"5\" class=\"muted\">Not observable: {}</td></tr>",
                escape(duty.title),
                escape(duty.note.unwrap_or(""))
            );
            continue;
        }
        let checked = resources.get(&duty.duty).map_or(0, HashSet::len);
        let _ = write!(
            out,
            "<tr><td><a href=\"#duty-{}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            duty.duty.id(),
            escape(duty.title),
            duty.rules,
            checked,
            duty.fail,
            duty.unknown,
            duty.pass
        );
    }
    out.push_str("</tbody></table>\n");

    // Filters.
    out.push_str("<h2 id=\"findings\">Findings</h2><div class=\"filters\"><div>Severity: ");
    for severity in Severity::ALL.iter().rev() {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"severity\" value=\"{0}\" checked> {0}</label>",
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
            "<label><input type=\"checkbox\" name=\"status\" value=\"{0}\"{checked}> {0}</label>",
            status.id()
        );
    }
    out.push_str("</div><div><label>Duty: <select id=\"duty\"><option value=\"\">all</option>");
    for duty in Duty::ALL.iter().filter(|d| d.observable()) {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            duty.id(),
            escape(duty.title())
        );
    }
    out.push_str("</select></label></div><div><span id=\"shown\"></span> shown</div></div>\n");

    for duty in Duty::ALL.iter().filter(|d| d.observable()) {
        if !report
            .findings
            .counts()
            .by_duty_status
            .keys()
            .any(|(d, _)| d == duty)
        {
            continue;
        }
        // Worst first; the store is in rule order, which the stable sort keeps.
        let findings = report.findings.sorted_by(
            |f| f.duty == *duty,
            |f| (f.status, std::cmp::Reverse(f.severity)),
        );
        let _ = write!(
            out,
            "<section class=\"duty\" id=\"duty-{}\"><h3>{}</h3>",
            duty.id(),
            escape(duty.title())
        );
        for finding in findings {
            finding_html(&mut out, &finding);
            super::flush_when_full(&mut out, w)?;
        }
        out.push_str("</section>\n");
        w.write_all(out.as_bytes())?;
        out.clear();
    }

    // Gaps.
    let _ = write!(out, "<h2 id=\"gaps\">What could not be checked</h2>");
    if report.gaps.is_empty() {
        out.push_str("<p>Every call succeeded.</p>");
    } else {
        out.push_str(
            "<table><thead><tr><th>Service</th><th>Operation</th><th>Region</th><th>Resource</th>\
                      <th>Error</th><th>Message</th></tr></thead><tbody>",
        );
        for gap in &report.gaps {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&gap.service),
                escape(&gap.operation),
                escape(gap.region.as_deref().unwrap_or("global")),
                escape(gap.resource.as_deref().unwrap_or("")),
                escape(&gap.error_code),
                escape(&gap.message)
            );
        }
        out.push_str("</tbody></table>");
    }
    if !report.warnings.is_empty() {
        out.push_str("<h2 id=\"warnings\">Warnings</h2><ul>");
        for warning in &report.warnings {
            let _ = write!(out, "<li>{}</li>", escape(warning));
        }
        out.push_str("</ul>");
    }

    // Rule reference: why it matters, how to fix, compliance ids.
    out.push_str("<h2 id=\"rules\">Rules</h2>");
    let used: BTreeSet<String> = report.findings.iter().map(|f| f.rule_id).collect();
    for rule in RULES.iter().filter(|r| used.contains(r.id)) {
        let ids = [posture_rules::compliance::summary_of_rule(rule.id)];
        let _ = write!(
            out,
            "<section id=\"rule-{id}\"><h3><code>{id}</code> — {title}</h3><p class=\"muted\">{duty} · default severity {sev} · {ids}</p>\
             <div class=\"doc\">{doc}</div></section>",
            id = escape(rule.id),
            title = escape(rule.title),
            duty = escape(rule.duty.title()),
            sev = rule.severity,
            ids = escape(&ids.join(" · ")),
            doc = escape(&rule.documentation())
        );
    }
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    w.write_all(out.as_bytes())
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
}
