//! The one place that builds the AWS SDK configuration. `clippy.toml` forbids building it
//! anywhere else; per-region clients derive from it with `Builder::from(&config).region(..)`.

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// Region used for global calls (IAM, STS, region discovery) when none is configured.
pub const FALLBACK_REGION: &str = "us-east-1";

/// How the user asked to authenticate.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

/// Loads the standard credential chain (environment, `--profile`, SSO, web identity as
/// GitHub Actions provides it, instance role...), `AWS_ENDPOINT_URL` and the per-service
/// `AWS_ENDPOINT_URL_<SERVICE>` variables, with the adaptive retry mode. With `role_arn`,
/// the chain's credentials are used only to assume that role.
#[allow(clippy::disallowed_methods)] // This is the one allowed place.
pub async fn load(credentials: &Credentials, region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(5));
    if let Some(profile) = &credentials.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_string()));
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config
            .into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build();
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
