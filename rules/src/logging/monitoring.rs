//! The CIS monitoring recommendations (section 5): for a class of CloudTrail events, a
//! multi-region trail that records every management event delivers to a CloudWatch Logs
//! group, a metric filter on that group matches the events, an alarm watches the filter's
//! metric, and the alarm notifies an SNS topic somebody has subscribed to. Each rule
//! brings sample events of its class; a filter counts when it matches every one of them
//! (evaluated by `filter_pattern`, not by comparing its text with the benchmark's).

use serde_json::{json, Value};

use crate::logging::filter_pattern::Pattern;
use crate::logging::trails::management_events;
use crate::model::arn;
use crate::model::{LogGroupMonitoring, MetricAlarm, MetricFilter, Trail};
use crate::rule::{Context, Finding, Rule};

/// A CloudTrail management event of a call to `source` (`iam.amazonaws.com`) named
/// `name`, made by an IAM user from the internet: the fields a filter may test.
pub fn api_call(source: &str, name: &str) -> Value {
    json!({
        "eventVersion": "1.11",
        "eventSource": source,
        "eventName": name,
        "eventType": "AwsApiCall",
        "eventCategory": "Management",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.27.0",
        "readOnly": false,
        "managementEvent": true,
        "userIdentity": {
            "type": "IAMUser",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "userName": "alice",
        },
        "recipientAccountId": "111122223333",
    })
}

/// An IAM user's console sign-in: `result` `Success` or `Failure`, `mfa` `Yes` or `No`.
pub fn console_sign_in(result: &str, mfa: &str) -> Value {
    let mut event = api_call("signin.amazonaws.com", "ConsoleLogin");
    event["eventType"] = json!("AwsConsoleSignIn");
    event["readOnly"] = json!(false);
    event["responseElements"] = json!({ "ConsoleLogin": result });
    event["additionalEventData"] = json!({
        "LoginTo": "https://console.aws.amazon.com/console/home",
        "MobileVersion": "No",
        "MFAUsed": mfa,
    });
    event
}

/// `api_call` for each of `names`.
pub fn api_calls(source: &str, names: &[&str]) -> Vec<Value> {
    names.iter().map(|name| api_call(source, name)).collect()
}

/// How far the best log group got towards an alarm, for the message.
enum Outcome {
    /// An alarm chain exists: the finding's message and the alarm's ARN.
    Alarmed(String, String),
    /// Why not, and whether the reason is missing data (then `unknown`).
    Short(String, bool),
}

/// The rule's one finding for the account: `pass` with the alarm that covers `what`
/// ("unauthorized API calls"), else `fail` or `unknown` saying where the chain breaks.
pub fn judge(rule: &Rule, cx: &Context<'_>, what: &str, events: &[Value]) -> Vec<Finding> {
    let account = arn::account(cx.snapshot);
    let trails = match cx.snapshot.logging.trails.as_ref() {
        Ok(trails) => trails,
        Err(gap) => return vec![rule.unknown_gap(account, None, gap)],
    };
    let mut reasons: Vec<(String, bool)> = Vec::new();
    for trail in trails {
        match trail_outcome(cx, trail, events, what) {
            Outcome::Alarmed(message, alarm) => return vec![rule.pass(alarm, None, message)],
            Outcome::Short(reason, unknown) => reasons.push((reason, unknown)),
        }
    }
    if let Some((reason, _)) = reasons.iter().find(|(_, unknown)| *unknown) {
        let reason = format!("could not be checked: {reason}");
        return vec![rule.unknown(account, None, reason)];
    }
    let reasons: Vec<String> = reasons.into_iter().map(|(reason, _)| reason).collect();
    let message = match reasons.is_empty() {
        false => format!("nothing alarms on {what}: {}", reasons.join("; ")),
        true => format!("nothing alarms on {what}: the account has no CloudTrail trail"),
    };
    let evidence = json!({ "events_checked": events.len() });
    vec![rule.fail(account, None, message).with_evidence(evidence)]
}

fn trail_outcome(cx: &Context<'_>, trail: &Trail, events: &[Value], what: &str) -> Outcome {
    let name = &trail.name;
    let (Ok(logging), Ok(selectors)) = (trail.logging.as_ref(), trail.selectors.as_ref()) else {
        return Outcome::Short(
            format!("the status or selectors of trail {name} were not read"),
            true,
        );
    };
    if !trail.multi_region || !*logging || !management_events(selectors).both() {
        let why =
            format!("trail {name} is not a logging multi-region trail of every management event");
        return Outcome::Short(why, false);
    }
    let Some(group_arn) = &trail.cloudwatch_logs_group_arn else {
        return Outcome::Short(
            format!("trail {name} does not deliver to CloudWatch Logs"),
            false,
        );
    };
    let owner = arn::account_of(group_arn).unwrap_or_default();
    if owner != cx.snapshot.account.id {
        let why = format!(
            "trail {name} delivers to log group {group_arn} of account {owner}, which that \
             account's scan judges"
        );
        return Outcome::Short(why, true);
    }
    let found = (cx.snapshot.logging.log_groups.iter()).find(|g| &g.arn == group_arn);
    let Some(group) = found else {
        let why = format!("log group {group_arn} of trail {name} was not read");
        return Outcome::Short(why, true);
    };
    group_outcome(group, events, what)
}

