//! The one place that builds the AWS SDK configuration. `clippy.toml` forbids building it
//! anywhere else; per-region clients derive from it with `Builder::from(&config).region(..)`.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

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
/// `role_arn`, the chain's credentials are used only to assume that role.
#[allow(clippy::disallowed_methods)] // This is the one allowed place.
pub async fn load(
    credentials: &Credentials,
    fallback_region: Option<&str>,
    timeouts: Timeouts,
    pacer: Arc<Pacer>,
) -> SdkConfig {
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
    if let Some(role_arn) = &credentials.role_arn {
        let mut provider = AssumeRoleProvider::builder(role_arn)
            .session_name("posture")
            .configure(&config);
        if let Some(external_id) = &credentials.external_id {
            provider = provider.external_id(external_id);
        }
        let provider = provider.build().await;
        config = config
            .into_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build();
    }
    config
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
