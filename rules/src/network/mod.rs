//! The network half: CIDR classification ("is this source the internet?"), port coverage
//! and the one table of admin and high-risk service ports (here); who uses a security
//! group and whether any of them is reachable ([`reachability`]); the ingress check the
//! security-group rules share ([`security_group`]); which of an instance's groups admit
//! the internet ([`instance`]).

pub mod instance;
pub mod reachability;
pub mod security_group;

use std::net::IpAddr;
use std::sync::OnceLock;

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

/// [`NON_INTERNET_RANGES`] parsed, once: every firewall rule of the account is compared
/// with them, by several rules.
fn non_internet_ranges() -> &'static [IpNet] {
    static PARSED: OnceLock<Vec<IpNet>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let parsed = NON_INTERNET_RANGES.iter().map(|range| range.parse());
        parsed
            .collect::<Result<_, _>>()
            .expect("static ranges parse")
    })
}

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
    let inside_non_internet = non_internet_ranges()
        .iter()
        .any(|range| range.contains(&net));
    Ok(if inside_non_internet {
        SourceReach::Limited
    } else {
        SourceReach::Internet
    })
}

/// Whether an address (an instance's public IP) is routable on the internet.
pub fn is_public_address(address: &str) -> bool {
    match address.parse::<IpAddr>() {
        Ok(ip) => !non_internet_ranges()
            .iter()
            .any(|range| range.contains(&ip)),
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
        let is = |names: &[&str]| names.iter().any(|name| text.eq_ignore_ascii_case(name));
        if is(&["-1", "all"]) {
            Protocol::All
        } else if is(&["tcp", "6"]) {
            Protocol::Tcp
        } else if is(&["udp", "17"]) {
            Protocol::Udp
        } else {
            Protocol::Other
        }
    }
}

/// Transport of a service port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// A well-known service port, for messages and evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServicePort {
    pub transport: Transport,
    pub port: i32,
    pub service: &'static str,
}

impl ServicePort {
    pub fn label(&self) -> String {
        let transport = match self.transport {
            Transport::Tcp => "",
            Transport::Udp => "/udp",
        };
        format!("{} ({}{transport})", self.service, self.port)
    }
}

const fn tcp(port: i32, service: &'static str) -> ServicePort {
    ServicePort {
        transport: Transport::Tcp,
        port,
        service,
    }
}

const fn udp(port: i32, service: &'static str) -> ServicePort {
    ServicePort {
        transport: Transport::Udp,
        port,
        service,
    }
}

/// Remote administration: CIS 5.2 / 5.3.
pub const ADMIN_PORTS: &[ServicePort] = &[tcp(22, "SSH"), tcp(3389, "RDP")];

/// Windows file sharing (SMB over TCP), its own CIS recommendation (v7.0 6.1.2) and its
/// own rule, so not among the high-risk ports below.
pub const CIFS_PORTS: &[ServicePort] = &[tcp(445, "SMB/CIFS")];

/// Services that should never face the internet: file transfer and sharing, clear-text
/// logins, databases, caches, search and message brokers (FSBP EC2.19's list and more).
pub const HIGH_RISK_PORTS: &[ServicePort] = &[
    tcp(20, "FTP data"),
    tcp(21, "FTP"),
    tcp(23, "Telnet"),
    tcp(135, "Microsoft RPC"),
    tcp(139, "NetBIOS session"),
    udp(137, "NetBIOS name"),
    udp(138, "NetBIOS datagram"),
    tcp(1433, "Microsoft SQL Server"),
    tcp(1434, "Microsoft SQL Server browser"),
    udp(1434, "Microsoft SQL Server browser"),
    tcp(1521, "Oracle database"),
    tcp(2375, "Docker API"),
    tcp(2376, "Docker API (TLS)"),
    tcp(2379, "etcd"),
    tcp(3306, "MySQL"),
    tcp(4333, "mSQL"),
    tcp(5432, "PostgreSQL"),
    tcp(5500, "VNC listener"),
    tcp(5601, "Kibana"),
    tcp(5900, "VNC"),
    tcp(5984, "CouchDB"),
    tcp(6379, "Redis"),
    tcp(7199, "Cassandra JMX"),
    tcp(8020, "Hadoop NameNode"),
    tcp(8888, "Jupyter / Cassandra OpsCenter"),
    tcp(9042, "Cassandra"),
    tcp(9092, "Kafka"),
    tcp(9160, "Cassandra Thrift"),
    tcp(9200, "Elasticsearch / OpenSearch"),
    tcp(9300, "Elasticsearch / OpenSearch transport"),
    tcp(11211, "Memcached"),
    udp(11211, "Memcached"),
    tcp(27017, "MongoDB"),
    tcp(27018, "MongoDB shard"),
    tcp(50070, "Hadoop NameNode web UI"),
];

