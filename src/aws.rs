//! The command line's AWS options (`AwsArgs`) put to use, for `check` and `collect`:
//! credentials (profile, role, MFA), timeouts, the async runtime, and reading the account
//! of the credentials.

use std::io::IsTerminal as _;
use std::time::Duration;

use anyhow::{bail, Context as _};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use posture_rules::model::Snapshot;

use crate::cli::AwsArgs;
use crate::{collect, report};

/// The runtime that reads an account, once the profile asked for is known to exist.
pub fn runtime(aws: &AwsArgs) -> anyhow::Result<tokio::runtime::Runtime> {
    collect::sdk::check_profile(aws.profile.as_deref())?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The role options that only mean something with a role to assume.
pub fn check_role_options(aws: &AwsArgs, org: bool) -> anyhow::Result<()> {
    if aws.role_arn.is_none() && !org && aws.external_id.is_some() {
        bail!("--external-id goes with --role-arn (or --org): there is no role to assume");
    }
    if aws.role_arn.is_none() && !org && aws.duration.is_some() {
        bail!("--duration goes with --role-arn (or --org): there is no role to assume");
    }
    Ok(())
}

/// How to authenticate, from the command line: the chain (or `--profile`), then
/// `--role-arn` with its options. `mfa` is the device's code when `--mfa-serial` is given.
pub fn credentials(aws: &AwsArgs, mfa: Option<String>) -> collect::sdk::Credentials {
    collect::sdk::Credentials {
        profile: aws.profile.clone(),
        role_arn: aws.role_arn.clone(),
        external_id: aws.external_id.clone(),
        session_name: Some(aws.role_session_name.clone()),
        duration: aws.duration.map(|s| Duration::from_secs(u64::from(s))),
        mfa: aws.mfa_serial.clone().zip(mfa),
    }
}

/// The MFA code: `--mfa-token`, or asked for on the terminal.
pub fn mfa_code(aws: &AwsArgs) -> anyhow::Result<Option<String>> {
    let Some(serial) = &aws.mfa_serial else {
        return Ok(None);
    };
    if let Some(code) = &aws.mfa_token {
        return Ok(Some(code.trim().to_string()));
    }
    if !std::io::stdin().is_terminal() {
        bail!("--mfa-serial needs --mfa-token when standard input is not a terminal");
    }
    eprint!("posture: MFA code for {}: ", report::inert::visible(serial));
    let mut code = String::new();
    std::io::stdin()
        .read_line(&mut code)
        .context("reading the MFA code")?;
    let code = code.trim().to_string();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        bail!("an MFA code is six digits");
    }
    Ok(Some(code))
}

pub fn timeouts(aws: &AwsArgs) -> collect::sdk::Timeouts {
    collect::sdk::Timeouts {
        connect: Duration::from_secs_f64(aws.connect_timeout),
        attempt: Duration::from_secs_f64(aws.call_timeout),
    }
}

/// How long the first call (sts:GetCallerIdentity) may take: one attempt, plus 5 s.
pub fn first_call_deadline(aws: &AwsArgs) -> Duration {
    timeouts(aws).attempt + Duration::from_secs(5)
}

/// With `-v`, after the credential chain found nothing: each source it tried and its
/// answer, on standard error before the error itself.
pub fn list_credential_sources(
    error: anyhow::Error,
    verbose: bool,
    aws: &AwsArgs,
) -> anyhow::Error {
    if !verbose || error.downcast_ref::<collect::NoCredentials>().is_none() {
        return error;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    if let Ok(runtime) = runtime {
        let sources = runtime.block_on(collect::sdk::credential_sources(aws.profile.as_deref()));
        for (source, answer) in sources {
            let answer = report::inert::visible(&answer);
            eprintln!("posture: credential source {source}: {answer}");
        }
    }
    error
}

/// Reads the account of the credentials: the `parts` of the snapshot that the selected
/// rules read, or all.
pub fn collect_snapshot(
    aws: &AwsArgs,
    parts: Option<Vec<posture_rules::parts::Part>>,
    quiet: bool,
) -> anyhow::Result<Snapshot> {
    runtime(aws)?.block_on(async {
        let credentials = credentials(aws, mfa_code(aws)?);
        let timeouts = timeouts(aws);
        let pacer = std::sync::Arc::new(collect::pacing::Pacer::default());
        let region = aws.regions.first().map(String::as_str);
        let config = collect::sdk::load(&credentials, region, timeouts, pacer.clone()).await?;
        let progress = if !quiet && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} collecting: {pos} calls done {msg}")
                    .expect("static progress template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        let request = collect::Request {
            regions: (!aws.regions.is_empty()).then(|| aws.regions.clone()),
            first_call_deadline: first_call_deadline(aws),
            profile: aws
                .profile
                .clone()
                .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())),
            parts,
        };
        collect::collect(&config, request, &pacer, progress).await
    })
}
