//! Who can do what to which resource, and who can become whom.
//!
//! - [`eval`]: IAM's evaluation of identity policies for one (principal, action, resource),
//!   with policy variables ([`variables`]) and three-valued conditions ([`condition`]);
//! - [`paths`]: the known privilege-escalation paths, as data;
//! - [`graph`]: the moves between principals those paths and role trust allow, and the
//!   search for chains that end with more privileges.

pub mod condition;
pub mod eval;
pub mod graph;
pub mod identity;
pub mod own_accounts;
pub mod paths;
pub mod pattern;
pub mod policy;
pub mod resource_policy;
pub mod root;
pub mod variables;
