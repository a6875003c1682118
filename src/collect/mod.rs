//! Collect: read the account through the AWS SDK into a [`Snapshot`].
//!
//! Regions, services and per-bucket calls run concurrently (with bounds), every list is
//! paginated to the end, and every failed call becomes a [`Gap`] in the snapshot rather
//! than an error that stops the scan or a silent hole.

mod access_analyzer;
mod account;
mod credential_report;
mod ec2;
mod efs;
mod guardrails;
mod iam;
mod kms;
mod logging;
mod monitoring;
pub mod org;
pub mod pacing;
pub mod permissions;
mod rds;
mod s3;
pub mod sdk;
mod ssm;

use std::sync::Mutex;

use anyhow::bail;
use aws_config::timeout::TimeoutConfig;
use aws_config::SdkConfig;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use indicatif::ProgressBar;
use posture_rules::model::{Account, Gap, Observed, Snapshot, SNAPSHOT_SCHEMA_VERSION};
use posture_rules::parts::{not_collected, Part};

/// How many regions are read at once, by every service read region by region.
pub(crate) const REGION_CONCURRENCY: usize = 8;

/// What the user asked to collect.
pub struct Request {
    /// `None`: every region enabled in the account.
    pub regions: Option<Vec<String>>,
    /// The first call's time limit, retries included: an endpoint that does not answer it
    /// ends the run rather than turning every later call into a timeout.
    pub first_call_deadline: std::time::Duration,
    /// The named profile in use (`--profile` or `AWS_PROFILE`), for error messages.
    pub profile: Option<String>,
    /// The parts of the snapshot the selected rules read; `None`: all of them.
    pub parts: Option<Vec<Part>>,
}

/// Shared by every collector task: the gaps found so far, the progress display, and the
/// parts of the snapshot to read.
pub(crate) struct Tracker {
    gaps: Mutex<Vec<Gap>>,
    progress: ProgressBar,
    /// `None`: every part.
    parts: Option<Vec<Part>>,
    /// The regions asked for; `None`: every enabled region.
    regions: Option<Vec<String>>,
    notes: Mutex<Vec<String>>,
}

/// Identifies one API call, for its gap if it fails: the part it reads (which tells whether
/// it is made), and its service and operation as the part's row names them.
pub(crate) struct Call<'a> {
    pub part: Part,
    pub service: &'static str,
    pub region: Option<&'a str>,
    pub operation: &'static str,
    pub resource: Option<&'a str>,
}

impl<'a> Call<'a> {
    /// Refuses, in debug builds (every test), an operation the part's row does not name,
    /// so that the policy `posture permissions` prints cannot fall behind the collector.
    pub fn new(part: Part, region: Option<&'a str>, operation: &'static str) -> Self {
        let declared = part.operation(operation);
        debug_assert!(
            declared.is_some(),
            "{operation} is not an operation of Part::{part:?} in posture_rules::parts"
        );
        Call {
            part,
            service: declared.map_or(part.service(), |o| o.service()),
            region,
            operation,
            resource: None,
        }
    }

    /// The call of a part read with one operation, which the part's row names.
    pub fn of(part: Part, region: Option<&'a str>) -> Self {
        let operations = part.operations();
        debug_assert_eq!(operations.len(), 1, "Part::{part:?} has several operations");
        Call::new(part, region, operations[0].name())
    }

    pub fn on(mut self, resource: &'a str) -> Self {
        self.resource = Some(resource);
        self
    }
}

impl Tracker {
    fn new(progress: ProgressBar, request: &Request) -> Tracker {
        Tracker {
            gaps: Mutex::new(Vec::new()),
            progress,
            parts: request.parts.clone(),
            regions: request.regions.clone(),
            notes: Mutex::new(Vec::new()),
        }
    }

    /// Whether resources of this region are in scope.
    pub fn in_regions(&self, region: &str) -> bool {
        self.regions
            .as_ref()
            .is_none_or(|regions| regions.iter().any(|r| r == region))
    }

    /// Records what the collection left out on purpose.
    pub fn note(&self, note: String) {
        self.notes.lock().expect("notes lock poisoned").push(note);
    }

    /// Whether the run reads this part: the selected rules read it, or every run does.
    pub fn wants(&self, part: Part) -> bool {
        part.always_read() || (self.parts.as_ref()).is_none_or(|parts| parts.contains(&part))
    }

    /// The part as `collect` reads it, or a `NotCollected` gap without reading it.
    pub async fn part<T>(
        &self,
        part: Part,
        collect: impl std::future::Future<Output = Observed<T>>,
    ) -> Observed<T> {
        if self.wants(part) {
            collect.await
        } else {
            Observed::Gap(Box::new(not_collected(part)))
        }
    }

