use crate::declare_rule;
use crate::evidence;
use crate::rule::{Context, Duty, Finding, Rule, Severity};
use crate::iterate::iam_scope;

declare_rule! {
    /// ## What it checks
    /// SSL/TLS server certificates stored in IAM that have expired.
    ///
    /// ## Why it matters
    /// An expired certificate still attached to a load balancer or CloudFront breaks TLS for
    /// clients, who learn to click through warnings; left unattached it is clutter that can
    /// be deployed by mistake.
    ///
    /// ## How to fix
    /// Delete it (after moving anything that uses it to a valid certificate, preferably from
    /// AWS Certificate Manager, which renews automatically).
    ///
    /// - CLI: `aws iam delete-server-certificate --server-certificate-name NAME`
    /// - Console: IAM certificates have no console page; use the CLI or the API.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html>
    pub static RULE = {
        id: "iam-server-certificate-expired",
        title: "IAM server certificate has expired",
        duty: Duty::IdentityAndAccessManagement,
        severity: Severity::Medium,
        reads: [ServerCertificates],
        check: check,
    };
}

fn check(rule: &Rule, cx: &Context<'_>) -> Vec<Finding> {
    let certificates = match cx.snapshot.iam.server_certificates.as_ref() {
        Ok(certificates) => certificates,
        Err(gap) => {
            return vec![rule.unknown_gap(iam_scope(cx, "server-certificate/*"), None, gap)]
        }
    };
    certificates
        .iter()
        .map(|certificate| {
            let evidence = evidence!({ "expires": certificate.expires });
            match certificate.expires {
                Some(expires) if expires <= cx.settings.now => rule
                    .fail(
                        &certificate.arn,
                        None,
                        format!(
                            "{} expired on {}",
                            certificate.name,
                            expires.format("%Y-%m-%d")
                        ),
                    )
                    .with_evidence(evidence),
                Some(expires) => rule
                    .pass(
                        &certificate.arn,
                        None,
                        format!(
                            "{} is valid until {}",
                            certificate.name,
                            expires.format("%Y-%m-%d")
                        ),
                    )
                    .with_evidence(evidence),
                None => rule.unknown(
                    &certificate.arn,
                    None,
                    format!(
                        "could not be checked: IAM gave no expiry for {}",
                        certificate.name
                    ),
                ),
            }
        })
        .collect()
}