/// Whether a rule with this protocol and port range lets traffic reach the service port.
/// EC2 and network ACLs leave the ports out (or -1) when a rule covers every port.
pub fn covers(protocol: &str, from: Option<i32>, to: Option<i32>, service: &ServicePort) -> bool {
    let transport_matches = match Protocol::parse(protocol) {
        Protocol::All => return true,
        Protocol::Tcp => service.transport == Transport::Tcp,
        Protocol::Udp => service.transport == Transport::Udp,
        Protocol::Other => false,
    };
    transport_matches && port_range_covers(from, to, service.port)
}

/// The labels of the `ports` that a security group permission opens ("SSH (22)").
pub fn opened(permission: &crate::model::PermissionRule, ports: &[ServicePort]) -> Vec<String> {
    ports
        .iter()
        .filter(|port| {
            covers(
                &permission.protocol,
                permission.from_port,
                permission.to_port,
                port,
            )
        })
        .map(ServicePort::label)
        .collect()
}

/// Whether a rule lets every port of every protocol through (`-1`), or every TCP or UDP
/// port (0-65535).
pub fn covers_all_ports(protocol: &str, from: Option<i32>, to: Option<i32>) -> bool {
    match Protocol::parse(protocol) {
        Protocol::All => true,
        Protocol::Tcp | Protocol::Udp => {
            matches!((from, to), (None, None) | (Some(-1), _) | (_, Some(-1)))
                || (from.unwrap_or(0) <= 0 && to.unwrap_or(0) >= 65535)
        }
        Protocol::Other => false,
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
        let (ssh, rdp) = (&ADMIN_PORTS[0], &ADMIN_PORTS[1]);
        assert!(covers("-1", None, None, ssh));
        assert!(covers("tcp", Some(0), Some(65535), rdp));
        assert!(covers("6", Some(3380), Some(3390), rdp));
        assert!(!covers("tcp", Some(3380), Some(3388), rdp));
        assert!(!covers("udp", Some(22), Some(22), ssh));
        assert!(!covers("icmp", Some(-1), Some(-1), ssh));
        assert!(covers(
            "17",
            Some(11211),
            Some(11211),
            &udp(11211, "Memcached")
        ));
        assert!(!covers(
            "tcp",
            Some(11211),
            Some(11211),
            &udp(11211, "Memcached")
        ));
    }

    #[test]
    fn all_ports() {
        assert!(covers_all_ports("-1", None, None));
        assert!(covers_all_ports("tcp", Some(0), Some(65535)));
        assert!(covers_all_ports("udp", Some(-1), Some(-1)));
        assert!(!covers_all_ports("tcp", Some(1), Some(65535)));
        assert!(!covers_all_ports("icmp", Some(-1), Some(-1)));
    }

    #[test]
    fn public_addresses() {
        assert!(is_public_address("54.1.2.3"));
        assert!(!is_public_address("10.1.2.3"));
        assert!(!is_public_address("garbage"));
    }
}