    /// The call's result, made only when its part is wanted: a call not made is a
    /// `NotCollected` gap in the snapshot (not among its failed calls).
    pub async fn read<T, E, R>(
        &self,
        call: Call<'_>,
        request: impl std::future::Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Observed<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        if !self.wants(call.part) {
            let mut gap = not_collected(call.part);
            gap.region = call.region.map(str::to_string);
            return Observed::Gap(Box::new(gap));
        }
        self.observe(call, request.await)
    }

    /// [`Tracker::read`] for a call whose "not configured" answers (these error codes)
    /// are data: `None`.
    pub async fn read_configured<T, E, R>(
        &self,
        call: Call<'_>,
        request: impl std::future::Future<Output = Result<T, SdkError<E, R>>>,
        not_configured: &[&str],
    ) -> Observed<Option<T>>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        let request = async { absent_on(request.await, not_configured) };
        self.read(call, request).await
    }

    /// Turns a call's result into data or a recorded gap.
    pub fn observe<T, E, R>(&self, call: Call<'_>, result: Result<T, SdkError<E, R>>) -> Observed<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        debug_assert!(
            self.wants(call.part),
            "{}:{} is made for Part::{:?}, which the run does not read",
            call.service,
            call.operation,
            call.part
        );
        self.progress.inc(1);
        match result {
            Ok(value) => Observed::Collected(value),
            Err(error) => Observed::Gap(Box::new(self.record(gap_from_sdk_error(&call, &error)))),
        }
    }

    /// The failed calls, sorted, and the notes; the progress display cleared.
    fn finish(self) -> (Vec<Gap>, Vec<String>) {
        let mut gaps = self.gaps.into_inner().expect("gap list lock poisoned");
        gaps.sort_by(|a, b| {
            (&a.service, &a.region, &a.operation, &a.resource).cmp(&(
                &b.service,
                &b.region,
                &b.operation,
                &b.resource,
            ))
        });
        self.progress.finish_and_clear();
        (gaps, self.notes.into_inner().expect("notes lock poisoned"))
    }

    /// Records a gap that is not an SDK error (a report that never finished, a CSV that
    /// does not parse).
    pub fn record(&self, gap: Gap) -> Gap {
        let mut gaps = self.gaps.lock().expect("gap list lock poisoned");
        gaps.push(gap.clone());
        self.progress
            .set_message(format!("{} call(s) failed so far", gaps.len()));
        gap
    }
}

pub(crate) fn gap(call: &Call<'_>, error_code: &str, message: impl Into<String>) -> Gap {
    Gap {
        service: call.service.to_string(),
        region: call.region.map(str::to_string),
        operation: call.operation.to_string(),
        resource: call.resource.map(str::to_string),
        error_code: error_code.to_string(),
        message: message.into(),
        account: None,
    }
}

fn gap_from_sdk_error<E, R>(call: &Call<'_>, error: &SdkError<E, R>) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let code = error.code().map(str::to_string).unwrap_or_else(|| {
        match error {
            SdkError::ConstructionFailure(_) => "ConstructionFailure",
            SdkError::TimeoutError(_) => "Timeout",
            SdkError::DispatchFailure(_) => "DispatchFailure",
            SdkError::ResponseError(_) => "ResponseError",
            // An answer without an error code: usually a response the SDK could not parse.
            SdkError::ServiceError(_) => "UnrecognizedResponse",
            _ => "Unknown",
        }
        .to_string()
    });
    gap(call, &code, one_line_cause(error))
}

/// `Ok(None)` when the error code says "not configured" (no bucket policy, no password
/// policy...), which is data about the account, not a failure to read it.
pub(crate) fn absent_on<T, E, R>(
    result: Result<T, SdkError<E, R>>,
    not_configured_codes: &[&str],
) -> Result<Option<T>, SdkError<E, R>>
where
    E: ProvideErrorMetadata,
{
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error)
            if error
                .code()
                .is_some_and(|code| not_configured_codes.contains(&code)) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// Reads one part in every region, `REGION_CONCURRENCY` regions at once, and returns them in
