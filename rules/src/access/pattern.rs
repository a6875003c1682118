//! Comparing two IAM wildcard patterns (`*` any run, `?` one character), for requests whose
//! resource is not one concrete ARN: a resource the attacker will create and name
//! (`arn:aws:lambda:*:111122223333:function:*`), or a grant compared with another grant.

use crate::access::policy::wildcard_match;

/// Whether some string matches both patterns: a statement scoped to
/// `function:app-*` allows creating *some* function of `function:*`.
pub fn overlaps(a: &str, b: &str, ignore_case: bool) -> bool {
    let wild = |s: &str| s.bytes().any(|c| c == b'*' || c == b'?');
    if !wild(b) {
        return wildcard_match(a, b, ignore_case);
    }
    if !wild(a) {
        return wildcard_match(b, a, ignore_case);
    }
    if a == "*" || b == "*" {
        return true;
    }
    // Before either pattern's first wildcard both are literal text, and must agree there
    // (ARNs differing in service or account end here, which is most comparisons).
    let literal = |s: &str| s.bytes().take_while(|&c| c != b'*' && c != b'?').count();
    let common = literal(a).min(literal(b));
    let (head_a, head_b) = (&a.as_bytes()[..common], &b.as_bytes()[..common]);
    let agree = if ignore_case {
        head_a.eq_ignore_ascii_case(head_b)
    } else {
        head_a == head_b
    };
    if !agree && a.is_ascii() && b.is_ascii() {
        return false;
    }
    // Equal bytes up to a wildcard end on a character boundary in both.
    let (a, b) = if agree {
        (&a[common..], &b[common..])
    } else {
        (a, b)
    };
    let fold = |s: &str| -> Vec<char> {
        if ignore_case {
            s.chars().flat_map(char::to_lowercase).collect()
        } else {
            s.chars().collect()
        }
    };
    let (a, b) = (fold(a), fold(b));
    let mut memo = vec![None; (a.len() + 1) * (b.len() + 1)];
    overlap_from(&a, &b, 0, 0, &mut memo)
}

fn overlap_from(a: &[char], b: &[char], i: usize, j: usize, memo: &mut [Option<bool>]) -> bool {
    let slot = i * (b.len() + 1) + j;
    if let Some(known) = memo[slot] {
        return known;
    }
    let result = if i == a.len() && j == b.len() {
        true
    } else if i < a.len() && a[i] == '*' {
        // `a`'s star ends here, or it absorbs `b`'s next element.
        overlap_from(a, b, i + 1, j, memo) || (j < b.len() && overlap_from(a, b, i, j + 1, memo))
    } else if j < b.len() && b[j] == '*' {
        overlap_from(a, b, i, j + 1, memo) || (i < a.len() && overlap_from(a, b, i + 1, j, memo))
    } else if i < a.len() && j < b.len() && (a[i] == '?' || b[j] == '?' || a[i] == b[j]) {
        overlap_from(a, b, i + 1, j + 1, memo)
    } else {
        false
    };
    memo[slot] = Some(result);
    result
}

/// Whether every string `specific` matches is matched by `general` as well, judged by
/// matching `specific` as literal text (its `*` and `?` are then only matched by a `*` of
/// `general`): exact for the shapes policies use (`iam:*` ⊇ `iam:Create*`, `*` ⊇ anything),
/// and never claims cover where there is none except through a `?` in `general`.
pub fn covers(general: &str, specific: &str, ignore_case: bool) -> bool {
    wildcard_match(general, specific, ignore_case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_patterns() {
        assert!(overlaps(
            "arn:aws:lambda:*:1:function:app-*",
            "arn:aws:lambda:*:1:function:*",
            false
        ));
        assert!(overlaps("a*", "*b", false));
        assert!(overlaps("abc", "a?c", false));
        assert!(!overlaps(
            "arn:aws:iam::aws:policy/x-*",
            "arn:aws:iam::1:policy/*",
            false
        ));
        assert!(!overlaps("abc", "abd", false));
        assert!(overlaps("IAM:Create*", "iam:createuser", true));
        assert!(!overlaps("s3:Get*", "s3:Put*", true));
        assert!(overlaps("*", "arn:aws:s3:::b?", false));
        assert!(overlaps("arn:aws:s3:::*", "*", false));
        assert!(overlaps("ARN:aws:s3:::a*", "arn:aws:s3:::*z", true));
        assert!(!overlaps("ARN:aws:s3:::a*", "arn:aws:s3:::*z", false));
        assert!(overlaps("é*", "É?", true));
        assert!(!overlaps("é*", "É?", false));
    }

    #[test]
    fn covering_patterns() {
        assert!(covers("iam:*", "iam:Create*", true));
        assert!(covers("*", "s3:Get*", true));
        assert!(!covers("iam:CreateU*", "iam:Create*", true));
        assert!(covers("arn:aws:s3:::b*", "arn:aws:s3:::bucket/*", false));
    }
}
