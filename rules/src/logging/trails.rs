//! What a CloudTrail trail records, from its event selectors: management events (read,
//! write) and S3 object-level data events, per bucket. Basic and advanced selectors are
//! read as the CloudTrail user guide describes them ("Logging management events",
//! "Logging data events"): a trail uses one kind or the other, and with no selector at all
//! it records every management event.

use crate::model::{AdvancedEventSelector, EventSelectors, FieldSelector, Trail};

/// Which of an event kind's calls a trail records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Records {
    pub read: bool,
    pub write: bool,
}

impl Records {
    const BOTH: Records = Records {
        read: true,
        write: true,
    };

    fn of_read_write_type(read_write_type: &str) -> Records {
        Records {
            read: matches!(read_write_type, "All" | "ReadOnly"),
            write: matches!(read_write_type, "All" | "WriteOnly"),
        }
    }

    fn union(self, other: Records) -> Records {
        Records {
            read: self.read || other.read,
            write: self.write || other.write,
        }
    }

    pub fn both(self) -> bool {
        self.read && self.write
    }
}

/// The management events the selectors record.
pub fn management_events(selectors: &EventSelectors) -> Records {
    if selectors.basic.is_empty() && selectors.advanced.is_empty() {
        return Records::BOTH;
    }
    let basic = selectors
        .basic
        .iter()
        .filter(|s| s.include_management_events)
        .map(|s| Records::of_read_write_type(&s.read_write_type));
    let advanced = selectors
        .advanced
        .iter()
        .filter(|s| category_is(s, "Management") && !narrowed(s, &["eventCategory", "readOnly"]))
        .map(read_only_filter);
    basic
        .chain(advanced)
        .fold(Records::default(), Records::union)
}

/// The S3 object-level events the selectors record for every object of `bucket` (a bucket
/// name), in `partition`.
pub fn s3_object_events(selectors: &EventSelectors, partition: &str, bucket: &str) -> Records {
    // `arn:PARTITION:s3`, `arn:PARTITION:s3:::` (every bucket) or
    // `arn:PARTITION:s3:::BUCKET/` (every object of the bucket), compared without writing
    // them out: this runs for every bucket of every trail.
    let covers = |value: &str| {
        let Some(rest) = value
            .strip_prefix("arn:")
            .and_then(|rest| rest.strip_prefix(partition))
            .and_then(|rest| rest.strip_prefix(":s3"))
        else {
            return false;
        };
        let objects_of = |rest: &str| rest.strip_prefix(bucket) == Some("/");
        rest.is_empty() || rest == ":::" || rest.strip_prefix(":::").is_some_and(objects_of)
    };
    let basic = selectors
        .basic
        .iter()
        .filter(|s| {
            s.data_resources
                .iter()
                .any(|r| r.resource_type == "AWS::S3::Object" && r.values.iter().any(|v| covers(v)))
        })
        .map(|s| Records::of_read_write_type(&s.read_write_type));
    // Written out only for a trail with advanced selectors, which match it by prefix.
    let whole_bucket = if selectors.advanced.is_empty() {
        String::new()
    } else {
        ["arn:", partition, ":s3:::", bucket, "/"].concat()
    };
    let advanced = selectors
        .advanced
        .iter()
        .filter(|s| {
            category_is(s, "Data")
                && field_equals(s, "resources.type", "AWS::S3::Object")
                && arns_cover_bucket(s, &whole_bucket)
                && !narrowed(
                    s,
                    &[
                        "eventCategory",
                        "resources.type",
                        "readOnly",
                        "resources.ARN",
                    ],
                )
        })
        .map(read_only_filter);
    basic
        .chain(advanced)
        .fold(Records::default(), Records::union)
}

/// Whether the trail logs `region`: multi-region trails log every region, others their
/// home region.
pub fn logs_region(trail: &Trail, region: &str) -> bool {
    trail.multi_region || trail.home_region == region
}

fn fields<'a>(
    selector: &'a AdvancedEventSelector,
    name: &'a str,
) -> impl Iterator<Item = &'a FieldSelector> {
    selector
        .field_selectors
        .iter()
        .filter(move |f| f.field.eq_ignore_ascii_case(name))
}

fn category_is(selector: &AdvancedEventSelector, category: &str) -> bool {
    field_equals(selector, "eventCategory", category)
}

