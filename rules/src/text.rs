//! Building the text of findings.

/// The parts one after another, in a string allocated once at its final size. `format!`
/// guesses the size from its literal pieces and grows the string as arguments come in: on
/// the hundreds of thousands of ARNs and messages of a large account, that was a tenth of
/// the evaluation.
pub fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    parts.iter().for_each(|part| text.push_str(part));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_joins_the_parts_in_a_string_of_their_size() {
        let text = concat(&["arn:", "aws", ":ec2:", "", "eu-west-1"]);
        assert_eq!(text, "arn:aws:ec2:eu-west-1");
        assert_eq!(text.capacity(), text.len());
        assert_eq!(concat(&[]), "");
    }
}
