//! Client-side pacing: every request the SDK sends waits for a token of the bucket AWS
//! meters it against, so a scan stays under the account's API rate instead of being
//! throttled and backing off. It also counts attempts and retries for the report.
//!
//! It wraps the SDK's HTTP client, below signing: the credential scope of the SigV4
//! `Authorization` header names the service and region whatever the endpoint, the query
//! protocol's body names the operation, and `amz-sdk-request: attempt=N` marks retries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use posture_rules::model::RequestCounts;

/// A token bucket as AWS documents them: `burst` requests at once, then `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub burst: f64,
    pub per_second: f64,
}

/// Which bucket a request draws from, and its size. EC2 meters each API per account and
/// region: 100 / 20 per second for non-mutating calls, 50 / 10 for those sent without a
/// filter or pagination ("Request throttling for the Amazon EC2 API", EC2 developer
/// guide). IAM's and STS's rates are shared by the whole account and not published per
/// API: one bucket each, sized well under what a workload sees throttled. S3 serves
/// 5,500 GETs per second per prefix ("Best practices design patterns: optimizing Amazon S3
/// performance", S3 user guide) and publishes no rate for the bucket configuration reads
/// (seven per bucket, each on its own bucket); its bucket keeps bursts well under that
/// without making a 10,000-bucket account wait: at 500 per second the 70,000 reads of such
/// an account in one region took 140 s of pacing alone, at 2,000 they take 35 s, and a
/// `SlowDown` answer is retried with backoff. KMS allows 100 `ListKeys` and 1,000 or more
/// of each other read per second and region ("Request quotas", KMS developer guide): its
/// bucket stays at half the smallest.
pub fn bucket_of(service: &str, region: &str, operation: &str, filtered: bool) -> (String, Limit) {
    let limit = |burst, per_second| Limit { burst, per_second };
    match service {
        "ec2" if filtered => (format!("ec2/{region}/{operation}"), limit(100.0, 20.0)),
        "ec2" => (format!("ec2/{region}/{operation}"), limit(50.0, 10.0)),
        "iam" => ("iam".to_string(), limit(20.0, 10.0)),
        "sts" => (format!("sts/{region}"), limit(50.0, 25.0)),
        "s3" => (format!("s3/{region}"), limit(2000.0, 2000.0)),
        "kms" => (format!("kms/{region}"), limit(100.0, 50.0)),
        _ => (format!("{service}/{region}"), limit(20.0, 10.0)),
    }
}

#[derive(Debug)]
struct Bucket {
    limit: Limit,
    tokens: f64,
    refilled_at: Instant,
}

impl Bucket {
    /// Reserves a token and says how long to wait before using it: none while the burst
    /// lasts, then one `per_second`-th of a second after the previous reservation. Each
    /// request waits once for its own turn; waiters polling for a free token woke all
    /// together at every refill and cost more CPU than the requests (15 s for 70,000).
    fn reserve(&mut self, now: Instant) -> Duration {
        let elapsed = now
            .saturating_duration_since(self.refilled_at)
            .as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.limit.per_second).min(self.limit.burst);
        self.refilled_at = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.limit.per_second)
        }
    }
}

/// The buckets and counters shared by every client of one scan.
#[derive(Debug, Default)]
pub struct Pacer {
    buckets: Mutex<HashMap<String, Bucket>>,
    attempts: AtomicU64,
    retries: AtomicU64,
    paced_millis: AtomicU64,
}