fn group_outcome(group: &LogGroupMonitoring, events: &[Value], what: &str) -> Outcome {
    let gap_reason = |gap: &crate::model::Gap| {
        let (service, operation) = (&gap.service, &gap.operation);
        let place = match gap.operation.as_str() {
            "DescribeMetricFilters" => format!("on log group {}", group.name),
            _ => format!("in {}", group.region),
        };
        let why = format!("{service}:{operation} {place} failed ({})", gap.error_code);
        Outcome::Short(why, true)
    };
    let filters = match group.metric_filters.as_ref() {
        Ok(filters) => filters,
        Err(gap) => return gap_reason(gap),
    };
    let (matching, unreadable) = matching_filters(filters, events);
    if matching.is_empty() {
        let group = &group.name;
        if unreadable.is_empty() {
            let why = format!("no metric filter on log group {group} matches {what}");
            return Outcome::Short(why, false);
        }
        let why = format!(
            "posture cannot read {} on log group {group}, and no other filter matches",
            unreadable.join(", ")
        );
        return Outcome::Short(why, true);
    }
    let alarms = match group.alarms.as_ref() {
        Ok(alarms) => alarms,
        Err(gap) => return gap_reason(gap),
    };
    let mut nearest: Option<(String, bool)> = None;
    for filter in &matching {
        for alarm in alarms.iter().filter(|a| filter.metrics.contains(&a.metric)) {
            match alarm_outcome(group, filter, alarm) {
                Outcome::Alarmed(message, arn) => return Outcome::Alarmed(message, arn),
                // A reason from missing data outranks one from configuration.
                Outcome::Short(why, unknown) => {
                    if nearest.as_ref().is_none_or(|(_, known)| unknown && !known) {
                        nearest = Some((why, unknown));
                    }
                }
            }
        }
    }
    let (reason, unknown) = nearest.unwrap_or_else(|| {
        let names: Vec<&str> = matching.iter().map(|f| f.name.as_str()).collect();
        let why = format!(
            "filter(s) {} on log group {} match, but no alarm watches their metric",
            names.join(", "),
            group.name
        );
        (why, false)
    });
    Outcome::Short(reason, unknown)
}

/// The filters that match every event, and those whose pattern posture cannot read.
fn matching_filters<'f>(
    filters: &'f [MetricFilter],
    events: &[Value],
) -> (Vec<&'f MetricFilter>, Vec<String>) {
    let mut unreadable = Vec::new();
    let matching = (filters.iter())
        .filter(|f| match Pattern::parse(&f.pattern) {
            Ok(pattern) => events.iter().all(|e| pattern.matches(e)),
            Err(why) => {
                unreadable.push(format!("filter {} ({})", f.name, why.0));
                false
            }
        })
        .collect();
    (matching, unreadable)
}

/// Whether the alarm notifies somebody: enabled, with a topic that has a confirmed
/// subscriber.
fn alarm_outcome(
    group: &LogGroupMonitoring,
    filter: &MetricFilter,
    alarm: &MetricAlarm,
) -> Outcome {
    let name = &alarm.name;
    if !alarm.actions_enabled {
        return Outcome::Short(format!("alarm {name} has its actions disabled"), false);
    }
    let mut nearest = Outcome::Short(format!("alarm {name} notifies no SNS topic"), false);
    for topic in &alarm.topics {
        match topic.subscribers.as_ref() {
            Ok(subscribers) if !subscribers.is_empty() => {
                let metric = format!("{}/{}", alarm.metric.namespace, alarm.metric.name);
                let message = format!(
                    "alarm {name} watches metric {metric} of filter {} on log group {}, and \
                     notifies topic {} ({} confirmed subscriber(s))",
                    filter.name,
                    group.name,
                    topic.arn,
                    subscribers.len()
                );
                return Outcome::Alarmed(message, alarm.arn.clone());
            }
            Ok(_) => {
                let why = format!(
                    "topic {} of alarm {name} has no confirmed subscriber",
                    topic.arn
                );
                if !matches!(nearest, Outcome::Short(_, true)) {
                    nearest = Outcome::Short(why, false);
                }
            }
            Err(gap) => {
                let why = format!(
                    "the subscribers of topic {} could not be read ({})",
                    topic.arn, gap.error_code
                );
                nearest = Outcome::Short(why, true);
            }
        }
    }
    nearest
}
