use crate::model::arn;
use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};

declare_rule! {
    /// ## What it checks
    /// The account-level S3 Block Public Access configuration (s3control): all four settings
    /// must be on. It applies to every bucket, present and future, in every region.
    ///
    /// ## Why it matters
    /// One account-wide switch keeps any bucket from being published by an ACL or policy,
    /// whoever creates it and however. Accounts that host no public content should have it
    /// on.
    ///
    /// ## How to fix
    /// - Console: S3 → Block Public Access settings for this account → Edit → Block all
    ///   public access.
    /// - CLI: `aws s3control put-public-access-block --account-id ACCOUNT --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    /// - Terraform: `aws_s3_account_public_access_block` with all four settings `true`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html>
    pub static RULE = {
        id: "s3-account-public-access-block-off",
        title: "Account-level S3 Block Public Access is not fully on",
        duty: Duty::CustomerData,
        severity: Severity::Medium,
        reads: [AccountPublicAccessBlock],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let resource = arn::account(cx.snapshot);
    let block = match cx.snapshot.s3.account_public_access_block.as_ref() {
        Ok(block) => block,
        Err(gap) => return vec![rule.unknown_gap(resource, None, gap)],
    };
    let finding = match block {
        Some(b) if b.all_on() => rule.pass(
            resource,
            None,
            "account-level Block Public Access is fully on",
        ),
        Some(_) => rule.fail(
            resource,
            None,
            "account-level Block Public Access is only partly on",
        ),
        None => rule.fail(
            resource,
            None,
            "the account has no account-level Block Public Access configuration",
        ),
    };
    vec![finding.with_evidence(evidence!({ "account_public_access_block": Tree(&block) }))]
}