impl Pacer {
    /// Waits until the request's bucket has a token.
    async fn admit(&self, key: String, limit: Limit) {
        let now = Instant::now();
        let wait = {
            let mut buckets = self.buckets.lock().expect("pacing lock poisoned");
            let bucket = buckets.entry(key).or_insert(Bucket {
                limit,
                tokens: limit.burst,
                refilled_at: now,
            });
            bucket.reserve(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let waited = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        self.paced_millis.fetch_add(waited, Ordering::Relaxed);
    }

    pub fn counts(&self) -> RequestCounts {
        RequestCounts {
            attempts: self.attempts.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            paced_millis: self.paced_millis.load(Ordering::Relaxed),
        }
    }
}

/// What pacing needs to know about one request.
#[derive(Debug, PartialEq)]
struct RequestFacts {
    service: String,
    region: String,
    operation: String,
    filtered: bool,
    attempt: u32,
}

fn request_facts(request: &HttpRequest) -> RequestFacts {
    let headers = request.headers();
    let (region, service) = headers
        .get("authorization")
        .and_then(credential_scope)
        .unwrap_or(("unknown", "unknown"));
    let body = request
        .body()
        .bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("");
    let operation = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .unwrap_or("");
    let filtered = body
        .split('&')
        .any(|pair| pair.starts_with("Filter.") || pair.starts_with("MaxResults="));
    let attempt = headers
        .get("amz-sdk-request")
        .and_then(|value| {
            value
                .split(';')
                .find_map(|part| part.trim().strip_prefix("attempt="))
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    RequestFacts {
        service: service.to_string(),
        region: region.to_string(),
        operation: operation.to_string(),
        filtered,
        attempt,
    }
}

/// `AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/ec2/aws4_request, ...` → the
/// region and the service.
fn credential_scope(authorization: &str) -> Option<(&str, &str)> {
    let credential = authorization.split("Credential=").nth(1)?;
    let mut parts = credential.split(['/', ',']).skip(2);
    Some((parts.next()?, parts.next()?))
}

/// The SDK's HTTP client with every request paced and counted.
#[derive(Debug, Clone)]
pub struct PacedClient {
    inner: SharedHttpClient,
    pacer: Arc<Pacer>,
}

impl PacedClient {
    pub fn new(inner: SharedHttpClient, pacer: Arc<Pacer>) -> PacedClient {
        PacedClient { inner, pacer }
    }
}

impl HttpClient for PacedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            pacer: self.pacer.clone(),
        })
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    pacer: Arc<Pacer>,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, pacer) = (self.inner.clone(), self.pacer.clone());
        HttpConnectorFuture::new(async move {
            let facts = request_facts(&request);
            let (key, limit) = bucket_of(
                &facts.service,
                &facts.region,
                &facts.operation,
                facts.filtered,
            );
            pacer.admit(key, limit).await;
            pacer.attempts.fetch_add(1, Ordering::Relaxed);
            if facts.attempt > 1 {
                pacer.retries.fetch_add(1, Ordering::Relaxed);
            }
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_service_region_operation_and_attempt_from_a_signed_request() {
        let mut request = HttpRequest::new(aws_smithy_types::body::SdkBody::from(
            "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000",
        ));
        request.headers_mut().insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/20261124/eu-west-1/ec2/aws4_request, \
             SignedHeaders=host, Signature=abc",
        );
        request
            .headers_mut()
            .insert("amz-sdk-request", "attempt=3; max=8");
        assert_eq!(
            request_facts(&request),
            RequestFacts {
                service: "ec2".into(),
                region: "eu-west-1".into(),
                operation: "DescribeInstances".into(),
                filtered: true,
                attempt: 3,
            }
        );
    }

    #[test]
    fn an_unsigned_request_is_paced_in_a_bucket_of_its_own() {
        let request = HttpRequest::new(aws_smithy_types::body::SdkBody::empty());
        let facts = request_facts(&request);
        assert_eq!((facts.service.as_str(), facts.attempt), ("unknown", 1));
    }

    #[test]
    fn a_bucket_gives_its_burst_then_its_rate() {
        let start = Instant::now();
        let limit = Limit {
            burst: 2.0,
            per_second: 10.0,
        };
        let mut bucket = Bucket {
            limit,
            tokens: limit.burst,
            refilled_at: start,
        };
        assert_eq!(bucket.reserve(start), Duration::ZERO);
        assert_eq!(bucket.reserve(start), Duration::ZERO);
        // Then each request its own turn, a tenth of a second apart, without asking again.
        let waits = [bucket.reserve(start), bucket.reserve(start)];
        assert!((waits[0].as_secs_f64() - 0.1).abs() < 1e-9, "{waits:?}");
        assert!((waits[1].as_secs_f64() - 0.2).abs() < 1e-9, "{waits:?}");
        // Debt is paid back before the burst returns: at 0.2 s, the next is due at 0.3 s.
        let paid = start + Duration::from_millis(200);
        assert!((bucket.reserve(paid).as_secs_f64() - 0.1).abs() < 1e-9);
        // An idle bucket refills only up to its burst.
        let later = start + Duration::from_secs(60);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert_eq!(bucket.reserve(later), Duration::ZERO);
        assert!(bucket.reserve(later) > Duration::ZERO);
    }

    #[test]
    fn unfiltered_ec2_calls_get_the_smaller_bucket() {
        let (key, filtered) = bucket_of("ec2", "us-east-1", "DescribeInstances", true);
        let (_, unfiltered) = bucket_of("ec2", "us-east-1", "DescribeInstances", false);
        assert_eq!(key, "ec2/us-east-1/DescribeInstances");
        assert!(unfiltered.burst < filtered.burst);
        assert_eq!(bucket_of("iam", "us-east-1", "X", false).0, "iam");
    }
}