fn field_equals(selector: &AdvancedEventSelector, name: &str, value: &str) -> bool {
    fields(selector, name).any(|f| f.equals.iter().any(|v| v == value))
}

/// `readOnly` = `true` keeps read events only, `false` write events only; absent, both.
fn read_only_filter(selector: &AdvancedEventSelector) -> Records {
    fields(selector, "readOnly").fold(Records::BOTH, |kept, f| {
        let read =
            f.equals.iter().any(|v| v == "true") || f.not_equals.iter().any(|v| v == "false");
        let write =
            f.equals.iter().any(|v| v == "false") || f.not_equals.iter().any(|v| v == "true");
        Records {
            read: kept.read && read,
            write: kept.write && write,
        }
    })
}

/// Whether a field other than `allowed` narrows what the selector records (an event source
/// named, a resource type chosen, a name excluded): then it records only part of what the
/// rule asks for.
fn narrowed(selector: &AdvancedEventSelector, allowed: &[&str]) -> bool {
    selector
        .field_selectors
        .iter()
        .any(|f| !allowed.iter().any(|a| f.field.eq_ignore_ascii_case(a)))
}

/// `resources.ARN` conditions leave every object of the bucket recorded: none at all, or
/// a prefix the bucket's ARNs start with, and no exclusion that could take any of them.
fn arns_cover_bucket(selector: &AdvancedEventSelector, whole_bucket: &str) -> bool {
    fields(selector, "resources.ARN").all(|f| {
        let positive = f.equals.is_empty() && f.ends_with.is_empty();
        let prefix_fits = f.starts_with.is_empty()
            || f.starts_with
                .iter()
                .any(|p| whole_bucket.starts_with(p.as_str()));
        let excluded = f.not_equals.iter().any(|v| v.starts_with(whole_bucket))
            || f.not_starts_with
                .iter()
                .any(|p| whole_bucket.starts_with(p.as_str()) || p.starts_with(whole_bucket))
            || !f.not_ends_with.is_empty();
        positive && prefix_fits && !excluded
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataResource, EventSelector};

    fn basic(read_write: &str, management: bool, s3: &[&str]) -> EventSelectors {
        EventSelectors {
            basic: vec![EventSelector {
                read_write_type: read_write.into(),
                include_management_events: management,
                data_resources: vec![DataResource {
                    resource_type: "AWS::S3::Object".into(),
                    values: s3.iter().map(|v| v.to_string()).collect(),
                }],
                exclude_management_event_sources: vec![],
            }],
            advanced: vec![],
        }
    }

    fn field(name: &str, equals: &[&str]) -> FieldSelector {
        FieldSelector {
            field: name.into(),
            equals: equals.iter().map(|v| v.to_string()).collect(),
            ..Default::default()
        }
    }

    fn advanced(fields: Vec<FieldSelector>) -> EventSelectors {
        EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: None,
                field_selectors: fields,
            }],
        }
    }

    #[test]
    fn no_selector_records_every_management_event() {
        assert!(management_events(&EventSelectors::default()).both());
        assert_eq!(
            s3_object_events(&EventSelectors::default(), "aws", "b"),
            Records::default()
        );
    }

    #[test]
    fn basic_selectors() {
        let write_only = basic("WriteOnly", true, &["arn:aws:s3"]);
        let records = management_events(&write_only);
        assert!(records.write && !records.read);
        assert!(!management_events(&basic("All", false, &[])).write);
        assert!(s3_object_events(&write_only, "aws", "b").write);
        assert!(!s3_object_events(&write_only, "aws", "b").read);
        let one_bucket = basic("All", true, &["arn:aws:s3:::b/"]);
        assert!(s3_object_events(&one_bucket, "aws", "b").both());
        assert_eq!(
            s3_object_events(&one_bucket, "aws", "c"),
            Records::default()
        );
        let one_prefix = basic("All", true, &["arn:aws:s3:::b/logs/"]);
        assert_eq!(
            s3_object_events(&one_prefix, "aws", "b"),
            Records::default()
        );
        let other_partition = basic("All", true, &["arn:aws-cn:s3"]);
        assert_eq!(
            s3_object_events(&other_partition, "aws", "b"),
            Records::default()
        );
    }

    #[test]
    fn advanced_selectors() {
        let management = advanced(vec![field("eventCategory", &["Management"])]);
        assert!(management_events(&management).both());
        let reads = advanced(vec![
            field("eventCategory", &["Management"]),
            field("readOnly", &["true"]),
        ]);
        let records = management_events(&reads);
        assert!(records.read && !records.write);
        let one_source = advanced(vec![
            field("eventCategory", &["Management"]),
            field("eventSource", &["iam.amazonaws.com"]),
        ]);
        assert_eq!(management_events(&one_source), Records::default());

        let s3 = advanced(vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::S3::Object"]),
        ]);
        assert!(s3_object_events(&s3, "aws", "b").both());
        assert_eq!(management_events(&s3), Records::default());
        let mut prefixed = s3.clone();
        prefixed.advanced[0].field_selectors.push(FieldSelector {
            field: "resources.ARN".into(),
            starts_with: vec!["arn:aws:s3:::b/".into()],
            ..Default::default()
        });
        assert!(s3_object_events(&prefixed, "aws", "b").both());
        assert_eq!(s3_object_events(&prefixed, "aws", "c"), Records::default());
        let mut excluding = s3.clone();
        excluding.advanced[0].field_selectors.push(FieldSelector {
            field: "resources.ARN".into(),
            not_starts_with: vec!["arn:aws:s3:::b/tmp/".into()],
            ..Default::default()
        });
        assert_eq!(s3_object_events(&excluding, "aws", "b"), Records::default());
        assert!(s3_object_events(&excluding, "aws", "c").both());
        let lambda = advanced(vec![
            field("eventCategory", &["Data"]),
            field("resources.type", &["AWS::Lambda::Function"]),
        ]);
        assert_eq!(s3_object_events(&lambda, "aws", "b"), Records::default());
    }
}