/// the regions' order. A part the selected rules do not read is a `NotCollected` gap in each
/// region, and no call is made.
pub(crate) async fn each_region<'a, T, Fut>(
    regions: &'a [String],
    tracker: &'a Tracker,
    part: Part,
    read: impl Fn(&'a str) -> Fut,
) -> Vec<(String, Observed<T>)>
where
    Fut: std::future::Future<Output = Observed<T>>,
{
    let read = &read;
    let mut observed: Vec<(String, Observed<T>)> = stream::iter(regions)
        .map(|region| async move {
            if !tracker.wants(part) {
                let mut gap = not_collected(part);
                gap.region = Some(region.clone());
                return (region.clone(), Observed::Gap(Box::new(gap)));
            }
            (region.clone(), read(region).await)
        })
        .buffer_unordered(REGION_CONCURRENCY)
        .collect()
        .await;
    observed.sort_by(|a, b| a.0.cmp(&b.0));
    observed
}

pub(crate) fn to_utc(time: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(time.secs(), time.subsec_nanos())
}

/// Reads the whole account. Fails only when nothing can be read at all (no credentials,
/// unreachable endpoint): everything else is a gap in the returned snapshot.
pub async fn collect(
    config: &SdkConfig,
    request: Request,
    pacer: &pacing::Pacer,
    progress: ProgressBar,
) -> anyhow::Result<Snapshot> {
    let tracker = Tracker::new(progress, &request);
    let account = caller_identity(config, &request).await?;
    tracker.progress.set_message("discovering regions");
    let regions = match request.regions {
        Some(regions) => ec2::requested_regions(config, regions, &tracker).await?,
        None => ec2::enabled_regions(config, &tracker).await,
    };
    let mut snapshot = read_account(config, account, regions, &tracker).await;
    (snapshot.gaps, snapshot.notes) = tracker.finish();
    snapshot.requests = pacer.counts();
    // Whatever order AWS listed resources in, the snapshot (and a file of it) is the same.
    posture_rules::evaluate::order::arrange(&mut snapshot);
    Ok(snapshot)
}

/// Every service of the account and its regions, read concurrently: the snapshot, without
/// its gaps, notes and request counts yet.
async fn read_account(
    config: &SdkConfig,
    account: Account,
    regions: Vec<String>,
    tracker: &Tracker,
) -> Snapshot {
    let ec2_regions = stream::iter(regions.iter().cloned())
        .map(|region| {
            let account_id = account.id.as_str();
            async move { ec2::collect_region(config, &region, account_id, tracker).await }
        })
        .buffer_unordered(REGION_CONCURRENCY)
        .collect::<Vec<_>>();
    let global = async {
        tokio::join!(
            iam::collect(config, tracker),
            s3::collect(config, &account, tracker),
            account::security_contact(config, tracker),
            guardrails::collect(config, &account.id, tracker),
        )
    };
    let regional = async {
        tokio::join!(
            ec2_regions,
            logging::collect(config, &regions, &account.id, tracker),
            kms::collect(config, &regions, tracker),
            access_analyzer::collect(config, &regions, tracker),
            efs::collect(config, &regions, tracker),
            rds::collect(config, &regions, tracker),
            ssm::collect(config, &regions, tracker),
        )
    };
    let ((iam, s3, security_contact, organization), regional) = tokio::join!(global, regional);
    let (ec2, logging, kms, access_analyzers, efs, rds, ssm) = regional;
    Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        collector_version: env!("CARGO_PKG_VERSION").to_string(),
        collected_at: Utc::now(),
        account,
        regions,
        iam,
        s3,
        ec2,
        gaps: Vec::new(),
        requests: Default::default(),
        notes: Vec::new(),
        logging,
        kms,
        access_analyzers,
        security_contact,
        efs,
        rds,
        ssm,
        organization,
    }
}

/// sts:GetCallerIdentity: who we are and in which account. Its failure is fatal: it means
/// there are no usable credentials or no reachable endpoint.
async fn caller_identity(config: &SdkConfig, request: &Request) -> anyhow::Result<Account> {
    caller(config, request.first_call_deadline, request.profile.clone()).await
}

/// Who the credentials of `config` are, within `deadline` (retries included).
pub async fn caller(
    config: &SdkConfig,
    deadline: std::time::Duration,
    profile: Option<String>,
) -> anyhow::Result<Account> {
    let sts = aws_sdk_sts::Client::new(config);
    let timeouts = config
        .timeout_config()
        .cloned()
        .unwrap_or_else(TimeoutConfig::disabled)
        .to_builder()
        .operation_timeout(deadline)
        .build();
    let identity = sts
        .get_caller_identity()
        .customize()
        .config_override(aws_sdk_sts::config::Builder::default().timeout_config(timeouts))
        .send()
        .await
        .map_err(|e| first_call_error(config, profile.as_deref(), &e))?;
    let (Some(account_id), Some(arn)) = (identity.account, identity.arn) else {
        bail!("sts:GetCallerIdentity returned no account id");
    };
    // arn:PARTITION:sts::ACCOUNT:assumed-role/...
    let partition = arn.split(':').nth(1).unwrap_or("aws").to_string();
    Ok(Account {
        id: account_id,
        partition,
        caller_arn: arn,
    })
}

