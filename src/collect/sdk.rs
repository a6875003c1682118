//! The one place that builds the AWS SDK configuration. `clippy.toml` forbids building it
//! anywhere else; per-region clients derive from it with `Builder::from(&config).region(..)`.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::{tls, Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use super::pacing::{PacedClient, Pacer};

/// Region used for global calls (IAM, STS, region discovery) when none is configured.
pub const FALLBACK_REGION: &str = "us-east-1";

/// How the user asked to authenticate.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// `None`: "posture".
    pub session_name: Option<String>,
    pub duration: Option<Duration>,
    /// The MFA device and its current code, for a role whose trust requires MFA.
    pub mfa: Option<(String, String)>,
}

/// How long to wait for the network. Every call gets all three, so a silent endpoint
/// becomes a gap rather than a hang.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (TCP and TLS).
    pub connect: Duration,
    /// One attempt of one call, from sending to the last byte of the answer.
    pub attempt: Duration,
}

impl Timeouts {
    /// A call with its retries: long enough for the attempts and the backoff between
    /// them, bounded so that one silent endpoint costs a known time.
    pub fn operation(&self) -> Duration {
        self.attempt * 3 + MAX_BACKOFF * 2
    }

    fn config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect)
            .read_timeout(self.attempt)
            .operation_attempt_timeout(self.attempt)
            .operation_timeout(self.operation())
            .build()
    }
}

/// Attempts per call. With independent throttling of one request in five, eight
/// attempts all fail about three times in a million calls.
const MAX_ATTEMPTS: u32 = 8;
/// The SDK's default backoff grows to 20 s per retry; a scan that waits that long for a
/// throttled call is slower than one that paces itself. Jittered exponential backoff
/// from 100 ms, capped here.
const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(3);

/// Loads the standard credential chain (environment, `--profile`, SSO, web identity as
/// GitHub Actions provides it, instance role...), `AWS_ENDPOINT_URL` and the per-service
/// `AWS_ENDPOINT_URL_<SERVICE>` variables, with the timeouts, standard retries with a
/// capped jittered backoff, and every request paced by `pacer` (`pacing.rs`: the adaptive
/// retry mode's own rate limiter paused for up to 20 s after throttling). With
/// `role_arn`, the chain's credentials are used only to assume that role (the error: an
/// MFA code that does not assume it).
#[allow(clippy::disallowed_methods)] // This is the one allowed place.
pub async fn load(
    credentials: &Credentials,
    fallback_region: Option<&str>,
    timeouts: Timeouts,
    pacer: Arc<Pacer>,
) -> anyhow::Result<SdkConfig> {
    let retry = RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts.config());
    if let Some(profile) = &credentials.profile {
        loader = loader.profile_name(profile);
    }
    let mut config = loader
        .http_client(PacedClient::new(https_client(), pacer))
        .load()
        .await;
    // Global calls (STS, IAM, the region list) go to the configured region (AWS_REGION,
    // the profile), which exists; only without one, to the first region asked for (so
    // that a China or GovCloud scan stays in its partition), else to us-east-1.
    if config.region().is_none() {
        let fallback = fallback_region.unwrap_or(FALLBACK_REGION).to_string();
        config = config.into_builder().region(Region::new(fallback)).build();
    }
    let Some(role_arn) = &credentials.role_arn else {
        return Ok(config);
    };
    let session_name = credentials.session_name.as_deref().unwrap_or("posture");
    let provider = match &credentials.mfa {
        // A code is good for one call: the session is taken once, for its whole duration.
        Some((serial, code)) => {
            let assumed = assume_with_mfa(&config, credentials, role_arn, serial, code).await?;
            SharedCredentialsProvider::new(assumed)
        }
        // Renews itself before the session ends, so a long scan keeps its credentials.
        None => {
            let mut provider = AssumeRoleProvider::builder(role_arn)
                .session_name(session_name)
                .configure(&config);
            if let Some(external_id) = &credentials.external_id {
                provider = provider.external_id(external_id);
            }
            if let Some(duration) = credentials.duration {
                provider = provider.session_length(duration);
            }
            SharedCredentialsProvider::new(provider.build().await)
        }
    };
    Ok(config.into_builder().credentials_provider(provider).build())
}

