use chrono::Duration;

use crate::declare_rule;
use crate::evidence;
use crate::model::PatchState;
use crate::patching::{each_running_instance, Managed};
use crate::rule::{Context, Duty, Finding, Rule, Severity};

/// A patch scan this much older than the collection says little about the instance then:
/// it is `unknown`.
const STALE_SCAN_DAYS: i64 = 30;

declare_rule! {
    /// ## What it checks
    /// Running EC2 instances whose last Systems Manager patch scan or install found
    /// patches of their patch baseline missing or failed, in every scanned region. An
    /// instance Systems Manager does not manage, that never reported a scan, or whose last
    /// scan is more than 30 days old, is `unknown`, said plainly: its patch state cannot be
    /// read.
    ///
    /// ## Why it matters
    /// The guest operating system, "including updates and security patches", is the
    /// customer's duty (the Shared Responsibility Model). Missing security patches are how
    /// known vulnerabilities stay exploitable; a failed install usually means the instance
    /// believes it is patched when it is not.
    ///
    /// ## How to fix
    /// - Install the missing patches: `aws ssm send-command --document-name
    ///   AWS-RunPatchBaseline --parameters Operation=Install --targets
    ///   Key=InstanceIds,Values=ID`, or a patch policy in Quick Setup that scans daily and
    ///   installs in a maintenance window.
    /// - For failed patches, read the command's output on the instance and fix its cause
    ///   (disk space, repository access, a held package).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-compliance-states.html>
    pub static RULE = {
        id: "ec2-instance-patches-missing",
        title: "EC2 instance is missing patches",
        duty: Duty::NetworkConfiguration,
        severity: Severity::High,
        reads: [Instances, SsmManagedNodes, SsmPatchStates],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    each_running_instance(rule, cx, |managed| Some(instance(rule, cx, &managed)))
}

fn instance(rule: &Rule, cx: &Context<'_>, managed: &Managed<'_>) -> Finding {
    if managed.node.is_none() {
        return managed.not_managed(rule, "patch state");
    }
    let label = managed.label();
    let region = Some(managed.region);
    let state = match managed.patch {
        Err(gap) => return rule.unknown_gap(&managed.arn, region, gap),
        Ok(None) => {
            let reason = format!(
                "could not be checked: {label} is managed by Systems Manager but has never \
                 reported a patch scan"
            );
            return rule.unknown(&managed.arn, region, reason);
        }
        Ok(Some(state)) => state,
    };
    judge(rule, cx, managed, state)
}

fn judge(rule: &Rule, cx: &Context<'_>, managed: &Managed<'_>, state: &PatchState) -> Finding {
    let label = managed.label();
    let region = Some(managed.region);
    let evidence = evidence!({
        "missing": state.missing,
        "failed": state.failed,
        "critical_missing": state.critical_non_compliant,
        "security_missing": state.security_non_compliant,
        "installed_pending_reboot": state.installed_pending_reboot,
        "last_operation": state.operation,
        "last_operation_end": state.operation_end,
    });
    let scanned = match state.operation_end {
        Some(end) if cx.snapshot.collected_at - end <= Duration::days(STALE_SCAN_DAYS) => end,
        stale => {
            let when = stale.map_or("at an unknown time".to_string(), |t| {
                format!("on {}", t.format("%Y-%m-%d"))
            });
            let reason = format!(
                "could not be checked: {label}'s last patch scan ended {when}, more than \
                 {STALE_SCAN_DAYS} days before the scan"
            );
            return rule
                .unknown(&managed.arn, region, reason)
                .with_evidence(evidence);
        }
    };
    let scanned = scanned.format("%Y-%m-%d");
    if state.missing == 0 && state.failed == 0 {
        let message = format!("{label} had no missing or failed patches at its scan of {scanned}");
        return rule
            .pass(&managed.arn, region, message)
            .with_evidence(evidence);
    }
    let message = format!("{label} {} at its scan of {scanned}", counts(state));
    rule.fail(&managed.arn, region, message)
        .with_evidence(evidence)
}

/// "is missing 12 patches (3 critical, 5 security) and 1 failed to install".
fn counts(state: &PatchState) -> String {
    let split: Vec<String> = [
        (state.critical_non_compliant, "critical"),
        (state.security_non_compliant, "security"),
    ]
    .into_iter()
    .filter_map(|(count, kind)| count.filter(|n| *n > 0).map(|n| format!("{n} {kind}")))
    .collect();
    let split = if split.is_empty() {
        String::new()
    } else {
        format!(" ({})", split.join(", "))
    };
    let missing = format!(
        "is missing {} patch{}{split}",
        state.missing,
        plural(state.missing)
    );
    match state.failed {
        0 => missing,
        failed if state.missing == 0 => {
            format!(
                "has {failed} patch{} that failed to install",
                plural(failed)
            )
        }
        failed => format!("{missing} and {failed} that failed to install"),
    }
}

fn plural(n: i32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "es"
    }
}