/// Which kind of S3 object-level event a rule asks to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// Each bucket's finding for a rule asking that its object-level `access` events are
/// recorded by a trail that is logging in the bucket's region.
pub fn each_bucket_object_logging(
    rule: &crate::rule::Rule,
    cx: &crate::rule::Context<'_>,
    access: Access,
) -> Vec<crate::rule::Finding> {
    let trails = match cx.snapshot.logging.trails.as_ref() {
        Ok(trails) => trails,
        Err(gap) => {
            let scope = format!("arn:{}:s3:::*", cx.snapshot.account.partition);
            return vec![rule.unknown_gap(scope, None, gap)];
        }
    };
    let (kind, partition) = match access {
        Access::Read => ("reads", &cx.snapshot.account.partition),
        Access::Write => ("writes", &cx.snapshot.account.partition),
    };
    crate::iterate::each_bucket(rule, cx, |bucket, region| {
        let mut unreadable = Vec::new();
        let recording = trails.iter().find(|trail| {
            let in_region = match region {
                Some(region) => logs_region(trail, region),
                None => trail.multi_region,
            };
            let (Ok(logging), Ok(selectors)) = (trail.logging.as_ref(), trail.selectors.as_ref())
            else {
                if in_region || region.is_none() {
                    unreadable.push(trail.name.as_str());
                }
                return false;
            };
            let records = s3_object_events(selectors, partition, &bucket.name);
            let recorded = match access {
                Access::Read => records.read,
                Access::Write => records.write,
            };
            in_region && *logging && recorded
        });
        let evidence = serde_json::json!({ "recorded_by": recording.map(|t| &t.arn) });
        if let Some(trail) = recording {
            let message = format!(
                "object-level {kind} of {} are recorded by trail {}",
                bucket.name, trail.name
            );
            return rule
                .pass(&bucket.arn, region, message)
                .with_evidence(evidence);
        }
        if !unreadable.is_empty() {
            let reason = format!(
                "could not be checked: the status or event selectors of trail(s) {} could \
                 not be read",
                unreadable.join(", ")
            );
            return rule.unknown(&bucket.arn, region, reason);
        }
        if region.is_none() {
            let reason = format!(
                "could not be checked: the region of {} is not known, and no multi-region \
                 trail records its object-level {kind}",
                bucket.name
            );
            return rule.unknown(&bucket.arn, region, reason);
        }
        let message = format!(
            "no trail that is logging records object-level {kind} of {}",
            bucket.name
        );
        rule.fail(&bucket.arn, region, message)
            .with_evidence(evidence)
    })
}
