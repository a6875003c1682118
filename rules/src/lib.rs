//! The pure half of posture: the snapshot model, policy and network analysis, and the rules.
//!
//! Nothing here does I/O or depends on the AWS SDK: rules take a [`model::Snapshot`] and
//! return [`rule::Finding`]s, so they are tested with fixtures and re-run offline.

pub mod access;
pub mod allocator;
pub mod arn;
pub mod bucket_policy;
pub mod compliance;
pub mod evaluate;
pub mod exposure;
pub mod filter_pattern;
pub mod identity;
pub mod instance;
pub mod model;
pub mod monitoring;
pub mod network;
pub mod order;
pub mod organization;
pub mod own_accounts;
pub mod parts;
pub mod patching;
pub mod policy;
pub mod registry;
pub mod root;
pub mod rule;
pub mod rules;
pub mod scope;
pub mod security_group;
pub mod settings;
pub mod trails;

pub use evaluate::{evaluate, evaluate_each};
pub use model::Snapshot;
pub use rule::{Duty, Finding, Rule, Severity, Status};
pub use settings::Settings;
