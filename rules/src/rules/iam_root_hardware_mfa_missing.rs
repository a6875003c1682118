use crate::declare_rule;
use crate::evidence;
use crate::access::root::{neither_source, root_mfa_enabled};
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::iam_scope;

declare_rule! {
    /// ## What it checks
    /// Whether the root user's MFA is a hardware device: it fails when the root user has no
    /// MFA, or when a virtual MFA device (an authenticator app) is assigned to it.
    ///
    /// ## Why it matters
    /// A virtual MFA lives on a phone or computer that is itself exposed to malware, backups
    /// and loss; a hardware key or passkey held in a safe keeps root recoverable only by the
    /// people meant to hold it.
    ///
    /// ## How to fix
    /// - Console: sign in as root → Security credentials → Assign MFA device → Security key
    ///   or Hardware TOTP token; then remove the virtual device.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html>
    pub static RULE = {
        id: "iam-root-hardware-mfa-missing",
        title: "Root user has no hardware MFA",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [VirtualMfaDevices, AccountSummary, CredentialReport],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = iam_scope(cx, "root");
    let Some(enabled) = root_mfa_enabled(cx) else {
        return vec![rule.unknown(resource, None, neither_source(cx))];
    };
    if !enabled {
        return vec![rule.fail(resource, None, "the root user has no MFA at all")];
    }
    let devices = match cx.snapshot.iam.virtual_mfa_devices.as_ref() {
        Ok(devices) => devices,
        Err(gap) => return vec![rule.unknown_gap(resource, None, gap)],
    };
    let virtual_root: Vec<&str> = devices
        .iter()
        .filter(|d| {
            d.user_arn
                .as_deref()
                .is_some_and(|arn| arn.ends_with(":root"))
        })
        .map(|d| d.serial_number.as_str())
        .collect();
    let finding = if virtual_root.is_empty() {
        rule.pass(
            resource,
            None,
            "the root user's MFA is not a virtual device",
        )
    } else {
        rule.fail(
            resource,
            None,
            format!(
                "the root user's MFA is a virtual device ({})",
                virtual_root.join(", ")
            ),
        )
    };
    vec![finding.with_evidence(evidence!({ "virtual_mfa_devices_of_root": virtual_root }))]
}
