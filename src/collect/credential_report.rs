//! Parsing the IAM credential report (a CSV file) into the snapshot's rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use posture_rules::model::{AccessKeyUsage, CredentialReportRow};

/// Parses the report. An error names the line and column that did not make sense, so the
/// gap it becomes is actionable.
pub fn parse(csv_text: &[u8]) -> Result<Vec<CredentialReportRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text);
    let headers = reader
        .headers()
        .map_err(|e| format!("unreadable header: {e}"))?
        .clone();
    let column: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    for required in [
        "user",
        "arn",
        "password_enabled",
        "mfa_active",
        "access_key_1_active",
    ] {
        if !column.contains_key(required) {
            return Err(format!("no `{required}` column"));
        }
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("line {}: {e}", index + 2))?;
        let record =
            rejoin_names(&record, headers.len()).map_err(|e| format!("line {}: {e}", index + 2))?;
        let field = |name: &str| {
            column
                .get(name)
                .and_then(|&i| record.get(i))
                .map_or("", String::as_str)
        };
        let date = |name: &str| {
            parse_date(field(name)).map_err(|e| format!("line {}: column {name}: {e}", index + 2))
        };
        let access_keys = (1..=2u8)
            .map(|slot| {
                let prefix = format!("access_key_{slot}");
                Ok(AccessKeyUsage {
                    slot,
                    active: is_true(field(&format!("{prefix}_active"))),
                    last_rotated: date(&format!("{prefix}_last_rotated"))?,
                    last_used: date(&format!("{prefix}_last_used_date"))?,
                    last_used_service: text(field(&format!("{prefix}_last_used_service"))),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        rows.push(CredentialReportRow {
            user: field("user").to_string(),
            arn: field("arn").to_string(),
            user_created: date("user_creation_time")?,
            password_enabled: is_true(field("password_enabled")),
            password_last_used: date("password_last_used")?,
            mfa_active: is_true(field("mfa_active")),
            access_keys,
        });
    }
    Ok(rows)
}

/// The fields of one row, with the user name and ARN put back together when they hold
/// commas. IAM allows commas in user names and paths, and a report that does not quote
/// them (moto's) has more fields than columns: the user's spill over from the first
/// column up to the field that starts the ARN, the ARN's up to the fixed columns that
/// follow it. The ARN must then end with the user name, or the row is an error.
fn rejoin_names(record: &csv::StringRecord, width: usize) -> Result<Vec<String>, String> {
    let fields: Vec<&str> = record.iter().collect();
    if fields.len() == width {
        return Ok(fields.into_iter().map(str::to_string).collect());
    }
    if fields.len() < width {
        return Err(format!(
            "{} fields where the header has {width}",
            fields.len()
        ));
    }
    let arn_start = (1..fields.len())
        .find(|&i| fields[i].starts_with("arn:"))
        .ok_or("more fields than columns and no ARN to tell the user name by")?;
    let after_arn = width - 2;
    let arn_end = fields.len() - after_arn;
    if arn_end <= arn_start {
        return Err(format!(
            "{} fields where the header has {width}",
            fields.len()
        ));
    }
    let user = fields[..arn_start].join(",");
    let arn = fields[arn_start..arn_end].join(",");
    if !arn.ends_with(&format!("/{user}")) {
        return Err(format!(
            "{} fields where the header has {width}, and `{arn}` is not the ARN of `{user}`",
            fields.len()
        ));
    }
    let mut row = vec![user, arn];
    row.extend(fields[arn_end..].iter().map(|f| f.to_string()));
    Ok(row)
}

fn is_true(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}

/// The report's placeholders for "no value".
fn is_placeholder(value: &str) -> bool {
    matches!(value, "" | "N/A" | "no_information" | "not_supported")
}

fn text(value: &str) -> Option<String> {
    (!is_placeholder(value)).then(|| value.to_string())
}

fn parse_date(value: &str) -> Result<Option<DateTime<Utc>>, String> {
    if is_placeholder(value) {
        return Ok(None);
    }
    DateTime::parse_from_rfc3339(value)
        .map(|d| Some(d.with_timezone(&Utc)))
        .map_err(|e| format!("`{value}` is not a date ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-10-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2024-03-01T12:00:00+00:00,true,no_information,2024-03-01T12:00:00+00:00,N/A,false,true,2024-03-01T12:00:00+00:00,2026-11-01T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn parses_root_and_users() {
        let rows = parse(REPORT.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].user, "<root_account>");
        assert!(!rows[0].password_enabled);
        assert!(rows[0].mfa_active);
        assert!(rows[0].password_last_used.is_some());
        let alice = &rows[1];
        assert!(alice.password_enabled);
        assert_eq!(alice.password_last_used, None);
        assert!(alice.access_keys[0].active);
        assert_eq!(
            alice.access_keys[0].last_used_service.as_deref(),
            Some("s3")
        );
        assert!(!alice.access_keys[1].active);
    }

    #[test]
    fn user_names_with_commas_are_put_back_together() {
        let unquoted = REPORT.replace(
            "alice,arn:aws:iam::123456789012:user/alice,",
            "a,l,ice,arn:aws:iam::123456789012:user/ops,x/a,l,ice,",
        );
        let rows = parse(unquoted.as_bytes()).unwrap();
        assert_eq!(rows[1].user, "a,l,ice");
        assert_eq!(rows[1].arn, "arn:aws:iam::123456789012:user/ops,x/a,l,ice");
        assert!(rows[1].access_keys[0].active);
        let quoted = REPORT.replace(
            "alice,arn:aws:iam::123456789012:user/alice,",
            "\"a,b\",\"arn:aws:iam::123456789012:user/a,b\",",
        );
        assert_eq!(parse(quoted.as_bytes()).unwrap()[1].user, "a,b");
        // Extra fields that are not a name's: an error, not a guess.
        let shifted = REPORT.replace(
            "alice,arn:aws:iam::123456789012:user/alice,",
            "a,b,arn:aws:iam::123456789012:user/c,",
        );
        assert!(parse(shifted.as_bytes()).unwrap_err().contains("line 3"));
        let short = REPORT.replace(",false,N/A,false,N/A\n", "\n");
        assert!(parse(short.as_bytes()).unwrap_err().contains("line 2"));
    }

    #[test]
    fn bad_dates_and_missing_columns_are_errors() {
        let bad = REPORT.replace("2024-03-01T12:00:00+00:00,true", "yesterday,true");
        assert!(parse(bad.as_bytes()).unwrap_err().contains("line 3"));
        assert!(parse(b"user,arn\nx,y\n")
            .unwrap_err()
            .contains("password_enabled"));
    }
}