/// Why the first call failed, saying whether the endpoint or the credentials are at fault.
fn first_call_error<E, R>(
    config: &SdkConfig,
    profile: Option<&str>,
    error: &SdkError<E, R>,
) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    const CALL: &str = "sts:GetCallerIdentity";
    let cause = one_line_cause(error);
    let unreachable = match error {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(failure) => failure.is_io() || failure.is_timeout(),
        _ => false,
    };
    if let Some(problem) = credentials_problem(error, profile) {
        return problem;
    }
    match (unreachable, error.code()) {
        (true, _) => {
            let endpoint = config.endpoint_url().unwrap_or("the AWS STS endpoint");
            anyhow::anyhow!("no answer from {endpoint} to {CALL}: {cause}")
        }
        (false, Some(code @ ("ExpiredToken" | "ExpiredTokenException" | "RequestExpired"))) => {
            anyhow::anyhow!(
                "the AWS credentials have expired ({code}): renew them; for SSO, run \
                 `aws sso login`"
            )
        }
        (false, Some(code)) => {
            anyhow::anyhow!("the account refused {CALL} ({code}): {cause}")
        }
        (false, None) => anyhow::anyhow!(
            "cannot identify the caller ({CALL}); are AWS credentials configured?: {cause}"
        ),
    }
}

/// The credential chain found no credentials: every source said it had none, or the only
/// one that answered otherwise was the instance metadata service, the chain's last resort
/// (a machine outside AWS whose own metadata service answers with an error, a container
/// without a route to it).
#[derive(Debug)]
pub struct NoCredentials {
    /// The named profile in use, which then holds none.
    pub profile: Option<String>,
}

impl std::fmt::Display for NoCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.profile {
            Some(profile) => write!(
                f,
                "profile `{profile}` gives no credentials: it has no access keys, SSO session, \
                 role or credential process"
            ),
            None => f.write_str(
                "no AWS credentials found: set AWS_PROFILE or --profile, run `aws sso login`, \
                 or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (-v lists each source \
                 tried and its answer)",
            ),
        }
    }
}

impl std::error::Error for NoCredentials {}

/// Whether the error came from the instance metadata service, which the chain asks only
/// when every other source has found nothing.
fn from_instance_metadata(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(current) = source {
        if current
            .downcast_ref::<aws_config::imds::client::error::ImdsError>()
            .is_some()
        {
            return true;
        }
        source = current.source();
    }
    false
}

/// The credential chain's failure, said with what to do about it.
fn credentials_problem(
    error: &(dyn std::error::Error + 'static),
    profile: Option<&str>,
) -> Option<anyhow::Error> {
    use aws_credential_types::provider::error::CredentialsError;
    use std::error::Error as _;
    let mut source = Some(error);
    while let Some(current) = source {
        if let Some(failure) = current.downcast_ref::<CredentialsError>() {
            let cause = failure
                .source()
                .map(|s| s.to_string())
                .unwrap_or_else(|| failure.to_string());
            let cause = cause.split_whitespace().collect::<Vec<_>>().join(" ");
            let found_nothing = matches!(failure, CredentialsError::CredentialsNotLoaded(_))
                || from_instance_metadata(failure);
            return Some(match failure {
                _ if found_nothing => anyhow::Error::new(NoCredentials {
                    profile: profile.map(str::to_string),
                }),
                _ if cause.contains("expired") => anyhow::anyhow!(
                    "the AWS credentials have expired ({cause}); for SSO, run `aws sso login`"
                ),
                _ => anyhow::anyhow!("the AWS credentials could not be loaded: {cause}"),
            });
        }
        source = current.source();
    }
    None
}

/// The error's message, or else its innermost cause, on one line and of a readable length
/// ("no credentials in the chain", "connection refused").
fn one_line_cause<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    const MAX_CHARS: usize = 300;
    let text = match error.message() {
        Some(message) => message.to_string(),
        None => {
            let mut source: &dyn std::error::Error = error;
            while let Some(next) = source.source() {
                source = next;
            }
            source.to_string()
        }
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > MAX_CHARS {
        format!("{}…", text.chars().take(MAX_CHARS).collect::<String>())
    } else {
        text
    }
}
