use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};

declare_rule! {
    /// ## What it checks
    /// That the account has a security alternate contact with an email address.
    ///
    /// ## Why it matters
    /// When AWS sees the account attacked or abusing others — leaked keys on a public
    /// repository, instances mining or scanning — it writes to the security contact. Without
    /// one, the notice goes to the root user's address, often a former employee's or an
    /// unread alias, and the incident runs on.
    ///
    /// ## How to fix
    /// - Console: Account → Alternate contacts → Security → Edit.
    /// - CLI: `aws account put-alternate-contact --alternate-contact-type SECURITY --email-address security@example.com --name "Security team" --phone-number "+1 555 0100" --title "Security"`
    /// - Terraform: `aws_account_alternate_contact` with `alternate_contact_type = "SECURITY"`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html>
    pub static RULE = {
        id: "account-security-contact-missing",
        title: "The account has no security contact",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [SecurityContact],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = arn::account(cx.snapshot);
    let contact = match cx.snapshot.security_contact.as_ref() {
        Ok(contact) => contact,
        Err(gap) => return vec![rule.unknown_gap(resource, None, gap)],
    };
    let email = contact
        .as_ref()
        .map(|c| c.email.as_deref().unwrap_or("").trim());
    let finding = match email {
        None => rule.fail(resource, None, "the account has no security contact"),
        Some("") => rule.fail(resource, None, "the security contact has no email address"),
        Some(email) => rule.pass(resource, None, format!("security contact: {email}")),
    };
    vec![finding.with_evidence(evidence!({ "security_contact": Tree(&contact) }))]
}
