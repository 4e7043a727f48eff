//! ARN syntax of `Resource` / `NotResource` values: `*` or
//! `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, wildcards and policy variables allowed.

use crate::model::iam::RuleError;

/// `Ok` for `*` and for a value with the six ARN parts; otherwise what is wrong, as a sentence
/// that ends with how to fix it.
pub fn check_resource_arn(value: &str) -> Result<(), RuleError> {
    if value == "*" {
        return Ok(());
    }
    let example = "e.g. \"arn:aws:s3:::my-bucket/*\", or \"*\" for every resource";
    let Some(rest) = value.strip_prefix("arn:") else {
        return Err(RuleError(format!(
            "`{value}` is not an ARN: a resource is `arn:partition:service:region:account:resource` ({example})"
        )));
    };
    // Policy variables such as ${aws:username} may hold colons; they are not part separators.
    let parts = split_outside_variables(rest, usize::MAX);
    if parts.len() < 5 {
        return Err(RuleError(format!(
            "`{value}` has {} of the 6 ARN parts `arn:partition:service:region:account:resource` ({example})",
            parts.len() + 1
        )));
    }
    let (partition, service) = (parts[0], parts[1]);
    if partition.is_empty() {
        return Err(RuleError(format!(
            "`{value}` has no partition: use `arn:aws:…` (or aws-cn, aws-us-gov) ({example})"
        )));
    }
    if service.is_empty() {
        return Err(RuleError(format!(
            "`{value}` has no service (the third part, e.g. `s3` or `iam`) ({example})"
        )));
    }
    // An empty resource part is accepted: AWS's own AmazonDevOpsGuruOrganizationsAccess uses
    // `arn:aws:organizations::*:`.
    Ok(())
}

/// `s` split at the colons outside `${…}` policy variables (whose names may hold one, e.g.
/// `${aws:username}`), into at most `max` parts: the last keeps its colons.
pub fn split_outside_variables(s: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && parts.len() + 1 < max {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted() {
        for v in [
            "*",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket/*",
            "arn:aws:iam::123456789012:role/app",
            "arn:aws:iam::*:role/*",
            "arn:*:ec2:*:*:instance/*",
            "arn:aws:s3:::home/${aws:username}/*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*",
            "arn:aws-cn:dynamodb:cn-north-1:1:table/t",
            // As in the AWS managed policy AmazonDevOpsGuruOrganizationsAccess.
            "arn:aws:organizations::*:",
        ] {
            assert_eq!(check_resource_arn(v), Ok(()), "{v}");
        }
    }

    #[test]
    fn rejected_with_a_reason() {
        for (v, says) in [
            ("my-bucket", "is not an ARN"),
            ("arn:aws:s3", "has 3 of the 6"),
            ("arn::s3:::b", "no partition"),
            ("arn:aws::::b", "no service"),
            ("s3:::bucket", "is not an ARN"),
        ] {
            let e = check_resource_arn(v).unwrap_err();
            assert!(e.to_string().contains(says), "{v}: {e}");
        }
    }
}
