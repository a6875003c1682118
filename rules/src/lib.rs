//! The pure half of posture: the snapshot model, policy and network analysis, and the rules.
//!
//! Nothing here does I/O or depends on the AWS SDK: rules take a [`model::Snapshot`] and
//! return [`rule::Finding`]s, so they are tested with fixtures and re-run offline.

pub mod access;
pub mod compliance;
pub mod evaluate;
pub mod iterate;
pub mod logging;
pub mod model;
pub mod network;
pub mod organization;
pub mod parts;
pub mod patching;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod settings;

pub use evaluate::{evaluate, evaluate_each};
pub use model::Snapshot;
pub use rule::{Duty, Finding, Rule, Severity, Status};
pub use settings::Settings;
