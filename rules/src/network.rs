//! CIDR and port helpers shared by the network rules.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::settings::Settings;

/// Address space that is never the internet: private, shared (CGNAT), loopback, link-local
/// and unique-local ranges.
const NON_INTERNET_RANGES: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
];

/// How a source range in a firewall rule relates to the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceReach {
    /// `0.0.0.0/0`, `::/0`, or a public range at least as wide as the configured threshold.
    Internet,
    /// A narrower range, a private range: a deliberate allow-list.
    Limited,
}

/// Classifies a CIDR from a security group or network ACL rule. `Err` carries the text that
/// did not parse, so the caller can report it instead of guessing.
pub fn source_reach(cidr: &str, settings: &Settings) -> Result<SourceReach, String> {
    let net: IpNet = cidr
        .trim()
        .parse()
        .map_err(|_| format!("`{cidr}` is not a CIDR block"))?;
    let threshold = match net {
        IpNet::V4(_) => settings.internet_prefix_v4,
        IpNet::V6(_) => settings.internet_prefix_v6,
    };
    if net.prefix_len() > threshold {
        return Ok(SourceReach::Limited);
    }
    let inside_non_internet = NON_INTERNET_RANGES.iter().any(|range| {
        let range: IpNet = range.parse().expect("static ranges parse");
        range.contains(&net)
    });
    Ok(if inside_non_internet {
        SourceReach::Limited
    } else {
        SourceReach::Internet
    })
}

/// Whether an address (an instance's public IP) is routable on the internet.
pub fn is_public_address(address: &str) -> bool {
    match address.parse::<IpAddr>() {
        Ok(ip) => !NON_INTERNET_RANGES.iter().any(|range| {
            let range: IpNet = range.parse().expect("static ranges parse");
            range.contains(&ip)
        }),
        Err(_) => false,
    }
}

/// The protocols of a rule that carry ports. `-1` means every protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    All,
    Tcp,
    Udp,
    Other,
}

impl Protocol {
    pub fn parse(text: &str) -> Protocol {
        match text.to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            _ => Protocol::Other,
        }
    }
}

/// Whether a rule with this protocol and port range lets TCP traffic reach `port`.
/// EC2 and network ACLs leave the ports out (or -1) when a rule covers every port.
pub fn covers_tcp_port(protocol: &str, from: Option<i32>, to: Option<i32>, port: i32) -> bool {
    match Protocol::parse(protocol) {
        Protocol::All => true,
        Protocol::Tcp => port_range_covers(from, to, port),
        Protocol::Udp | Protocol::Other => false,
    }
}

fn port_range_covers(from: Option<i32>, to: Option<i32>, port: i32) -> bool {
    match (from, to) {
        (None, None) | (Some(-1), _) | (_, Some(-1)) => true,
        (Some(from), Some(to)) => from <= port && port <= to,
        (Some(from), None) => from == port,
        (None, Some(to)) => to == port,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn settings() -> Settings {
        Settings::at(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
    }

    #[test]
    fn internet_ranges() {
        let s = settings();
        for cidr in [
            "0.0.0.0/0",
            "::/0",
            "0.0.0.0/1",
            "128.0.0.0/2",
            "2000::/3",
            "44.0.0.0/8",
        ] {
            assert_eq!(source_reach(cidr, &s), Ok(SourceReach::Internet), "{cidr}");
        }
        for cidr in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "203.0.113.7/32",
            "198.51.100.16/28",
            "44.0.0.0/9",
            "fc00::/7",
            "2001:db8::/48",
        ] {
            assert_eq!(source_reach(cidr, &s), Ok(SourceReach::Limited), "{cidr}");
        }
        assert!(source_reach("not-a-cidr", &s).is_err());
    }

    #[test]
    fn threshold_is_configurable() {
        let mut s = settings();
        s.internet_prefix_v4 = 16;
        assert_eq!(source_reach("44.1.0.0/16", &s), Ok(SourceReach::Internet));
        assert_eq!(source_reach("44.1.0.0/17", &s), Ok(SourceReach::Limited));
    }

    #[test]
    fn ports() {
        assert!(covers_tcp_port("-1", None, None, 22));
        assert!(covers_tcp_port("tcp", Some(0), Some(65535), 3389));
        assert!(covers_tcp_port("6", Some(3380), Some(3390), 3389));
        assert!(!covers_tcp_port("tcp", Some(3380), Some(3388), 3389));
        assert!(!covers_tcp_port("udp", Some(22), Some(22), 22));
        assert!(!covers_tcp_port("icmp", Some(-1), Some(-1), 22));
    }

    #[test]
    fn public_addresses() {
        assert!(is_public_address("54.1.2.3"));
        assert!(!is_public_address("10.1.2.3"));
        assert!(!is_public_address("garbage"));
    }
}
