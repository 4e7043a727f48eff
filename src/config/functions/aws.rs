//! `aws_managed_policy(NAME)`: the ARN of an AWS managed policy by its name, checked against the
//! embedded list, so nobody types `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess` by hand.
//! (The account id is the variable `account_id`, set from the backend; see `config::eval`.)

use super::str_arg;
use crate::access::managed;
use hcl::eval::FuncArgs;
use hcl::Value;

pub(super) fn aws_managed_policy(args: FuncArgs) -> Result<Value, String> {
    let name = str_arg(&args, 0)?;
    if name.is_empty() || name.contains(['/', ':']) {
        return Err(format!(
            "`{name}` is not an AWS managed policy name: give the name alone, e.g. \"ReadOnlyAccess\""
        ));
    }
    let suffix = format!("/{name}");
    if let Some(arn) = managed::arns().find(|arn| arn.ends_with(&suffix)) {
        return Ok(Value::String(arn));
    }
    let hint = managed::suggest(&format!("arn:aws:iam::aws:policy/{name}"))
        .and_then(|arn| arn.rsplit('/').next().map(str::to_owned))
        .map_or_else(String::new, |n| format!("; did you mean \"{n}\"?"));
    Err(format!(
        "there is no AWS managed policy named `{name}` among the {} iamform knows{hint}",
        managed::len()
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, table};

    #[test]
    fn names_become_arns_with_their_paths() {
        table(&[
            (
                r#"aws_managed_policy("ReadOnlyAccess")"#,
                r#""arn:aws:iam::aws:policy/ReadOnlyAccess""#,
            ),
            (
                r#"aws_managed_policy("ViewOnlyAccess")"#,
                r#""arn:aws:iam::aws:policy/job-function/ViewOnlyAccess""#,
            ),
        ]);
    }

    #[test]
    fn an_unknown_name_suggests_the_closest() {
        errors(&[
            (
                r#"aws_managed_policy("ReadOnlyAcess")"#,
                "no AWS managed policy named `ReadOnlyAcess`",
            ),
            (
                r#"aws_managed_policy("ReadOnlyAcess")"#,
                "did you mean \"ReadOnlyAccess\"?",
            ),
            (
                r#"aws_managed_policy("job-function/ViewOnlyAccess")"#,
                "give the name alone",
            ),
        ]);
    }
}
