use crate::declare_rule;
use crate::evidence;
use crate::model::Analyzer;
use crate::rule::{Context, Duty, Finding, Rule, Severity, Tree};
use crate::iterate::{regional_scope, PerRegion};

declare_rule! {
    /// ## What it checks
    /// Every scanned region has an active IAM Access Analyzer for external access, of the
    /// account or of the organization. Analyzers of unused or internal access only do not
    /// count: they do not report what is shared outside.
    ///
    /// ## Why it matters
    /// Access Analyzer reads resource policies (buckets, keys, roles, queues, secrets,
    /// snapshots...) as AWS evaluates them and reports each resource shared outside the
    /// account or organization, as soon as the policy changes. Resources are regional, so
    /// a region without an analyzer is a region where nobody is told.
    ///
    /// ## How to fix
    /// - Console: IAM → Access analyzer → Create analyzer, in each region (zone of trust:
    ///   the account, or the organization from the delegated administrator).
    /// - CLI: `aws accessanalyzer create-analyzer --analyzer-name external --type ACCOUNT --region REGION`
    /// - Terraform: `aws_accessanalyzer_analyzer` in each region's provider.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html>
    pub static RULE = {
        id: "iam-access-analyzer-disabled",
        title: "No active IAM Access Analyzer for external access in a region",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Low,
        reads: [AccessAnalyzers],
        check: check,
    };
}

fn external_and_active(analyzer: &Analyzer) -> bool {
    matches!(analyzer.kind.as_str(), "ACCOUNT" | "ORGANIZATION") && analyzer.status == "ACTIVE"
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let access_analyzer = PerRegion {
        service: "Access Analyzer",
        read: (cx.snapshot.access_analyzers.iter())
            .map(|r| (r.region.as_str(), &r.analyzers))
            .collect(),
    };
    let scope = regional_scope(cx, "access-analyzer", "analyzer/*");
    access_analyzer.judge(rule, cx, scope, |analyzers, name, resource| {
        let region = Some(name);
        let evidence = evidence!({ "analyzers": Tree(&analyzers) });
        let finding = match analyzers.iter().find(|a| external_and_active(a)) {
            Some(analyzer) => {
                let message = format!(
                    "analyzer {} reports external access in {name}",
                    analyzer.name
                );
                rule.pass(resource, region, message)
            }
            None => {
                let message = format!("{name} has no active analyzer of external access");
                rule.fail(resource, region, message)
            }
        };
        vec![finding.with_evidence(evidence)]
    })
}
