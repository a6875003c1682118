//! "Did you mean": the known name closest to a misspelt one.

/// The candidate within a few edits of `word` (a quarter of its length, at least two),
/// the closest first.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 4).max(2);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance: insertions, deletions and substitutions of characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_known_name_and_nothing_far() {
        let ids = [
            "iam-root-mfa-disabled",
            "iam-root-access-keys",
            "s3-bucket-public-acl",
        ];
        assert_eq!(
            closest("iam-root-mfa-disbled", ids),
            Some("iam-root-mfa-disabled")
        );
        assert_eq!(
            closest("s3-bucket-publc-acl", ids),
            Some("s3-bucket-public-acl")
        );
        assert_eq!(closest("ec2-anything", ids), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