/// sts:AssumeRole with an MFA code, once: static credentials for the session's length.
async fn assume_with_mfa(
    config: &SdkConfig,
    credentials: &Credentials,
    role_arn: &str,
    serial: &str,
    code: &str,
) -> anyhow::Result<aws_credential_types::Credentials> {
    use aws_sdk_sts::error::ProvideErrorMetadata as _;
    let sts = aws_sdk_sts::Client::new(config);
    let assumed = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name(credentials.session_name.as_deref().unwrap_or("posture"))
        .set_external_id(credentials.external_id.clone())
        .set_duration_seconds(credentials.duration.map(|d| d.as_secs() as i32))
        .serial_number(serial)
        .token_code(code)
        .send()
        .await
        .map_err(|e| {
            let code = e.code().unwrap_or("no answer").to_string();
            let message = e.message().unwrap_or_default().to_string();
            anyhow::anyhow!("cannot assume {role_arn} with MFA device {serial}: {code} {message}")
        })?;
    let c = assumed
        .credentials
        .ok_or_else(|| anyhow::anyhow!("sts:AssumeRole returned no credentials"))?;
    let expiry = std::time::SystemTime::try_from(c.expiration).ok();
    Ok(aws_credential_types::Credentials::new(
        c.access_key_id,
        c.secret_access_key,
        Some(c.session_token),
        expiry,
        "posture-mfa",
    ))
}

/// Each source of the SDK's default credential chain, in the chain's order (environment,
/// profile, web identity, container, instance metadata), with what it answers: `-v`'s
/// account of a chain that found no credentials. Only called then, as the chain itself
/// says no more than its last source's error.
pub async fn credential_sources(profile: Option<&str>) -> Vec<(&'static str, String)> {
    use aws_config::provider_config::ProviderConfig;
    use aws_credential_types::provider::ProvideCredentials;
    use aws_smithy_types::error::display::DisplayErrorContext;
    let config = ProviderConfig::default();
    let mut profile_source =
        aws_config::profile::ProfileFileCredentialsProvider::builder().configure(&config);
    if let Some(profile) = profile {
        profile_source = profile_source.profile_name(profile);
    }
    let sources: [(&'static str, SharedCredentialsProvider); 5] = [
        (
            "environment variables",
            SharedCredentialsProvider::new(
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            ),
        ),
        (
            "profile (AWS config and credentials files)",
            SharedCredentialsProvider::new(profile_source.build()),
        ),
        (
            "web identity token",
            SharedCredentialsProvider::new(
                aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder()
                    .configure(&config)
                    .build(),
            ),
        ),
        (
            "container credentials",
            SharedCredentialsProvider::new(
                aws_config::ecs::EcsCredentialsProvider::builder()
                    .configure(&config)
                    .build(),
            ),
        ),
        (
            "instance metadata (IMDS)",
            SharedCredentialsProvider::new(
                aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                    .configure(&config)
                    .build(),
            ),
        ),
    ];
    let mut answers = Vec::with_capacity(sources.len());
    for (name, source) in sources {
        let answer = match source.provide_credentials().await {
            Ok(_) => "has credentials".to_string(),
            Err(error) => DisplayErrorContext(&error).to_string(),
        };
        answers.push((
            name,
            answer.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    answers
}

/// The client the SDK would build by default (hyper 1, rustls with aws-lc, the proxy
/// from the environment), built here so that pacing can wrap it.
fn https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// Checks that the named profile (`--profile`, else `AWS_PROFILE`) exists in the AWS config
/// or credentials file, before the credential chain would fail on it with a long message
/// that buries the cause. The error names the profiles that do exist.
pub fn check_profile(profile: Option<&str>) -> anyhow::Result<()> {
    let from_env = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    let Some(profile) = profile.map(str::to_string).or(from_env) else {
        return Ok(());
    };
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let file = |variable: &str, default: &str| {
        std::env::var_os(variable)
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(default)))
    };
    let mut known = Vec::new();
    if let Some(path) = file("AWS_CONFIG_FILE", ".aws/config") {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        known.extend(profile_sections(&text, true));
    }
    if let Some(path) = file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials") {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        known.extend(profile_sections(&text, false));
    }
    known.sort();
    known.dedup();
    if known.contains(&profile) {
        return Ok(());
    }
    let hint = crate::suggest::closest(&profile, known.iter().map(String::as_str))
        .map_or(String::new(), |near| format!("; did you mean `{near}`?"));
    let listed = if known.is_empty() {
        "no profile is defined".to_string()
    } else {
        format!("profiles: {}", known.join(", "))
    };
    anyhow::bail!(
        "profile `{profile}` is not defined in the AWS config or credentials file{hint} ({listed})"
    )
}

/// The profile names of a config file (`[profile NAME]`, `[default]`) or a credentials
/// file (`[NAME]`).
fn profile_sections(text: &str, config_file: bool) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
            match inner.split_once(char::is_whitespace) {
                Some(("profile", name)) if config_file => Some(name.trim().to_string()),
                None if inner == "default" || !config_file => Some(inner.to_string()),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_come_from_section_headers() {
        let config = "[default]\nregion = x\n[profile audit]\n[ profile ci ]\n[sso-session s]\n";
        assert_eq!(profile_sections(config, true), ["default", "audit", "ci"]);
        assert_eq!(profile_sections("[prod]\nk = v\n", false), ["prod"]);
    }
}
