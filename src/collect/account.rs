//! The account's own settings: its security alternate contact.

use aws_config::SdkConfig;
use aws_sdk_account::types::AlternateContactType;
use posture_rules::model::{AlternateContact, Observed};
use posture_rules::parts::Part;

use super::{Call, Tracker};

/// account:GetAlternateContact (SECURITY); `None` when none is registered (AWS answers
/// `ResourceNotFoundException`).
pub async fn security_contact(
    config: &SdkConfig,
    tracker: &Tracker,
) -> Observed<Option<AlternateContact>> {
    let client = aws_sdk_account::Client::new(config);
    let request = (client.get_alternate_contact())
        .alternate_contact_type(AlternateContactType::Security)
        .send();
    let call = Call::new(Part::SecurityContact, None, "GetAlternateContact");
    let not_registered = ["ResourceNotFoundException"];
    let read = tracker.read_configured(call, request, &not_registered);
    read.await.map(|output| {
        output
            .and_then(|o| o.alternate_contact)
            .map(|c| AlternateContact {
                name: c.name,
                title: c.title,
                email: c.email_address,
                phone: c.phone_number,
            })
    })
}
