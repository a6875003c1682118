//! What the account records and who hears of it: CloudTrail trails and what their selectors
//! record ([`trails`]), CloudWatch Logs filter patterns ([`filter_pattern`]), and the chain
//! from a trail to an alarm somebody receives that the monitoring rules follow
//! ([`monitoring`]).

pub mod filter_pattern;
pub mod monitoring;
pub mod trails;
